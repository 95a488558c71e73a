// Planning one maintenance run for one source (behaviour.md §6): delete expired clones, purge
// obsolete copies, then make enough copies that the free capacity reaches the target the demand
// seen asks for (between the config's floor and ceiling), plus the slots of warm clones still to
// make. Copies take hours, so this runs ahead of demand (hourly) rather than inside a provision.

import type { Inventory } from '../model/inventory.ts';
import { type LeaseState, PLAN_VERSION, type Plan, type Step } from '../model/plan.ts';
import type { MaintenancePolicy } from '../model/policy.ts';
import { ValidationError } from '../util/errors.ts';
import { joinIdentifier } from '../util/identifiers.ts';
import { checkTargetCloneSlots } from '../validation/index.ts';
import { copySteps } from './copy.ts';
import { demandTarget } from './demand.ts';
import { NameBook, resolveIdSuffix } from './names.ts';
import { assessPool, checkPoolNumbers, readPool, unmanagedNotes, writerInstanceClass } from './pool.ts';
import { liveReservations } from './provision.ts';
import { planExpiredClones, planObsoleteCopies, withoutDeleted } from './purge.ts';
import { withRecentRestores } from './recent.ts';
import { planStranded } from './stranded.ts';
import { warmClones } from './warm.ts';

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
 * then obsolete copies, then `ceil(deficit / maxClonesPerSource)` new copies where
 * deficit = targetCloneSlots − free capacity after the deletions. Pure and deterministic.
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
  const deletions = plan.steps.filter((s) => s.kind === 'delete');
  // Copies that turn obsolete within the demand window count as gone: their replacement must be
  // ready when they stop counting, not start then (a full copy takes hours).
  const ahead = { ...options, maxCopyAgeMs: Math.max(1, policy.maxCopyAgeMs - policy.demandWindowMs) };
  const remaining = withoutDeleted(inventory, deletions);
  const afterDeletes = readPool(remaining, root.id, ahead).freeCapacity;
  const afterDeletesNow = readPool(remaining, root.id, options).freeCapacity;
  const agingOut = pool.freeCapacity - readPool(inventory, root.id, ahead).freeCapacity;
  if (agingOut > 0) {
    plan.notes.push(
      `${agingOut} free slot${agingOut === 1 ? '' : 's'} on copies that turn obsolete within the demand window are not counted: their replacement is made now`,
    );
  }

  const max = policy.maxClonesPerSource;
  const wanted = demandTarget(policy, input.lease?.demand, now);
  plan.notes.push(wanted.reason);
  // Warm clones still to make take free slots too: the copies are sized for both.
  const warmReady = warmClones(pool).length;
  const warmToMake = Math.max(0, policy.warmClones - warmReady);
  if (policy.warmClones > 0 || warmReady > 0) {
    plan.notes.push(
      `warm clones: ${warmReady} ready, ${policy.warmClones} wanted${warmToMake ? `: ${warmToMake} to make after the copies` : ''}${warmReady > policy.warmClones ? ' (the extra ones go when they expire)' : ''}`,
    );
  }
  const goal = wanted.target + warmToMake;
  const deficit = goal - afterDeletes;
  const count = deficit > 0 ? Math.ceil(deficit / max) : 0;
  if (count === 0) {
    plan.notes.push(`free capacity ${afterDeletes} already meets the target ${goal}: no copy needed`);
  }
  if (!instanceClass && (count > 0 || stranded.repairs.length > 0)) {
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
  // Copies first, under the lease, so a provision running now sees them; repairs and deletions after it.
  plan.steps = [...copies, ...stranded.repairs, ...plan.steps];
  // As the pool counts it once the plan is applied (copies aging out still count until they do).
  plan.capacityAfter = afterDeletesNow + count * max;
  if (warmToMake > 0) plan.warmToMake = warmToMake;
  const copyIds = copies.filter((s) => s.kind === 'copy').map((s) => s.clusterId);
  if (input.lease && copyIds.length) plan.lease = withRecentRestores(input.lease, copyIds, now);
  return plan;
}
