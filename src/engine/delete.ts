// deleteClone: read → plan (refuses anything the manager did not make) → apply the one delete path
// (instances, cluster, password secret, a key made for it). A cluster that does not exist is an error
// unless the caller allows it (`ignoreMissing`, as the Lambda does): then it counts as already gone.
import { Execution } from '../executor/apply.ts';
import { readAllClusters, toClusterInfo } from '../inventory/read.ts';
import type { DeleteRequest, DeleteResult, ManagerOptions } from '../model/api.ts';
import type { ClusterInfo } from '../model/inventory.ts';
import { planDelete } from '../planner/delete.ts';
import { ClusterNotFoundError } from '../util/errors.ts';
import { validateDeleteRequest } from '../validation/index.ts';
import { type EngineContext, engineContext } from './context.ts';

export async function deleteClone(
  request: DeleteRequest,
  options: ManagerOptions = {},
): Promise<DeleteResult> {
  const ctx = await engineContext({ ...options, leaseTable: false });
  const valid = validateDeleteRequest(request);
  const id = valid.clusterId;
  const now = ctx.clock.now();
  const clusters = await readTarget(ctx, id);
  // The planner says the same; here the message can also say where the cluster was looked for.
  if (clusters.length === 0 && !valid.ignoreMissing) throw new ClusterNotFoundError(id, ctx.where);
  const plan = planDelete({ readAt: now, clusters, instances: [] }, id, ctx.managerId, now, {
    ignoreMissing: valid.ignoreMissing ?? false,
  });
  const step = plan.steps.find((s) => s.kind === 'delete');
  const cluster = clusters[0];
  const result: DeleteResult = {
    clusterId: cluster?.id ?? id,
    deleted: false,
    alreadyGone: !step,
    instancesDeleted: step?.kind === 'delete' ? step.instanceIds : [],
    dryRun: request.dryRun ?? false,
    plan,
  };
  if (cluster) result.arn = cluster.arn;
  if (!step || request.dryRun) return result;
  const execution = new Execution(ctx, {
    deletion: {
      wait: request.wait ?? false,
      ...(valid.skipFinalSnapshot === false && valid.finalSnapshotId
        ? { finalSnapshotId: valid.finalSnapshotId }
        : {}),
    },
  });
  await execution.apply(plan.steps);
  const done = execution.applied.find((a) => a.deleted)?.deleted;
  result.deleted = true;
  if (done) {
    result.alreadyGone = done.alreadyGone;
    result.instancesDeleted = done.instancesDeleted.length ? done.instancesDeleted : result.instancesDeleted;
    if (done.secretDeleted) result.secretDeleted = done.secretDeleted;
    if (done.kmsKeyScheduledForDeletion) result.kmsKeyScheduledForDeletion = done.kmsKeyScheduledForDeletion;
  }
  return result;
}

/**
 * The cluster named (first; none when it does not exist) and what the planner weighs against
 * deleting it, in a call or two whatever the size of the account.
 */
async function readTarget(ctx: EngineContext, idOrArn: string): Promise<ClusterInfo[]> {
  const raw = await ctx.retry(() => ctx.rds.describeCluster(idOrArn));
  if (!raw) return [];
  const target = toClusterInfo(raw);
  // The planner refuses a cluster without the manager's tags on those tags alone.
  if (!target.managed) return [target];
  const group = target.cloneGroupId;
  // A service that reports no clone group (moto) is read whole, as before.
  if (!group) {
    const all = await ctx.retry(() => readAllClusters(ctx.rds));
    return [target, ...all.filter((c) => c.arn !== target.arn)];
  }
  // Its clone group holds its copy-on-write clones (and theirs): the clusters that would make it the
  // root of a pool, and the live clones of a copy. What this no longer sees: full copies made from
  // it (each starts a group of its own) and their clones. A managed cluster someone used as the root
  // of a pool that has only copies is therefore deleted, and those copies stay, full copies of their
  // own, deletable like any copy; the manager itself never makes a pool of one of its clusters.
  const members = await ctx.retry(() =>
    ctx.rds.describeAllClusters([{ Name: 'clone-group-id', Values: [group] }]),
  );
  return [target, ...members.map(toClusterInfo).filter((c) => c.arn !== target.arn)];
}
