// Planning one maintenance run for one source (behaviour.md §6): delete expired clones, purge
// obsolete copies and the copies nothing uses that the hours ahead do not need, then make enough
// copies that the free capacity reaches the target the demand at these hours asks for (between the
// config's floor and ceiling), plus the slots of warm clones still to make. Copies take hours, so
// this runs ahead of demand (hourly) rather than inside a provision.

import type { Inventory } from '../model/inventory.ts';
import { type DeleteStep, type LeaseState, PLAN_VERSION, type Plan, type Step } from '../model/plan.ts';
import type { MaintenancePolicy } from '../model/policy.ts';
import { formatDuration } from '../util/duration.ts';
import { ValidationError } from '../util/errors.ts';
import { joinIdentifier } from '../util/identifiers.ts';
import { checkTargetCloneSlots } from '../validation/index.ts';
import { copySteps } from './copy.ts';
import { demandTarget, startCounting } from './demand.ts';
import { NameBook, resolveIdSuffix } from './names.ts';
import {
  assessPool,
  checkPoolNumbers,
  type Pool,
  type PoolSource,
  readPool,
  unmanagedNotes,
  writerInstanceClass,
} from './pool.ts';
import { liveReservations } from './provision.ts';
import { deleteStep, idleCopies, planExpiredClones, planObsoleteCopies, withoutDeleted } from './purge.ts';
import { withRecentRestores } from './recent.ts';
import { planStranded } from './stranded.ts';
import { retireSurplus, warmClones, warmWanted } from './warm.ts';

export interface MaintenanceInput {
  inventory: Inventory;
  policy: MaintenancePolicy;
  managerId: string;
  now: Date;
  /** The unique part of the new copies' identifiers (default: the UTC timestamp of `now`). */
  idSuffix?: string;
  /** The root's lease state: slots reserved by waiting requests are used, their copies are kept. */
  lease?: LeaseState;
}

/**
 * The plan for one source: expired clones first (they free slots and may release an obsolete copy),
 * then obsolete copies, then idle copies the hours ahead can do without, then
 * `ceil(deficit / maxClonesPerSource)` new copies where deficit = target − free capacity after the
 * deletions. Pure and deterministic.
 */
export function planMaintenance(input: MaintenanceInput): Plan {
  const { inventory, policy, managerId, now } = input;
  checkPoolNumbers(policy.maxClonesPerSource, policy.maxCopyAgeMs);
  checkTargetCloneSlots(policy.targetCloneSlots, 'targetCloneSlots');
  const suffix = resolveIdSuffix(now, input.idSuffix);
  const reservations = liveReservations(input);
  const options = {
    managerId,
    now,
    maxClonesPerSource: policy.maxClonesPerSource,
    maxCopyAgeMs: policy.maxCopyAgeMs,
    reservations,
  };
  const pool = readPool(inventory, policy.clusterId, options);
  const root = pool.root.cluster;
  const plan: Plan = {
    version: PLAN_VERSION,
    operation: 'maintain',
    rootClusterId: root.id,
    createdAt: now.toISOString(),
    sources: assessPool(pool),
    steps: [],
    capacityBefore: pool.freeCapacity,
    notes: unmanagedNotes(pool),
  };

  const names = new NameBook(inventory);
  const instanceClass = policy.copyInstanceClass ?? writerInstanceClass(inventory, root);
  const stranded = planStranded(pool, (id) => names.claimInstance(id), instanceClass ?? '');
  plan.steps.push(...stranded.steps);
  plan.notes.push(...stranded.notes);
  if (policy.deleteExpiredClones) {
    const expired = planExpiredClones(pool);
    plan.steps.push(...expired.steps);
    plan.notes.push(...expired.notes);
  }
  if (policy.purgeObsoleteCopies) {
    const purge = planObsoleteCopies(
      pool,
      inventory,
      plan.steps.filter((s) => s.kind === 'delete'),
      new Set(reservations.map((r) => r.sourceArn)),
    );
    plan.steps.push(...purge.steps);
    plan.notes.push(...purge.notes);
  }
  // Copies that turn obsolete within the demand window count as gone: their replacement must be
  // ready when they stop counting, not start then (a full copy takes hours).
  const ahead = { ...options, maxCopyAgeMs: Math.max(1, policy.maxCopyAgeMs - policy.demandWindowMs) };
  const agingOut = pool.freeCapacity - readPool(inventory, root.id, ahead).freeCapacity;
  if (agingOut > 0) {
    plan.notes.push(
      `${agingOut} free slot${agingOut === 1 ? '' : 's'} on copies that turn obsolete within the demand window are not counted: their replacement is made now`,
    );
  }

  const wanted = demandTarget(policy, input.lease?.demand, now);
  plan.notes.push(wanted.reason);
  // Warm clones still to make take free slots too: the copies are sized for both.
  const warm = warmWanted(policy, input.lease?.demand, now);
  if (warm.reason) plan.notes.push(warm.reason);
  const warmReady = warmClones(pool).length;
  const warmToMake = Math.max(0, warm.count - warmReady);
  // Sized by demand, the extra ones go now (nights need none); a fixed number lets them expire.
  const retired = policy.warmClones === 'demand' ? retireSurplus(pool, warm.count, now) : [];
  if (warm.count > 0 || warmReady > 0) {
    const extra =
      warmReady > warm.count
        ? retired.length
          ? ` (${retired.length} retired now)`
          : ' (the extra ones go when they expire)'
        : '';
    plan.notes.push(
      `warm clones: ${warmReady} ready, ${warm.count} wanted${warmToMake ? `: ${warmToMake} to make after the copies` : ''}${extra}`,
    );
  }
  let repairs = stranded.repairs;
  if (policy.purgeObsoleteCopies && wanted.followsDemand) {
    const left = withoutDeleted(inventory, deletionsOf(plan));
    const idle = planIdleCopies(
      readPool(left, root.id, options),
      readPool(left, root.id, ahead).freeCapacity,
      ahead.maxCopyAgeMs,
      wanted.keep + warmToMake,
      formatDuration(2 * policy.demandWindowMs),
      new Set(repairs.map((r) => r.clusterId)),
    );
    plan.steps.push(...idle.steps);
    plan.notes.push(...idle.notes);
    const purged = new Set(idle.steps.map((s) => s.clusterId));
    repairs = repairs.filter((r) => !purged.has(r.clusterId));
  }

  const remaining = withoutDeleted(inventory, deletionsOf(plan));
  const afterDeletes = readPool(remaining, root.id, ahead).freeCapacity;
  const afterDeletesNow = readPool(remaining, root.id, options).freeCapacity;
  const max = policy.maxClonesPerSource;
  const goal = wanted.target + warmToMake;
  const deficit = goal - afterDeletes;
  const count = deficit > 0 ? Math.ceil(deficit / max) : 0;
  if (count === 0) {
    plan.notes.push(`free capacity ${afterDeletes} already meets the target ${goal}: no copy needed`);
  }
  if (!instanceClass && (count > 0 || repairs.length > 0)) {
    throw new ValidationError(
      'copyInstanceClass',
      `source cluster ${root.id} has no writer instance to take the class from; give copyInstanceClass`,
      { clusterId: root.id },
    );
  }
  const copies: Step[] = [];
  for (let i = 1; i <= count; i++) {
    const clusterId = names.claimCluster(joinIdentifier(root.id, `${suffix}-${i}`));
    copies.push(
      ...copySteps({
        root,
        clusterId,
        instanceId: names.claimInstance(clusterId),
        instanceClass: instanceClass ?? '',
        managerId,
        now,
        pauseWhenIdle: policy.pauseWhenIdle,
        reason: `free capacity ${afterDeletes} is ${deficit} short of the target ${goal}${warmToMake ? ` (${wanted.target} free + ${warmToMake} warm clones to make)` : ''}; ${count} cop${count === 1 ? 'y' : 'ies'} of ${max} slots each (ceil(${deficit}/${max})): copy ${i} of ${count}`,
      }),
    );
  }
  // Copies first, under the lease, so a provision running now sees them, and the retired warm clones'
  // expiry, so none is claimed after this count; repairs and deletions after it.
  plan.steps = [...copies, ...retired, ...repairs, ...plan.steps];
  // As the pool counts it once the plan is applied (copies aging out still count until they do).
  plan.capacityAfter = afterDeletesNow + count * max;
  if (warmToMake > 0) plan.warmToMake = warmToMake;
  const copyIds = copies.filter((s) => s.kind === 'copy').map((s) => s.clusterId);
  if (input.lease) {
    // The first run on a source starts its demand clock, requests or not (see demandTarget).
    const counting = startCounting(input.lease.demand, now);
    const lease = counting ? { ...input.lease, demand: counting } : input.lease;
    if (counting || copyIds.length) plan.lease = withRecentRestores(lease, copyIds, now);
  }
  return plan;
}

function deletionsOf(plan: Plan): DeleteStep[] {
  return plan.steps.filter((s): s is DeleteStep => s.kind === 'delete');
}

/**
 * Copies nothing uses, purged oldest first while the free slots left still meet `keep` — now and
 * counting ahead as the target does. One is kept when a request would be cloned from it next (every
 * source tried before it is full): a purge starts after the lease is given back, and a clone begun
 * on a copy that is then deleted would name a source that no longer exists.
 *
 * A copy left without a writer (`unfinished`) with nothing on it goes whatever the free slots: it is
 * most likely a purge under way, between its instance's deletion and its own (a writer now would
 * undo it, and that purge would wait hours for the new instance to go); if a crash left it so, the
 * target makes a new copy when the pool needs one.
 */
function planIdleCopies(
  pool: Pool,
  capacityAhead: number,
  maxCopyAgeAheadMs: number,
  keep: number,
  horizon: string,
  unfinished: ReadonlySet<string>,
): { steps: DeleteStep[]; notes: string[] } {
  const out: { steps: DeleteStep[]; notes: string[] } = { steps: [], notes: [] };
  let now = pool.freeCapacity;
  let ahead = capacityAhead;
  const gone = new Set<PoolSource>();
  const candidates = idleCopies(pool, unfinished);
  // The unfinished first: they go in any case, and the capacity left without them decides the rest.
  candidates.sort((a, b) => Number(unfinished.has(b.cluster.id)) - Number(unfinished.has(a.cluster.id)));
  for (const copy of candidates) {
    const countsAhead = copy.ageMs <= maxCopyAgeAheadMs;
    const nowWithout = now - copy.free;
    const aheadWithout = ahead - (countsAhead ? copy.free : 0);
    const noWriter = unfinished.has(copy.cluster.id);
    if (!noWriter && (nowWithout < keep || aheadWithout < keep)) continue;
    const at = pool.cloneable.indexOf(copy);
    if (at >= 0 && !pool.cloneable.slice(0, at).some((s) => !gone.has(s))) {
      out.notes.push(
        `copy ${copy.cluster.id} kept although nothing uses it: the next request would be cloned from it`,
      );
      continue;
    }
    const step = deleteStep(
      copy.cluster,
      'copy',
      'purge',
      noWriter
        ? `it has no writer (its purge may be under way) and nothing uses it: rather than given one, it goes, and the target makes a new copy if the next ${horizon} need one`
        : `nothing uses it, and without it ${aheadWithout} free slots are left, enough for the ${keep} the next ${horizon} may need (data ${formatDuration(copy.ageMs)} old); a copy purged now could be back within that time`,
    );
    step.liveClones = 0;
    out.steps.push(step);
    gone.add(copy);
    now = nowWithout;
    ahead = aheadWithout;
  }
  return out;
}
