// deleteClone: read → plan (refuses anything the manager did not make) → apply the one delete path
// (instances, cluster, password secret, a key made for it). Already gone is success.
import { Execution } from '../executor/apply.ts';
import { readAllClusters } from '../inventory/read.ts';
import type { DeleteRequest, DeleteResult, ManagerOptions } from '../model/api.ts';
import { findCluster } from '../model/inventory.ts';
import { planDelete } from '../planner/delete.ts';
import { validateDeleteRequest } from '../validation/index.ts';
import { engineContext } from './context.ts';

export async function deleteClone(
  request: DeleteRequest,
  options: ManagerOptions = {},
): Promise<DeleteResult> {
  const ctx = await engineContext({ ...options, leaseTable: false });
  const valid = validateDeleteRequest(request);
  const id = valid.clusterId;
  const now = ctx.clock.now();
  const clusters = await ctx.retry(() => readAllClusters(ctx.rds));
  const plan = planDelete({ readAt: now, clusters, instances: [] }, id, ctx.managerId, now);
  const step = plan.steps.find((s) => s.kind === 'delete');
  const cluster = findCluster(clusters, id);
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
