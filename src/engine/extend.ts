// extendClone: read → plan (refuses anything but this manager's clones, never shortens) → apply the
// new expires-at tag under the root's lease, the lease maintenance decides on expiries under.
import { Execution } from '../executor/apply.ts';
import { toClusterInfo } from '../inventory/read.ts';
import { withLease } from '../lease/with-lease.ts';
import type { ExtendRequest, ExtendResult, ManagerOptions } from '../model/api.ts';
import type { ClusterInfo } from '../model/inventory.ts';
import type { Plan } from '../model/plan.ts';
import { TAG } from '../model/tags.ts';
import { planExtend } from '../planner/extend.ts';
import { AcmError, ClusterNotFoundError } from '../util/errors.ts';
import { validateExtendRequest } from '../validation/index.ts';
import { type EngineContext, engineContext } from './context.ts';
import { leaseKey, leaseOptions } from './lease.ts';

export async function extendClone(
  request: ExtendRequest,
  options: ManagerOptions = {},
): Promise<ExtendResult> {
  const valid = validateExtendRequest(request);
  // A dry run creates nothing, not even the lease table.
  const ctx = await engineContext(options, valid.dryRun ? 'read' : 'take');
  const decide = async (): Promise<ExtendResult> => {
    const raw = await ctx.retry(() => ctx.rds.describeCluster(valid.clusterId));
    if (!raw) throw new ClusterNotFoundError(valid.clusterId, ctx.where);
    const cluster = toClusterInfo(raw);
    const plan = planExtend({
      cluster,
      ttlMs: valid.ttlMs,
      managerId: ctx.managerId,
      now: ctx.clock.now(),
      instancesDeleting: await deletingInstances(ctx, cluster),
    });
    return result(plan, cluster, valid.dryRun);
  };
  // Refusals, dry runs and clones that already expire later need no lease.
  const first = await decide();
  if (valid.dryRun || !first.changed) return first;
  // Read and decide again under the lease: a maintenance run that read the old expiry is not holding it.
  const done = await withLease(leaseKey(first.plan.rootClusterId), leaseOptions(ctx), async (state, hold) => {
    const now = await decide();
    await hold.sending(() => new Execution(ctx).apply(now.plan.steps));
    return { result: now, state };
  });
  // Maintenance decides on expiries under the lease but deletes after it: a deletion that read the
  // old expiry just before may have started meanwhile. Then the new expiry saves nothing: say so.
  const raw = await ctx.retry(() => ctx.rds.describeCluster(done.clusterId));
  const going = raw ? await deletingInstances(ctx, toClusterInfo(raw)) : ['(the cluster)'];
  if (!raw || raw.Status === 'deleting' || going.length > 0) {
    throw new AcmError(
      `clone ${done.clusterId} was already being deleted when its expiry moved (it had expired and maintenance started deleting it): it cannot be kept`,
      { clusterId: done.clusterId },
    );
  }
  return done;
}

/** The cluster's instances that are being deleted: a deletion of the clone has started. */
async function deletingInstances(ctx: EngineContext, cluster: ClusterInfo): Promise<string[]> {
  if (cluster.members.length === 0) return [];
  const instances = await ctx.retry(() =>
    ctx.rds.describeInstances([{ Name: 'db-cluster-id', Values: [cluster.id] }]),
  );
  return instances.filter((i) => i.DBInstanceStatus === 'deleting').map((i) => i.DBInstanceIdentifier ?? '');
}

function result(plan: Plan, cluster: ClusterInfo, dryRun: boolean): ExtendResult {
  const previous = cluster.managed?.expiresAt?.toISOString();
  const step = plan.steps.find((s) => s.kind === 'tag');
  const set = step?.tags.find((t) => t.Key === TAG.expiresAt)?.Value;
  const expiresAt = set ?? previous;
  return {
    clusterId: cluster.id,
    arn: cluster.arn,
    ...(previous ? { previousExpiresAt: previous } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    changed: set !== undefined,
    dryRun,
    plan,
  };
}
