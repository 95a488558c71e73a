// The one way a managed cluster goes: its instances (a cluster with instances cannot be deleted),
// then the cluster, then its password secret and any KMS key made for it. Repeating it is harmless:
// what is already gone or already being deleted counts as done.
import type { DeleteResult } from '../model/api.ts';
import { readManagedTags, tagMap } from '../model/tags.ts';
import { AwsInvalidStateError } from '../util/errors.ts';
import type { ExecutorContext } from './context.ts';
import { cleanupPassword, type PasswordLeftovers } from './password.ts';
import { waitUntil } from './wait.ts';

export interface DeleteTarget extends PasswordLeftovers {
  clusterId: string;
}

export interface DeleteOptions {
  /** Wait until the cluster is gone, not only until its deletion has started. */
  wait?: boolean;
  finalSnapshotId?: string;
  /**
   * For an expired clone: keep it if its expiry is now after this instant. Maintenance plans the
   * deletion under the lease but deletes after it, and `extend` may have moved the expiry in between.
   */
  onlyIfExpiredAt?: Date;
}

export type Deleted = Pick<
  DeleteResult,
  'alreadyGone' | 'instancesDeleted' | 'secretDeleted' | 'kmsKeyScheduledForDeletion'
> & {
  /** Why the cluster was not deleted after all. */
  kept?: string;
};

export async function deleteManaged(
  ctx: ExecutorContext,
  target: DeleteTarget,
  options: DeleteOptions = {},
): Promise<Deleted> {
  const { clusterId } = target;
  const current = await ctx.retry(() => ctx.rds.describeCluster(clusterId));
  const out: Deleted = { alreadyGone: !current, instancesDeleted: [] };
  const expiresAt = current && readManagedTags(tagMap(current.TagList))?.expiresAt;
  if (options.onlyIfExpiredAt && expiresAt && expiresAt > options.onlyIfExpiredAt) {
    return { ...out, kept: `its expiry was moved to ${expiresAt.toISOString()}` };
  }
  if (current) {
    const instanceIds = (current.DBClusterMembers ?? [])
      .map((m) => m.DBInstanceIdentifier ?? '')
      .filter(Boolean);
    for (const id of instanceIds) await ctx.retry(() => ctx.rds.deleteInstance(id));
    out.instancesDeleted = instanceIds;
    const deleteCluster = () => ctx.retry(() => ctx.rds.deleteCluster(clusterId, options.finalSnapshotId));
    let outcome: Awaited<ReturnType<typeof deleteCluster>>;
    try {
      // At once: RDS takes a cluster whose instances are all being deleted. While the cluster stayed
      // available without a writer, another run could take it for half made and give it one.
      outcome = await deleteCluster();
    } catch (err) {
      // Refused while its instances are still going: wait for them, then delete it.
      if (!(err instanceof AwsInvalidStateError) || instanceIds.length === 0) throw err;
      await pollDeletion(ctx, clusterId, `instances of ${clusterId}`, async () => {
        const left = (await ctx.rds.describeCluster(clusterId))?.DBClusterMembers?.length ?? 0;
        return { done: left === 0, status: `${left} instance(s) left` };
      });
      outcome = await deleteCluster();
    }
    out.alreadyGone = outcome === 'gone' && instanceIds.length === 0;
    if (options.wait && outcome !== 'gone') {
      await pollDeletion(ctx, clusterId, `deletion of ${clusterId}`, async () => {
        const c = await ctx.rds.describeCluster(clusterId);
        return { done: !c, status: c?.Status ?? 'gone' };
      });
    }
  }
  if (!target.secretArn && !target.createdKeyId) return out;
  const cleaned = await cleanupPassword(target, { secrets: ctx.secrets(), kms: ctx.kms() });
  return { ...out, ...cleaned };
}

function pollDeletion(
  ctx: ExecutorContext,
  clusterId: string,
  what: string,
  check: () => Promise<{ done: boolean; status: string }>,
) {
  return waitUntil(check, {
    clock: ctx.clock,
    minMs: ctx.pollMinMs,
    maxMs: ctx.pollMaxMs,
    timeoutMs: ctx.waitTimeoutMs,
    what,
    onPoll: (status, elapsedMs) => ctx.progress({ clusterId, phase: 'delete', status, elapsedMs }),
  });
}
