// Planning one clone (behaviour.md §5): reuse an earlier result with the same request key, name the
// clone, pick the first cloneable source or plan a full copy of the root, and purge obsolete copies.

import type { ClusterInfo, Inventory } from '../model/inventory.ts';
import {
  type CloneStep,
  type CopyStep,
  PLAN_VERSION,
  type Plan,
  type SourceAssessment,
} from '../model/plan.ts';
import type { ProvisionPolicy } from '../model/policy.ts';
import { formatDuration } from '../util/duration.ts';
import { ClusterExistsError, NoCapacityError, ValidationError } from '../util/errors.ts';
import { identifierProblem, joinIdentifier } from '../util/identifiers.ts';
import { NameBook, resolveIdSuffix } from './names.ts';
import {
  assessSource,
  checkPoolNumbers,
  freeCapacity,
  type Pool,
  type PoolSource,
  readPool,
  siblingArn,
  writerInstanceClass,
} from './pool.ts';
import { planObsoleteCopies, withoutDeleted } from './purge.ts';

export interface ProvisionInput {
  inventory: Inventory;
  request: ProvisionPolicy;
  managerId: string;
  now: Date;
  /**
   * The unique part of generated identifiers (default: the UTC timestamp of `now`, e.g.
   * 20261125t102513z). Lowercase letters, digits and hyphens.
   */
  idSuffix?: string;
}

/** An earlier clone made for the same request key by this manager, if one exists and is not going away. */
export function findByRequestKey(
  inventory: Inventory,
  requestKey: string,
  managerId: string,
): ClusterInfo | undefined {
  return inventory.clusters.find(
    (c) =>
      c.managed?.role === 'clone' &&
      c.managed.request === requestKey &&
      (c.managed.manager === undefined || c.managed.manager === managerId) &&
      c.status !== 'deleting',
  );
}

/**
 * The plan for one clone. Throws SourceNotFoundError (no such root), ValidationError (bad numbers,
 * bad cluster id, no instance class), ClusterExistsError (id taken) or NoCapacityError (no slot and
 * copyOk false). Pure: the same input always gives the same plan.
 */
export function planProvision(input: ProvisionInput): Plan {
  const { inventory, request, managerId, now } = input;
  checkPoolNumbers(request.maxClonesPerSource, request.maxCopyAgeMs);
  if (request.clusterId !== undefined) {
    const problem = identifierProblem(request.clusterId);
    if (problem) throw new ValidationError('clusterId', `"${request.clusterId}" ${problem}`);
  }
  if (request.copyCreatedSince && request.copyCreatedSince.getTime() >= now.getTime()) {
    // Not even a copy made now would have data after it: fail before planning a useless copy.
    throw new ValidationError(
      'copyCreatedSince',
      `${request.copyCreatedSince.toISOString()} is not in the past (now ${now.toISOString()})`,
    );
  }
  const suffix = resolveIdSuffix(now, input.idSuffix);
  const pool = readPool(inventory, request.sourceClusterId, {
    managerId,
    now,
    maxClonesPerSource: request.maxClonesPerSource,
    maxCopyAgeMs: request.maxCopyAgeMs,
    ...(request.copyCreatedSince ? { copyCreatedSince: request.copyCreatedSince } : {}),
  });
  const root = pool.root.cluster;
  const plan: Plan = {
    version: PLAN_VERSION,
    operation: 'provision',
    rootClusterId: root.id,
    createdAt: now.toISOString(),
    sources: [],
    steps: [],
    capacityBefore: pool.freeCapacity,
    notes: [],
  };

  if (request.requestKey !== undefined) {
    const earlier = findByRequestKey(inventory, request.requestKey, managerId);
    if (earlier) {
      plan.sources = [pool.root, ...pool.copies].map(assessSource);
      plan.steps.push({
        kind: 'reuse',
        clusterId: earlier.id,
        arn: earlier.arn,
        reason: `request ${request.requestKey} already made clone ${earlier.id} (status ${earlier.status}); nothing new is created`,
      });
      plan.capacityAfter = pool.freeCapacity;
      return plan;
    }
  }

  const names = new NameBook(inventory);
  const cloneId = cloneName(request, root.id, suffix, names, plan.notes);
  const instanceClass = request.instanceClass ?? writerInstanceClass(inventory, root);
  if (!instanceClass) {
    throw new ValidationError(
      'instanceClass',
      `source cluster ${root.id} has no writer instance to take the class from; give an instance class`,
      { clusterId: root.id },
    );
  }

  const chosen = pool.cloneable[0];
  let capacityAfterCreate: number;
  if (chosen) {
    plan.sources = [pool.root, ...pool.copies].map((s) => assessChoice(s, chosen));
    plan.steps.push(
      cloneFromExisting(chosen, pool, cloneId, names.claimInstance(cloneId), instanceClass, now),
    );
    capacityAfterCreate = -1;
  } else {
    plan.sources = [pool.root, ...pool.copies].map(assessSource);
    if (!request.copyOk) throw noCapacity(pool, request);
    const copyId = names.claimCluster(joinIdentifier(root.id, `${suffix}-copy`));
    const copy: CopyStep = {
      kind: 'copy',
      clusterId: copyId,
      instanceId: names.claimInstance(copyId),
      instanceClass,
      rootClusterId: root.id,
      rootArn: root.arn,
      reason: `no source can take a clone now (${shortage(pool)}); copyOk allows a full copy of ${root.id}, which adds ${request.maxClonesPerSource} slots to the pool`,
    };
    const clone: CloneStep = {
      kind: 'clone',
      clusterId: cloneId,
      instanceId: names.claimInstance(cloneId),
      instanceClass,
      sourceClusterId: copyId,
      sourceArn: siblingArn(root.arn, copyId),
      rootArn: root.arn,
      dataTimestamp: now.toISOString(),
      reason: `clone the new copy ${copyId} once it is available (a full copy can take hours for a large database)`,
      sourceCreatedInPlan: true,
    };
    plan.steps.push(copy, clone);
    plan.notes.push(`a full copy of ${root.id} is made first; the clone's data timestamp will be the copy's`);
    capacityAfterCreate = request.maxClonesPerSource - 1;
  }

  let afterPurge = pool;
  if (request.purgeObsoleteCopies) {
    const purge = planObsoleteCopies(pool, inventory);
    plan.steps.push(...purge.steps);
    plan.notes.push(...purge.notes);
    if (purge.steps.length > 0)
      afterPurge = readPool(withoutDeleted(inventory, purge.steps), root.id, pool.options);
  }
  plan.capacityAfter = freeCapacity([afterPurge.root, ...afterPurge.copies]) + capacityAfterCreate;
  return plan;
}

function cloneName(
  request: ProvisionPolicy,
  rootId: string,
  suffix: string,
  names: NameBook,
  notes: string[],
) {
  if (request.clusterId === undefined) return names.claimCluster(joinIdentifier(rootId, suffix));
  if (!names.clusterTaken(request.clusterId)) return names.claimCluster(request.clusterId);
  if (!request.noFailOnExistingCluster) throw new ClusterExistsError(request.clusterId);
  const id = names.claimCluster(joinIdentifier(request.clusterId, suffix));
  notes.push(
    `cluster ${request.clusterId} already exists; noFailOnExistingCluster: the clone is named ${id}`,
  );
  return id;
}

function cloneFromExisting(
  source: PoolSource,
  pool: Pool,
  clusterId: string,
  instanceId: string,
  instanceClass: string,
  now: Date,
): CloneStep {
  const max = pool.options.maxClonesPerSource;
  const slots = `${source.free} of ${max} slots free`;
  const reason =
    source.kind === 'root'
      ? `the root ${source.cluster.id} has ${slots}: it is always tried first (its data is current)`
      : `the root ${pool.root.cluster.id} cannot take it (${pool.root.notCloneable}); ${source.cluster.id} is the newest fresh copy with a free slot (${slots}, data ${formatDuration(source.ageMs)} old)`;
  return {
    kind: 'clone',
    clusterId,
    instanceId,
    instanceClass,
    sourceClusterId: source.cluster.id,
    sourceArn: source.cluster.arn,
    rootArn: pool.root.cluster.arn,
    dataTimestamp: source.kind === 'root' ? now.toISOString() : source.dataTimestamp.toISOString(),
    reason,
  };
}

function assessChoice(s: PoolSource, chosen: PoolSource): SourceAssessment {
  const a = assessSource(s);
  if (s === chosen) delete a.skipped;
  else if (s.cloneable) a.skipped = `cloneable, but ${chosen.cluster.id} comes first`;
  return a;
}

function shortage(pool: Pool): string {
  const max = pool.options.maxClonesPerSource;
  const parts = [`root: ${pool.root.notCloneable ?? `${pool.root.used}/${max} used`}`];
  const usable = pool.copies.filter((c) => c.owned && c.ofInterest);
  const full = usable.filter((c) => c.fresh && c.free === 0).length;
  const stale = usable.filter((c) => !c.fresh).length;
  const creating = usable.filter((c) => c.fresh && c.free > 0 && c.cluster.status !== 'available').length;
  if (full) parts.push(`${full} fresh cop${full === 1 ? 'y' : 'ies'} full`);
  if (creating) parts.push(`${creating} cop${creating === 1 ? 'y' : 'ies'} still being made`);
  if (stale) parts.push(`${stale} cop${stale === 1 ? 'y' : 'ies'} not fresh enough`);
  if (usable.length === 0) parts.push('no copies');
  return parts.join(', ');
}

function noCapacity(pool: Pool, request: ProvisionPolicy): NoCapacityError {
  const max = pool.options.maxClonesPerSource;
  const lines = [pool.root, ...pool.copies].map((s) => {
    const age = s.kind === 'root' ? 'current data' : `data ${formatDuration(s.ageMs)} old`;
    const why = s.notCloneable ? `: ${s.notCloneable}` : '';
    return `${s.cluster.id} (${s.kind}, ${s.cluster.status}, ${s.used}/${max} used, ${s.free} free, ${age})${why}`;
  });
  const help = [
    'allow a full copy of the source (copyOk true; drop --no-copy)',
    `raise targetCloneSlots for ${pool.root.cluster.id} in the maintenance config so copies are ready ahead of demand`,
    'delete clones that are no longer needed',
  ];
  if (request.copyCreatedSince && pool.copies.some((c) => c.owned && !c.obsolete && !c.fresh)) {
    help.push('accept older data (an earlier copyCreatedSince)');
  }
  if (max < 15) help.push(`raise maxClonesPerSource (now ${max}, AWS allows 15)`);
  return new NoCapacityError(
    `no free clone slot for source ${pool.root.cluster.id} and copyOk is false. Sources: ${lines.join('; ')}. To get a clone: ${help.join(', or ')}.`,
    { clusterId: pool.root.cluster.id, maxClonesPerSource: max, freeCapacity: pool.freeCapacity },
  );
}
