// Planning one clone (behaviour.md §5), every step of it: reuse an earlier result with the same
// request key; else clone the first cloneable source; else wait for a copy that is still being made
// and has room; else make a full copy of the root and wait for it. The plan also says which steps
// run under the root's lease and what the lease's reservations are afterwards.

import type { ClusterInfo, Inventory } from '../model/inventory.ts';
import {
  type CloneStep,
  type LeaseState,
  PLAN_VERSION,
  type Plan,
  type Reservation,
  type RestoreSettings,
  type ServedRequest,
  type SourceAssessment,
  type Step,
} from '../model/plan.ts';
import type { ProvisionPolicy } from '../model/policy.ts';
import { managedTagList, TAG, TAG_PREFIX, type Tag } from '../model/tags.ts';
import { formatDuration } from '../util/duration.ts';
import { ClusterExistsError, NoCapacityError, SourcesRefusedError, ValidationError } from '../util/errors.ts';
import { identifierProblem, joinIdentifier } from '../util/identifiers.ts';
import { copySteps } from './copy.ts';
import { recordRequest } from './demand.ts';
import { NameBook, resolveIdSuffix, wantedCloneName } from './names.ts';
import {
  assessSource,
  checkPoolNumbers,
  freeCapacity,
  type Pool,
  type PoolSource,
  readPool,
  siblingArn,
  unmanagedNotes,
  writerInstanceClass,
} from './pool.ts';
import { planObsoleteCopies, withoutDeleted } from './purge.ts';
import { recentRestores, withRecentRestores } from './recent.ts';
import { idleRange, serverlessRange } from './serverless.ts';
import { planStranded, STRANDED_AFTER_MS } from './stranded.ts';
import { claimStep, pickWarmClone } from './warm.ts';

/**
 * How long a slot on a copy being made stays held for a waiting request unless the request renews
 * it: a requester that died gives its slot back within this time.
 */
export const DEFAULT_RESERVATION_TTL_MS = 10 * 60_000;

export interface ProvisionInput {
  inventory: Inventory;
  request: ProvisionPolicy;
  /** The root's lease state: slots held by requests waiting for copies. Default: none. */
  lease?: LeaseState;
  /** Sources (ARN → AWS's reason) that refused a restore earlier in this request. */
  refused?: Readonly<Record<string, string>>;
  managerId: string;
  now: Date;
  /**
   * The unique part of generated identifiers (default: the UTC timestamp of `now`, e.g.
   * 20261125t102513z). Lowercase letters, digits and hyphens.
   */
  idSuffix?: string;
  reservationTtlMs?: number;
  /** This request waited in the lease's queue and the holder restored its clone. */
  served?: ServedRequest;
}

/** The reservations that have not lapsed at the plan's `now`. */
export function liveReservations(input: { lease?: LeaseState; now: Date }): Reservation[] {
  return (input.lease?.reservations ?? []).filter((r) => Date.parse(r.expiresAt) > input.now.getTime());
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

/** Everything the step builders share for one plan. */
interface Context {
  input: ProvisionInput;
  pool: Pool;
  root: ClusterInfo;
  names: NameBook;
  instanceClass: string;
  plan: Plan;
}

/**
 * The plan for one clone. Throws SourceNotFoundError (no such root), ValidationError (bad numbers,
 * bad cluster id, no instance class), ClusterExistsError (id taken), NoCapacityError (no slot and
 * copyOk false) or SourcesRefusedError (every usable source refused a restore). Pure: the same
 * input always gives the same plan.
 */
export function planProvision(input: ProvisionInput): Plan {
  const { inventory, request, managerId, now } = input;
  checkPoolNumbers(request.maxClonesPerSource, request.maxCopyAgeMs);
  if (request.clusterId !== undefined) {
    const problem = identifierProblem(request.clusterId);
    if (problem) throw new ValidationError('clusterId', `"${request.clusterId}" ${problem}`);
  }
  const live = liveReservations(input);
  const mine = request.requestKey ? live.find((r) => r.requestKey === request.requestKey) : undefined;
  const others = live.filter((r) => r !== mine);
  const pool = readPool(inventory, request.sourceClusterId, {
    managerId,
    now,
    maxClonesPerSource: request.maxClonesPerSource,
    maxCopyAgeMs: request.maxCopyAgeMs,
    reservations: others,
    ...(input.refused ? { refused: input.refused } : {}),
    ...(request.copyCreatedSince ? { copyCreatedSince: request.copyCreatedSince } : {}),
  });
  const root = pool.root.cluster;
  const plan: Plan = {
    version: PLAN_VERSION,
    operation: 'provision',
    rootClusterId: root.id,
    createdAt: now.toISOString(),
    sources: [pool.root, ...pool.copies].map(assessSource),
    steps: [],
    lease: keptLeaseState(input, others),
    capacityBefore: pool.freeCapacity,
    notes: unmanagedNotes(pool),
  };
  const instanceClass = request.instanceClass ?? writerInstanceClass(inventory, root);
  if (!instanceClass) {
    throw new ValidationError(
      'instanceClass',
      `source cluster ${root.id} has no writer instance to take the class from; give an instance class`,
      { clusterId: root.id },
    );
  }
  const ctx: Context = { input, pool, root, names: new NameBook(inventory), instanceClass, plan };

  const earlier = request.requestKey ? findByRequestKey(inventory, request.requestKey, managerId) : undefined;
  if (earlier) {
    plan.steps.push(...reuseSteps(ctx, earlier));
    const served = input.served?.clusterId === earlier.id ? input.served : undefined;
    plan.capacityAfter = served?.freeCapacity ?? pool.freeCapacity;
    if (served) {
      plan.notes.push(
        `the sources above are as this request read them before it waited for the lease; request ${served.by} counted them again under the lease`,
      );
    }
    return plan;
  }
  // A new request: counted in the demand maintenance sizes the pool by (warm clones it makes are not).
  if (!request.makeWarm && plan.lease) plan.lease.demand = recordRequest(plan.lease.demand, now);

  const named = request.clusterId !== undefined;
  const warm = mine ? {} : pickWarmClone(pool, request, instanceClass, named);
  if (warm.note) plan.notes.push(warm.note);
  if (warm.clone) {
    const claim = claimStep(warm.clone, request, managerId, now, named ? nameClone(ctx) : undefined);
    plan.steps.push(claim);
    if (request.wait) {
      plan.steps.push({
        kind: 'wait',
        clusterId: claim.newClusterId ?? claim.clusterId,
        instanceId: claim.instanceId,
        reason: 'wait was asked for: until the clone and its writer are available',
      });
    }
    plan.capacityAfter = pool.freeCapacity;
    return plan;
  }

  const held = mine ? pool.copies.find((c) => c.cluster.arn === mine.sourceArn) : undefined;
  // The copy this request waits for stays its copy even if its data grew older than maxCopyAge
  // meanwhile (a copy can take longer to make than that): else every wait would end in a new copy.
  const since = request.copyCreatedSince?.getTime();
  const heldUsable =
    held?.owned && held.ofInterest && (since === undefined || held.dataTimestamp.getTime() > since);
  const cloneId = mine && heldUsable ? mine.clusterId : undefined;
  const heldReady =
    held && held.cluster.status === 'available' && held.cluster.members.length > 0 && held.free > 0;
  const cloneName = cloneId ? ctx.names.claimCluster(cloneId) : nameClone(ctx);
  if (mine && cloneId === undefined) {
    plan.notes.push(
      `the copy this request was waiting for (${held?.cluster.id ?? mine.sourceArn}) can no longer be used: planning anew`,
    );
  }

  let capacityAfterCreate = -1;
  const chosen = held && cloneId && heldReady ? held : cloneId ? undefined : pool.cloneable[0];
  // A warm clone is only worth making from a slot free now; maintenance comes back for it later.
  const waitable = held && cloneId ? held : request.makeWarm ? undefined : roomOnCopyBeingMade(pool);
  if (chosen) {
    markChosen(plan.sources, chosen);
    const reason =
      chosen === held
        ? `copy ${chosen.cluster.id}, which this request waited for with a slot held on it, can be cloned now`
        : cloneReason(pool, chosen);
    const clone = cloneStep(ctx, existing(chosen, false, root), cloneName, reason);
    plan.steps.push(...cloneSequence(ctx, clone, purges(ctx)));
  } else if (waitable) {
    const clone = cloneStep(
      ctx,
      existing(waitable, true, root),
      cloneName,
      `clone ${waitable.cluster.id} once it can be cloned; a slot on it is held for this request meanwhile`,
    );
    plan.steps.push(
      ...purges(ctx),
      waitCopy(
        ctx,
        waitable.cluster,
        cloneName,
        `no source can take a clone now (${shortage(pool)}); copy ${waitable.cluster.id} is still being made and has a free slot: this request waits for it rather than making another copy`,
      ),
      ...cloneSequence(ctx, clone),
    );
  } else {
    if (Object.keys(input.refused ?? {}).length > 0) throw refusedEverywhere(pool, input.refused ?? {});
    if (!request.copyOk) throw noCapacity(pool, request);
    if (root.members.length === 0) {
      throw new SourcesRefusedError(
        `source cluster ${root.id} has no DB instance: AWS can neither clone nor copy a cluster without one (add an instance to it). Sources: ${sourceLines(pool)}.`,
        { clusterId: root.id },
      );
    }
    plan.steps.push(...copyThenClone(ctx, cloneName));
    capacityAfterCreate = request.maxClonesPerSource - 1;
  }
  const deleted = plan.steps.filter((s) => s.kind === 'delete');
  const after = deleted.length ? readPool(withoutDeleted(inventory, deleted), root.id, pool.options) : pool;
  plan.capacityAfter = freeCapacity([after.root, ...after.copies]) + capacityAfterCreate;
  const restored = plan.steps.filter((s) => s.kind === 'clone' || s.kind === 'copy').map((s) => s.clusterId);
  if (plan.lease) plan.lease = withRecentRestores(plan.lease, restored, now);
  return plan;
}

/** What of the lease state a provision keeps: the demand counts and the recent restores. */
function keptLeaseState(input: ProvisionInput, reservations: Reservation[]): LeaseState {
  const recent = recentRestores(input.lease, input.now);
  return {
    reservations,
    ...(input.lease?.demand ? { demand: input.lease.demand } : {}),
    ...(recent.length ? { recent } : {}),
  };
}

/**
 * The holder that served this request restored its clone with an expiry a few minutes off, in case
 * this request was gone (batch.ts, ADOPT_WITHIN_MS): the request takes the clone by setting the
 * expiry it asked for, or none.
 */
function adoptServed(ctx: Context, clone: ClusterInfo): Step[] {
  const { request, now } = ctx.input;
  const provisional = clone.managed?.expiresAt;
  const base = { kind: 'tag' as const, clusterId: clone.id, arn: clone.arn };
  if (request.ttlMs !== undefined) {
    const wanted = new Date(now.getTime() + request.ttlMs).toISOString();
    return [
      {
        ...base,
        tags: [{ Key: TAG.expiresAt, Value: wanted }],
        reason: `this request takes clone ${clone.id}: its expiry becomes now + its ttl, ${wanted}${provisional ? ` (the holder set ${provisional.toISOString()} in case it was gone)` : ''}`,
      },
    ];
  }
  if (!provisional) return [];
  return [
    {
      ...base,
      tags: [],
      removeKeys: [TAG.expiresAt],
      reason: `this request takes clone ${clone.id}: it asked for no expiry, so the one the holder set in case it was gone (${provisional.toISOString()}) goes`,
    },
  ];
}

function reuseSteps(ctx: Context, earlier: ClusterInfo): Step[] {
  const { request } = ctx.input;
  const served = ctx.input.served?.clusterId === earlier.id ? ctx.input.served : undefined;
  const steps: Step[] = [
    served
      ? {
          kind: 'reuse',
          clusterId: earlier.id,
          arn: earlier.arn,
          servedBy: served.by,
          reason: `request ${served.by}, holding the lease, restored clone ${earlier.id} for this request while it waited for the lease (status ${earlier.status}); this request goes on from there`,
        }
      : {
          kind: 'reuse',
          clusterId: earlier.id,
          arn: earlier.arn,
          reason: `request ${request.requestKey} already made clone ${earlier.id} (status ${earlier.status}); nothing new is created`,
        },
  ];
  if (served) steps.push(...adoptServed(ctx, earlier));
  const writer = earlier.members.find((m) => m.isWriter) ?? earlier.members[0];
  const instanceId = writer?.instanceId ?? ctx.names.claimInstance(earlier.id);
  if (!writer) {
    // The request that made it stopped between the restore and the writer (or, served, restored
    // only the clone): finish its work.
    steps.push({
      kind: 'clone-writer',
      clusterId: earlier.id,
      instanceId,
      instanceClass: ctx.instanceClass,
      engine: earlier.engine,
      ...writerParameterGroup(ctx),
      tags: managedTagsOf(earlier),
      reason: served
        ? `clone ${earlier.id} has no writer instance yet: the holder that restored it makes only the clone under the lease, and this request makes its writer if the holder has not yet`
        : `clone ${earlier.id} has no writer instance yet (its maker stopped before creating one)`,
    });
  }
  if (request.wait) {
    steps.push({
      kind: 'wait',
      clusterId: earlier.id,
      instanceId,
      reason: 'wait was asked for: until the clone and its writer are available',
    });
    if (earlier.managed?.passwordPending) {
      steps.push(passwordApply(earlier.id, earlier.arn));
    }
  }
  return steps;
}

function nameClone(ctx: Context): string {
  const { request, now } = ctx.input;
  const suffix = resolveIdSuffix(now, ctx.input.idSuffix);
  const wanted = wantedCloneName(ctx.root.id, request.clusterId, suffix);
  if (request.clusterId === undefined || !ctx.names.clusterTaken(wanted))
    return ctx.names.claimCluster(wanted);
  if (!request.noFailOnExistingCluster) throw new ClusterExistsError(request.clusterId);
  const id = ctx.names.claimCluster(joinIdentifier(request.clusterId, suffix));
  ctx.plan.notes.push(
    `cluster ${request.clusterId} already exists; noFailOnExistingCluster: the clone is named ${id}`,
  );
  return id;
}

/** A copy of this manager, fresh and still being made (or still without a writer), with a free slot. */
function roomOnCopyBeingMade(pool: Pool): PoolSource | undefined {
  return pool.copies.find(
    (c) =>
      c.owned &&
      c.counted &&
      c.free > 0 &&
      (c.cluster.status !== 'available' || c.cluster.members.length === 0),
  );
}

function reserve(ctx: Context, sourceArn: string, clusterId: string) {
  const { request, now } = ctx.input;
  if (!request.requestKey || !ctx.plan.lease) return;
  const ttl = ctx.input.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
  const reservation: Reservation = {
    requestKey: request.requestKey,
    sourceArn,
    clusterId,
    expiresAt: new Date(now.getTime() + ttl).toISOString(),
  };
  ctx.plan.lease.reservations = [...ctx.plan.lease.reservations, reservation];
}

function restoreFrom(ctx: Context, source: ClusterInfo): RestoreSettings {
  const { request } = ctx.input;
  const out: RestoreSettings = {
    securityGroupIds: request.vpcSecurityGroupIds ?? source.securityGroupIds,
    ...idleRange(
      serverlessRange(ctx.instanceClass, source, ctx.root),
      request.makeWarm && request.pauseWhenIdle,
    ),
  };
  const subnet = request.dbSubnetGroupName ?? source.subnetGroup;
  if (subnet) out.subnetGroup = subnet;
  const pg = request.dbClusterParameterGroupName ?? source.clusterParameterGroup;
  if (pg) out.clusterParameterGroup = pg;
  return out;
}

/** What a clone is restored from: an existing source, or a copy this request made or waits for. */
interface CloneSource {
  id: string;
  arn: string;
  kind: 'root' | 'copy';
  dataTimestamp: Date;
  /** Whose subnet group, security groups and parameter group the clone gets by default. */
  placement: ClusterInfo;
  inPlan: boolean;
}

function existing(s: PoolSource, inPlan: boolean, root: ClusterInfo): CloneSource {
  // A copy still being made was restored with the root's placement.
  const placement = inPlan ? root : s.cluster;
  return {
    id: s.cluster.id,
    arn: s.cluster.arn,
    kind: s.kind,
    dataTimestamp: s.dataTimestamp,
    placement,
    inPlan,
  };
}

function cloneStep(ctx: Context, source: CloneSource, clusterId: string, reason: string): CloneStep {
  const { request, managerId, now } = ctx.input;
  const dataTimestamp = source.kind === 'root' ? now : source.dataTimestamp;
  const step: CloneStep = {
    kind: 'clone',
    clusterId,
    sourceClusterId: source.id,
    sourceArn: source.arn,
    rootArn: ctx.root.arn,
    arn: siblingArn(ctx.root.arn, clusterId),
    dataTimestamp: dataTimestamp.toISOString(),
    restore: restoreFrom(ctx, source.placement),
    tags: managedTagList(
      {
        role: 'clone',
        sourceArn: source.arn,
        rootArn: ctx.root.arn,
        dataTimestamp,
        manager: managerId,
        ...(request.requestKey ? { request: request.requestKey } : {}),
        ...(request.owner ? { owner: request.owner } : {}),
        ...(request.ttlMs !== undefined ? { expiresAt: new Date(now.getTime() + request.ttlMs) } : {}),
        ...(request.password?.manageMasterUserPassword ? { passwordPending: true } : {}),
        ...(request.makeWarm ? { warm: ctx.instanceClass } : {}),
      },
      request.tags,
    ),
    underLease: true,
    reason,
  };
  if (source.inPlan) step.sourceCreatedInPlan = true;
  return step;
}

/**
 * The clone, its generated password when asked (tagged before the writer exists), its writer,
 * `afterWriter`, then with wait: the wait and the pending password.
 */
function cloneSequence(ctx: Context, clone: CloneStep, afterWriter: Step[] = []): Step[] {
  const { request } = ctx.input;
  const steps: Step[] = [clone];
  if (request.password?.setPassword) {
    steps.push({
      kind: 'password',
      action: 'prepare',
      clusterId: clone.clusterId,
      arn: clone.arn,
      request: request.password,
      reason:
        'SetPassword: a generated password is kept in a new secret and marked pending on the clone, to be set once its writer is up',
    });
  }
  const instanceId = ctx.names.claimInstance(clone.clusterId);
  steps.push(
    {
      kind: 'clone-writer',
      clusterId: clone.clusterId,
      instanceId,
      instanceClass: ctx.instanceClass,
      engine: ctx.root.engine,
      ...writerParameterGroup(ctx),
      tags: clone.tags,
      reason: `a clone is usable once it has a writer instance (${ctx.instanceClass}${request.instanceClass ? '' : `, the class of ${ctx.root.id}'s writer`})`,
    },
    ...afterWriter,
  );
  if (request.wait) {
    steps.push({
      kind: 'wait',
      clusterId: clone.clusterId,
      instanceId,
      reason: 'wait was asked for: until the clone and its writer are available',
    });
    if (request.password?.setPassword || request.password?.manageMasterUserPassword) {
      steps.push(passwordApply(clone.clusterId, clone.arn));
    }
  }
  return steps;
}

function writerParameterGroup(ctx: Context): { parameterGroup?: string } {
  // Default: the root writer's parameter group, so the clone behaves like the source.
  const pg = ctx.input.request.dbParameterGroupName ?? ctx.input.inventory.instances[0]?.parameterGroup;
  return pg ? { parameterGroup: pg } : {};
}

function passwordApply(clusterId: string, arn: string): Step {
  return {
    kind: 'password',
    action: 'apply',
    clusterId,
    arn,
    reason: 'the clone is available: set its pending master password now',
  };
}

/** Reserves a slot on the copy for this request and waits until the copy can be cloned. */
function waitCopy(ctx: Context, copy: { id: string; arn: string }, cloneId: string, reason: string): Step {
  reserve(ctx, copy.arn, cloneId);
  return {
    kind: 'wait-copy',
    clusterId: copy.id,
    arn: copy.arn,
    cloneId,
    once: ctx.input.request.waitForCopy === false,
    stalledAfterMs: STRANDED_AFTER_MS,
    reason,
  };
}

function copyThenClone(ctx: Context, cloneName: string): Step[] {
  const { pool, root, input } = ctx;
  const { request, managerId, now } = input;
  const suffix = resolveIdSuffix(now, input.idSuffix);
  const copyId = ctx.names.claimCluster(joinIdentifier(root.id, `${suffix}-copy`));
  const copyArn = siblingArn(root.arn, copyId);
  const source: CloneSource = {
    id: copyId,
    arn: copyArn,
    kind: 'copy',
    dataTimestamp: now,
    placement: root,
    inPlan: true,
  };
  const clone = cloneStep(
    ctx,
    source,
    cloneName,
    `clone the new copy ${copyId} once it is available (a full copy can take hours for a large database)`,
  );
  ctx.plan.notes.push(
    `a full copy of ${root.id} is made first; the clone's data timestamp will be the copy's`,
  );
  return [
    ...copySteps({
      root,
      clusterId: copyId,
      instanceId: ctx.names.claimInstance(copyId),
      instanceClass: ctx.instanceClass,
      managerId,
      now,
      reason: `no source can take a clone now (${shortage(pool)}); copyOk allows a full copy of ${root.id}, which adds ${request.maxClonesPerSource} slots to the pool`,
    }),
    ...purges(ctx),
    waitCopy(
      ctx,
      { id: copyId, arn: copyArn },
      cloneName,
      `the clone is made from ${copyId} once it is available; a slot on it is held for this request meanwhile`,
    ),
    ...cloneSequence(ctx, clone),
  ];
}

/** Obsolete copies to purge (when asked), and what a crashed request left without a writer. */
function purges(ctx: Context): Step[] {
  const stranded = planStranded(ctx.pool, (id) => ctx.names.claimInstance(id), ctx.instanceClass);
  ctx.plan.notes.push(...stranded.notes);
  if (!ctx.input.request.purgeObsoleteCopies) return [...stranded.repairs, ...stranded.steps];
  const reserved = new Set(liveReservations(ctx.input).map((r) => r.sourceArn));
  const purge = planObsoleteCopies(ctx.pool, ctx.input.inventory, [], reserved);
  ctx.plan.notes.push(...purge.notes);
  return [...stranded.repairs, ...stranded.steps, ...purge.steps];
}

function cloneReason(pool: Pool, source: PoolSource): string {
  const max = pool.options.maxClonesPerSource;
  const slots = `${source.free} of ${max} slots free`;
  return source.kind === 'root'
    ? `the root ${source.cluster.id} has ${slots}: it is always tried first (its data is current)`
    : `the root ${pool.root.cluster.id} cannot take it (${pool.root.notCloneable}); ${source.cluster.id} is the newest fresh copy with a free slot (${slots}, data ${formatDuration(source.ageMs)} old)`;
}

function markChosen(sources: SourceAssessment[], chosen: PoolSource) {
  for (const a of sources) {
    if (a.arn === chosen.cluster.arn) delete a.skipped;
    else if (a.cloneable) a.skipped = `cloneable, but ${chosen.cluster.id} comes first`;
  }
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

function sourceLines(pool: Pool): string {
  const max = pool.options.maxClonesPerSource;
  return [pool.root, ...pool.copies]
    .map((s) => {
      const age = s.kind === 'root' ? 'current data' : `data ${formatDuration(s.ageMs)} old`;
      const why = s.notCloneable ? `: ${s.notCloneable}` : '';
      return `${s.cluster.id} (${s.kind}, ${s.cluster.status}, ${s.used}/${max} used, ${s.free} free, ${age})${why}`;
    })
    .join('; ');
}

function refusedEverywhere(pool: Pool, refused: Readonly<Record<string, string>>): SourcesRefusedError {
  const named = Object.entries(refused).map(([arn, why]) => `${arn.slice(arn.lastIndexOf(':') + 1)}: ${why}`);
  return new SourcesRefusedError(
    `no source of ${pool.root.cluster.id} could be restored from: ${named.join('; ')}. Sources: ${sourceLines(pool)}.`,
    { clusterId: pool.root.cluster.id },
  );
}

function noCapacity(pool: Pool, request: ProvisionPolicy): NoCapacityError {
  const max = pool.options.maxClonesPerSource;
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
    `no free clone slot for source ${pool.root.cluster.id} and copyOk is false. Sources: ${sourceLines(pool)}. To get a clone: ${help.join(', or ')}.`,
    { clusterId: pool.root.cluster.id, maxClonesPerSource: max, freeCapacity: pool.freeCapacity },
  );
}

/** The manager's tags of an existing cluster, for the writer that completes it. */
function managedTagsOf(c: ClusterInfo): Tag[] {
  return Object.entries(c.tags)
    .filter(([k]) => k.startsWith(TAG_PREFIX))
    .map(([Key, Value]) => ({ Key, Value }));
}
