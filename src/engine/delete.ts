// deleteClone: refuses anything the manager did not make; deletes instances, then the cluster,
// then its password secret and any KMS key made for it. Already gone is success.
import { waitUntil } from '../executor/wait.ts';
import { readAllClusters } from '../inventory/read.ts';
import type { DeleteRequest, DeleteResult, ManagerOptions } from '../model/api.ts';
import { findCluster } from '../model/inventory.ts';
import type { DeleteStep } from '../model/plan.ts';
import { planDelete } from '../planner/delete.ts';
import { errorCode, errorMessage, ValidationError } from '../util/errors.ts';
import { identifierProblem } from '../util/identifiers.ts';
import { type EngineContext, engineContext } from './context.ts';
import { cleanupPassword } from './password.ts';
import { passwordServices } from './password-flow.ts';

export async function deleteClone(
  request: DeleteRequest,
  options: ManagerOptions = {},
): Promise<DeleteResult> {
  const ctx = await engineContext({ ...options, leaseTable: false });
  const id = request.clusterId ?? '';
  const problem = id.startsWith('arn:')
    ? /^arn:[^:]+:rds:[^:]*:[^:]*:cluster:.+$/.test(id)
      ? undefined
      : 'is not a DB cluster ARN'
    : identifierProblem(id);
  if (problem) throw new ValidationError('clusterId', `"${id}" ${problem}`);
  if (request.skipFinalSnapshot === false && !request.finalSnapshotId) {
    throw new ValidationError('finalSnapshotId', 'is required when skipFinalSnapshot is false');
  }
  const now = ctx.clock.now();
  const clusters = await ctx.retry(() => readAllClusters(ctx.rds));
  const plan = planDelete({ readAt: now, clusters, instances: [] }, id, ctx.managerId, now);
  const step = plan.steps.find((s): s is DeleteStep => s.kind === 'delete');
  const cluster = findCluster(clusters, id);
  const result: DeleteResult = {
    clusterId: cluster?.id ?? id,
    deleted: false,
    alreadyGone: !step,
    instancesDeleted: step?.instanceIds ?? [],
    dryRun: request.dryRun ?? false,
    plan,
  };
  if (cluster) result.arn = cluster.arn;
  if (!step || request.dryRun) return result;
  const done = await deleteManagedCluster(ctx, step, {
    wait: request.wait ?? false,
    ...(request.skipFinalSnapshot === false && request.finalSnapshotId
      ? { finalSnapshotId: request.finalSnapshotId }
      : {}),
  });
  result.deleted = true;
  if (cluster?.managed) {
    const cleaned = await cleanupPassword(cluster.managed, passwordServices(ctx));
    if (cleaned.secretDeleted) result.secretDeleted = cleaned.secretDeleted;
    if (cleaned.kmsKeyScheduledForDeletion)
      result.kmsKeyScheduledForDeletion = cleaned.kmsKeyScheduledForDeletion;
  }
  result.alreadyGone = done.alreadyGone;
  return result;
}

/**
 * Instances first (a cluster with instances cannot be deleted), waiting until they are gone, then the
 * cluster. With wait, also until the cluster itself is gone.
 */
export async function deleteManagedCluster(
  ctx: EngineContext,
  step: DeleteStep,
  options: { wait: boolean; finalSnapshotId?: string },
): Promise<{ alreadyGone: boolean }> {
  const current = await ctx.retry(() => ctx.rds.describeCluster(step.clusterId));
  if (!current) return { alreadyGone: true };
  const instanceIds = (current.DBClusterMembers ?? [])
    .map((m) => m.DBInstanceIdentifier ?? '')
    .filter(Boolean);
  for (const id of instanceIds) await ctx.retry(() => alreadyDeleting(() => ctx.rds.deleteInstance(id)));
  const poll = { clock: ctx.clock, minMs: ctx.pollMinMs, maxMs: ctx.pollMaxMs, timeoutMs: ctx.waitTimeoutMs };
  if (instanceIds.length > 0) {
    await waitUntil(
      async () => {
        const c = await ctx.rds.describeCluster(step.clusterId);
        const left = c?.DBClusterMembers?.length ?? 0;
        return { done: left === 0, status: `${left} instance(s) left` };
      },
      {
        ...poll,
        what: `instances of ${step.clusterId}`,
        onPoll: (status, elapsedMs) =>
          ctx.progress({ clusterId: step.clusterId, phase: 'delete', status, elapsedMs }),
      },
    );
  }
  const gone =
    (await ctx.retry(() =>
      alreadyDeleting(() => ctx.rds.deleteCluster(step.clusterId, options.finalSnapshotId)),
    )) === undefined;
  if (options.wait && !gone) {
    await waitUntil(
      async () => {
        const c = await ctx.rds.describeCluster(step.clusterId);
        return { done: !c, status: c?.Status ?? 'gone' };
      },
      {
        ...poll,
        what: `deletion of ${step.clusterId}`,
        onPoll: (status, elapsedMs) =>
          ctx.progress({ clusterId: step.clusterId, phase: 'delete', status, elapsedMs }),
      },
    );
  }
  return { alreadyGone: gone && instanceIds.length === 0 };
}

/**
 * A repeated delete (a retry whose first attempt landed, or a second caller) finds the instance or
 * cluster already `deleting`; RDS answers with an invalid-state fault, which here means done.
 */
async function alreadyDeleting<T>(call: () => Promise<T>): Promise<T | Record<string, never>> {
  try {
    return await call();
  } catch (err) {
    const code = errorCode(err) ?? '';
    if (
      /^InvalidDB(Instance|Cluster)State(Fault)?$/.test(code) &&
      /deleting|being deleted/i.test(errorMessage(err))
    ) {
      return {};
    }
    throw err;
  }
}
