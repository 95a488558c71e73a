// provisionClone: read → plan → apply, with the read-count-restore part under the root's lease so
// concurrent requests never exceed a source's limit (docs/concurrency.md).
import { randomUUID } from 'node:crypto';
import type { DBCluster } from '../aws/rds.ts';
import {
  type CloneOptions,
  cloneTags,
  createCopyWriter,
  createWriter,
  isReady,
  restoreClone,
  restoreCopy,
} from '../executor/apply.ts';
import { waitUntil } from '../executor/wait.ts';
import { readInventory } from '../inventory/read.ts';
import { type LeaseState, liveReservations, type Reservation } from '../lease/lease.ts';
import { withLease } from '../lease/with-lease.ts';
import type { ManagerOptions, ProvisionRequest, ProvisionResult } from '../model/api.ts';
import type { ClusterInfo, Inventory } from '../model/inventory.ts';
import type { CloneStep, CopyStep, DeleteStep, Plan, ReuseStep } from '../model/plan.ts';
import type { ProvisionPolicy } from '../model/policy.ts';
import { readManagedTags, TAG, TAG_PREFIX, tagMap } from '../model/tags.ts';
import { clusterIdFromArn, readPool, siblingArn } from '../planner/pool.ts';
import { planProvision } from '../planner/provision.ts';
import { AcmError, errorCode } from '../util/errors.ts';
import { joinIdentifier } from '../util/identifiers.ts';
import { type EngineContext, engineContext } from './context.ts';
import { deleteManagedCluster } from './delete.ts';
import type { PreparedPassword } from './password.ts';
import { applyPasswordAfterCreate, discardPassword, preparePasswordForClone } from './password-flow.ts';
import { validateProvision } from './validate.ts';

/** Errors that say "this source cannot be restored from right now": try the next one. */
const SOURCE_REFUSED = new Set([
  'InvalidDBClusterStateFault',
  'DBClusterNotFoundFault',
  'InvalidDBClusterStateFaultException',
]);

export function leaseKey(sourceClusterId: string): string {
  return `root#${clusterIdFromArn(sourceClusterId).toLowerCase()}`;
}

type Outcome =
  | { kind: 'reuse'; plan: Plan; clusterId: string }
  | {
      kind: 'cloned';
      plan: Plan;
      step: CloneStep;
      cluster: DBCluster;
      source: ClusterInfo;
      inventory: Inventory;
    }
  | {
      kind: 'wait-copy';
      plan: Plan;
      copyId: string;
      clusterId: string;
      created?: { step: CopyStep; engine: string; dataTimestamp: Date };
    }
  | { kind: 'retry'; plan: Plan; refused: string };

/**
 * Reservations of other requests on copies still being made count as clones, so the planner sees
 * those slots as taken; sources that refused a restore in this call are treated as unavailable.
 */
export function adjustInventory(
  inv: Inventory,
  others: readonly Reservation[],
  refused: ReadonlySet<string>,
): Inventory {
  const clusters = inv.clusters.map((c) => (refused.has(c.arn) ? { ...c, status: 'refused-restore' } : c));
  for (const r of others) {
    const source = clusters.find((c) => c.arn === r.sourceArn);
    if (!source?.managed) continue;
    clusters.push({
      id: r.clusterId,
      arn: siblingArn(source.arn, r.clusterId),
      status: 'creating',
      engine: source.engine,
      securityGroupIds: [],
      deletionProtection: false,
      members: [],
      tags: {},
      managed: {
        role: 'clone',
        sourceArn: r.sourceArn,
        rootArn: source.managed.rootArn,
        request: r.requestKey,
        legacy: false,
      },
    });
  }
  return { ...inv, clusters };
}

export async function provisionClone(
  request: ProvisionRequest,
  options: ManagerOptions = {},
): Promise<ProvisionResult> {
  // A dry run creates nothing, not even the lease table.
  const ctx = await engineContext(request.dryRun ? { ...options, leaseTable: false } : options);
  const { policy, ttlMs } = validateProvision(request, ctx);
  if (request.dryRun) return dryRun(ctx, policy);

  const requestKey = policy.requestKey ?? randomUUID();
  const cloneOptions = cloneOptionsFor(ctx, request, requestKey, ttlMs);
  const started = ctx.clock.now().getTime();
  const refused = new Set<string>();
  let purged = false;
  // The copy this call made (or waited for), reported on the result once the clone exists.
  let waitedCopy: { id: string; made: boolean } | undefined;
  for (;;) {
    const outcome = await withLease(
      leaseKey(policy.sourceClusterId),
      { store: ctx.leases, clock: ctx.clock, logger: ctx.logger },
      (state) => decide(ctx, policy, cloneOptions, refused, state),
    );
    if (!purged && policy.purgeObsoleteCopies) {
      purged = true;
      await runPurges(ctx, outcome.plan);
    }
    switch (outcome.kind) {
      case 'reuse':
        return reused(ctx, outcome.plan, outcome.clusterId, request);
      case 'cloned':
        return finishClone(ctx, request, outcome, cloneOptions, waitedCopy);
      case 'retry':
        ctx.logger.warn('source refused the restore; trying the next one', { source: outcome.refused });
        continue;
      case 'wait-copy': {
        if (outcome.created) {
          const { step, engine, dataTimestamp } = outcome.created;
          await createCopyWriter(
            ctx.rds,
            step,
            { engine, managerId: ctx.managerId, dataTimestamp },
            ctx.retry,
          );
        }
        waitedCopy = {
          id: outcome.copyId,
          made: (waitedCopy?.made ?? false) || outcome.created !== undefined,
        };
        if (request.waitForCopy === false) return pendingCopy(outcome, request);
        await waitForCopy(ctx, outcome.copyId, started);
      }
    }
  }
}

function cloneOptionsFor(
  ctx: EngineContext,
  request: ProvisionRequest,
  requestKey: string,
  ttlMs?: number,
): CloneOptions {
  const out: CloneOptions = { managerId: ctx.managerId, requestKey, userTags: request.tags ?? {} };
  if (request.owner) out.owner = request.owner;
  if (ttlMs !== undefined) out.expiresAt = new Date(ctx.clock.now().getTime() + ttlMs);
  if (request.dbSubnetGroupName) out.dbSubnetGroupName = request.dbSubnetGroupName;
  if (request.vpcSecurityGroupIds?.length) out.vpcSecurityGroupIds = request.vpcSecurityGroupIds;
  if (request.dbClusterParameterGroupName)
    out.dbClusterParameterGroupName = request.dbClusterParameterGroupName;
  if (request.password?.manageMasterUserPassword) out.password = { passwordPending: true };
  return out;
}

async function decide(
  ctx: EngineContext,
  policy: ProvisionPolicy,
  cloneOptions: CloneOptions,
  refused: ReadonlySet<string>,
  state: LeaseState,
): Promise<{ result: Outcome; state: LeaseState }> {
  const now = ctx.clock.now();
  const requestKey = cloneOptions.requestKey;
  const inventory = await ctx.retry(() => readInventory(ctx.rds, policy.sourceClusterId, now));
  const live = liveReservations(state, now);
  const mine = live.find((r) => r.requestKey === requestKey);
  const others = live.filter((r) => r !== mine);
  const without = { reservations: others };
  const adjusted = adjustInventory(inventory, others, refused);
  const plan = planProvision({
    inventory: adjusted,
    request: {
      ...policy,
      requestKey,
      ...(mine ? { clusterId: mine.clusterId, noFailOnExistingCluster: true } : {}),
    },
    managerId: ctx.managerId,
    now,
  });
  const reuse = plan.steps.find((s) => s.kind === 'reuse');
  if (reuse) return { result: { kind: 'reuse', plan, clusterId: reuse.clusterId }, state: without };

  const copy = plan.steps.find((s): s is CopyStep => s.kind === 'copy');
  const clone = plan.steps.find((s): s is CloneStep => s.kind === 'clone');
  if (!clone) throw new AcmError('the plan has no clone step', { source: policy.sourceClusterId });

  if (!copy) {
    const source = inventory.clusters.find((c) => c.id === clone.sourceClusterId);
    if (!source) throw new AcmError(`source ${clone.sourceClusterId} vanished from the inventory`);
    try {
      const cluster = await ctx.retry(() => restoreClone(ctx.rds, clone, source, cloneOptions));
      return { result: { kind: 'cloned', plan, step: clone, cluster, source, inventory }, state: without };
    } catch (err) {
      if (SOURCE_REFUSED.has(errorCode(err) ?? '')) {
        return { result: { kind: 'retry', plan, refused: source.arn }, state: { reservations: live } };
      }
      throw err;
    }
  }

  // No slot now. Wait for a copy that is still being made and has room, before making another.
  const pool = readPool(adjusted, policy.sourceClusterId, {
    managerId: ctx.managerId,
    now,
    maxClonesPerSource: policy.maxClonesPerSource,
    maxCopyAgeMs: policy.maxCopyAgeMs,
    ...(policy.copyCreatedSince ? { copyCreatedSince: policy.copyCreatedSince } : {}),
  });
  const expiresAt = new Date(now.getTime() + ctx.waitTimeoutMs).toISOString();
  const held = mine && pool.copies.find((c) => c.cluster.arn === mine.sourceArn && c.ofInterest && c.fresh);
  if (mine && held) {
    return {
      result: { kind: 'wait-copy', plan, copyId: held.cluster.id, clusterId: mine.clusterId },
      state: { reservations: [...others, { ...mine, expiresAt }] },
    };
  }
  const room = pool.copies.find(
    (c) => c.owned && c.counted && c.cluster.status !== 'available' && c.free > 0,
  );
  if (room) {
    const reservation: Reservation = {
      requestKey,
      sourceArn: room.cluster.arn,
      clusterId: clone.clusterId,
      expiresAt,
    };
    plan.notes.push(
      `copy ${room.cluster.id} is still being made and has a free slot: this request waits for it`,
    );
    return {
      result: { kind: 'wait-copy', plan, copyId: room.cluster.id, clusterId: clone.clusterId },
      state: { reservations: [...others, reservation] },
    };
  }
  const root = inventory.clusters.find((c) => c.id === copy.rootClusterId);
  if (!root) throw new AcmError(`root ${copy.rootClusterId} vanished from the inventory`);
  const made = await ctx.retry(() => restoreCopy(ctx.rds, copy, root, ctx.managerId, now));
  const reservation: Reservation = {
    requestKey,
    sourceArn: made.DBClusterArn ?? siblingArn(root.arn, copy.clusterId),
    clusterId: clone.clusterId,
    expiresAt,
  };
  return {
    result: {
      kind: 'wait-copy',
      plan,
      copyId: copy.clusterId,
      clusterId: clone.clusterId,
      created: { step: copy, engine: root.engine, dataTimestamp: now },
    },
    state: { reservations: [...others, reservation] },
  };
}

async function dryRun(ctx: EngineContext, policy: ProvisionPolicy): Promise<ProvisionResult> {
  const now = ctx.clock.now();
  const inventory = await ctx.retry(() => readInventory(ctx.rds, policy.sourceClusterId, now));
  const plan = planProvision({ inventory, request: policy, managerId: ctx.managerId, now });
  const clone = plan.steps.find((s): s is CloneStep => s.kind === 'clone');
  const reuse = plan.steps.find((s): s is ReuseStep => s.kind === 'reuse');
  const copy = plan.steps.find((s): s is CopyStep => s.kind === 'copy');
  const result: ProvisionResult = {
    clusterId: clone?.clusterId ?? reuse?.clusterId ?? '',
    arn: reuse?.arn ?? (clone ? siblingArn(clone.rootArn, clone.clusterId) : ''),
    status: 'planned',
    instanceId: clone?.instanceId ?? '',
    sourceClusterId: clone?.sourceClusterId ?? '',
    sourceArn: clone?.sourceArn ?? '',
    copyMade: copy !== undefined,
    dataTimestamp: clone?.dataTimestamp ?? now.toISOString(),
    reused: reuse !== undefined,
    dryRun: true,
    plan,
  };
  if (copy) result.copyClusterId = copy.clusterId;
  return result;
}

/** Obsolete copies go as awaited work (a Lambda may be frozen right after it answers). */
async function runPurges(ctx: EngineContext, plan: Plan) {
  const deletes = plan.steps.filter((s): s is DeleteStep => s.kind === 'delete');
  for (const step of deletes) {
    try {
      await deleteManagedCluster(ctx, step, { wait: false });
    } catch (err) {
      // A purge that fails does not fail the clone the user asked for; it is retried next time.
      plan.notes.push(`purging ${step.clusterId} failed: ${(err as Error).message}`);
      ctx.logger.warn('purge failed', { clusterId: step.clusterId, error: (err as Error).message });
    }
  }
}

/**
 * Waits until the copy can be cloned: cluster available with an available writer. A copy whose maker
 * died before creating its instance gets one here, so waiters never wait forever.
 */
async function waitForCopy(ctx: EngineContext, copyId: string, started: number) {
  let repaired = false;
  await waitUntil(
    async () => {
      const c = await ctx.rds.describeCluster(copyId);
      if (!c || c.Status === 'deleting') return { done: true, status: c?.Status ?? 'gone' };
      if (c.Status === 'available' && (c.DBClusterMembers ?? []).length === 0 && !repaired) {
        repaired = true;
        await createWriter(ctx.rds, {
          clusterId: copyId,
          instanceId: joinIdentifier(copyId, 'writer'),
          instanceClass: await rootClass(ctx, c),
          engine: c.Engine ?? 'aurora-postgresql',
          tags:
            c.TagList?.filter((t) => t.Key?.startsWith(TAG_PREFIX)).map((t) => ({
              Key: t.Key ?? '',
              Value: t.Value ?? '',
            })) ?? [],
        });
      }
      if (!isReady(c)) return { done: false, status: c.Status ?? 'unknown' };
      const writers = await ctx.rds.describeInstances([{ Name: 'db-cluster-id', Values: [copyId] }]);
      const up = writers.some((i) => i.DBInstanceStatus === 'available');
      return { done: up, status: up ? 'available' : `instance ${writers[0]?.DBInstanceStatus ?? 'missing'}` };
    },
    {
      clock: ctx.clock,
      minMs: ctx.pollMinMs,
      maxMs: ctx.pollMaxMs,
      timeoutMs: Math.max(0, ctx.waitTimeoutMs - (ctx.clock.now().getTime() - started)),
      what: `copy ${copyId}`,
      onPoll: (status, elapsedMs) => ctx.progress({ clusterId: copyId, phase: 'copy', status, elapsedMs }),
    },
  );
}

async function rootClass(ctx: EngineContext, copy: DBCluster): Promise<string> {
  const rootArn = copy.TagList?.find((t) => t.Key === TAG.rootArn)?.Value;
  const root = rootArn ? await ctx.rds.describeCluster(rootArn) : undefined;
  const writer = root?.DBClusterMembers?.find((m) => m.IsClusterWriter);
  const inst = writer?.DBInstanceIdentifier
    ? await ctx.rds.describeInstance(writer.DBInstanceIdentifier)
    : undefined;
  return inst?.DBInstanceClass ?? 'db.r6g.large';
}

async function finishClone(
  ctx: EngineContext,
  request: ProvisionRequest,
  outcome: Extract<Outcome, { kind: 'cloned' }>,
  cloneOptions: CloneOptions,
  waitedCopy?: { id: string; made: boolean },
): Promise<ProvisionResult> {
  const { step, plan, source, inventory } = outcome;
  const clusterArn = outcome.cluster.DBClusterArn ?? siblingArn(source.arn, step.clusterId);
  let password: PreparedPassword | undefined;
  try {
    if (request.password?.setPassword) {
      password = await preparePasswordForClone(ctx, request.password, step.clusterId, clusterArn);
    }
    // Default: the root writer's parameter group, so the clone behaves like the source.
    const parameterGroup = request.dbParameterGroupName ?? inventory.instances[0]?.parameterGroup;
    await ctx.retry(() =>
      createWriter(ctx.rds, {
        clusterId: step.clusterId,
        instanceId: step.instanceId,
        instanceClass: step.instanceClass,
        engine: source.engine,
        tags: cloneTags(step, cloneOptions),
        ...(parameterGroup ? { parameterGroup } : {}),
      }),
    );
  } catch (err) {
    // A failed provision leaves nothing behind: the new cluster (and its secret) go again.
    ctx.logger.error('instance creation failed; removing the new cluster', { clusterId: step.clusterId });
    await removeFailedClone(ctx, step.clusterId, password);
    throw err;
  }
  let status = outcome.cluster.Status ?? 'creating';
  let cluster = outcome.cluster;
  if (request.wait) {
    try {
      cluster = await waitForClone(ctx, step.clusterId, step.instanceId);
      status = cluster.Status ?? status;
      await applyPasswordAfterCreate(ctx, cluster);
    } catch (err) {
      // The caller asked for a usable clone and will not get one: do not leave a billed cluster behind.
      ctx.logger.error('clone did not become usable; removing it', { clusterId: step.clusterId });
      await deleteManagedCluster(
        ctx,
        {
          kind: 'delete',
          clusterId: step.clusterId,
          arn: clusterArn,
          role: 'clone',
          instanceIds: [step.instanceId],
          reason: 'provision failed',
        },
        { wait: false },
      ).catch(() => undefined);
      if (password) await discardPassword(ctx, password).catch(() => undefined);
      throw err;
    }
  }
  const result: ProvisionResult = {
    clusterId: step.clusterId,
    arn: clusterArn,
    status,
    instanceId: step.instanceId,
    sourceClusterId: step.sourceClusterId,
    sourceArn: step.sourceArn,
    copyMade: waitedCopy?.made ?? false,
    dataTimestamp: step.dataTimestamp,
    reused: false,
    dryRun: false,
    plan,
  };
  if (waitedCopy && waitedCopy.id === step.sourceClusterId) result.copyClusterId = waitedCopy.id;
  addEndpoints(result, cluster);
  if (password) {
    result.passwordSecret = password.secretArn;
    if (password.kmsKeyId) result.kmsKeyId = password.kmsKeyId;
  }
  return result;
}

async function removeFailedClone(ctx: EngineContext, clusterId: string, password?: PreparedPassword) {
  await ctx.rds
    .deleteCluster(clusterId)
    .catch((e) => ctx.logger.error('cleanup failed', { clusterId, error: String(e) }));
  if (password) await discardPassword(ctx, password).catch(() => undefined);
}

export async function waitForClone(
  ctx: EngineContext,
  clusterId: string,
  instanceId: string,
): Promise<DBCluster> {
  let last: DBCluster = {};
  await waitUntil(
    async () => {
      const c = await ctx.rds.describeCluster(clusterId);
      if (!c) throw new AcmError(`cluster ${clusterId} disappeared while waiting for it`, { clusterId });
      last = c;
      if (c.Status !== 'available') return { done: false, status: c.Status ?? 'unknown' };
      const inst = await ctx.rds.describeInstance(instanceId);
      const st = inst?.DBInstanceStatus ?? 'missing';
      return { done: st === 'available', status: st === 'available' ? 'available' : `instance ${st}` };
    },
    {
      clock: ctx.clock,
      minMs: ctx.pollMinMs,
      maxMs: ctx.pollMaxMs,
      timeoutMs: ctx.waitTimeoutMs,
      what: `clone ${clusterId}`,
      onPoll: (status, elapsedMs) => ctx.progress({ clusterId, phase: 'clone', status, elapsedMs }),
    },
  );
  return last;
}

function addEndpoints(result: ProvisionResult, c: DBCluster) {
  if (c.Endpoint) result.endpoint = c.Endpoint;
  if (c.ReaderEndpoint) result.readerEndpoint = c.ReaderEndpoint;
  if (c.Port !== undefined) result.port = c.Port;
  const managed = c.MasterUserSecret?.SecretArn;
  if (managed && !result.passwordSecret) result.passwordSecret = managed;
}

async function reused(
  ctx: EngineContext,
  plan: Plan,
  clusterId: string,
  request: ProvisionRequest,
): Promise<ProvisionResult> {
  let c = await ctx.rds.describeCluster(clusterId);
  if (!c) throw new AcmError(`clone ${clusterId} made for this request vanished`, { clusterId });
  const writer = c.DBClusterMembers?.find((m) => m.IsClusterWriter) ?? c.DBClusterMembers?.[0];
  const instanceId = writer?.DBInstanceIdentifier ?? '';
  if (request.wait && instanceId) {
    c = await waitForClone(ctx, clusterId, instanceId);
    await applyPasswordAfterCreate(ctx, c);
  }
  const tags = tagMap(c.TagList);
  const managed = readManagedTags(tags);
  const sourceArn = managed?.sourceArn ?? '';
  const result: ProvisionResult = {
    clusterId,
    arn: c.DBClusterArn ?? '',
    status: c.Status ?? 'unknown',
    instanceId,
    sourceClusterId: clusterIdFromArn(sourceArn),
    sourceArn,
    copyMade: false,
    dataTimestamp: managed?.dataTimestamp?.toISOString() ?? '',
    reused: true,
    dryRun: false,
    plan,
  };
  if (managed?.passwordSecret) result.passwordSecret = managed.passwordSecret;
  if (managed?.passwordKey) result.kmsKeyId = managed.passwordKey;
  addEndpoints(result, c);
  return result;
}

function pendingCopy(
  outcome: Extract<Outcome, { kind: 'wait-copy' }>,
  request: ProvisionRequest,
): ProvisionResult {
  const clone = outcome.plan.steps.find((s): s is CloneStep => s.kind === 'clone');
  return {
    clusterId: outcome.clusterId,
    arn: '',
    status: 'waiting-for-copy',
    instanceId: '',
    sourceClusterId: outcome.copyId,
    sourceArn: '',
    copyMade: outcome.created !== undefined,
    copyClusterId: outcome.copyId,
    pendingCopy: outcome.copyId,
    dataTimestamp: clone?.dataTimestamp ?? '',
    reused: false,
    dryRun: request.dryRun ?? false,
    plan: outcome.plan,
  };
}
