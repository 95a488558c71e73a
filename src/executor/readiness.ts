// The one readiness rule: a cluster is usable when it is available and its writer instance is
// available. Used to wait for a clone, for a copy before cloning it, and by the Lambda's polls.
import type { DBCluster } from '../aws/rds.ts';
import { AcmError } from '../util/errors.ts';
import type { ExecutorContext } from './context.ts';
import { waitUntil } from './wait.ts';

export interface Readiness {
  /** Undefined once the cluster is gone. */
  cluster?: DBCluster;
  /** For people: `cluster creating`, `writer x-writer backing-up`, `available`, `gone`. */
  status: string;
  ready: boolean;
}

/** Where the cluster stands now; `instanceId` names the writer when the caller knows it. */
export async function readiness(
  ctx: ExecutorContext,
  clusterId: string,
  instanceId?: string,
): Promise<Readiness> {
  const cluster = await ctx.rds.describeCluster(clusterId);
  if (!cluster) return { status: 'gone', ready: false };
  const status = cluster.Status ?? 'unknown';
  if (status !== 'available') return { cluster, status: `cluster ${status}`, ready: false };
  const writer =
    instanceId ??
    (cluster.DBClusterMembers?.find((m) => m.IsClusterWriter) ?? cluster.DBClusterMembers?.[0])
      ?.DBInstanceIdentifier;
  if (!writer) return { cluster, status: 'cluster available, no writer instance yet', ready: false };
  const instance = await ctx.rds.describeInstance(writer);
  const st = instance?.DBInstanceStatus ?? 'missing';
  return {
    cluster,
    status: st === 'available' ? 'available' : `writer ${writer} ${st}`,
    ready: st === 'available',
  };
}

/**
 * Polls until the cluster is usable. A cluster that disappears or starts deleting ends the wait
 * with a ClusterGoneError (the caller decides: fail, or plan again).
 */
export async function waitUntilUsable(
  ctx: ExecutorContext,
  target: { clusterId: string; instanceId?: string; phase: 'clone' | 'copy'; timeoutMs?: number },
): Promise<DBCluster> {
  let last: Readiness = { status: 'not read yet', ready: false };
  await waitUntil(
    async () => {
      last = await readiness(ctx, target.clusterId, target.instanceId);
      if (!last.cluster || last.cluster.Status === 'deleting') {
        throw new ClusterGoneError(
          `${target.phase} ${target.clusterId} is ${last.cluster ? 'being deleted' : 'gone'}`,
          {
            clusterId: target.clusterId,
          },
        );
      }
      return { done: last.ready, status: last.status };
    },
    {
      clock: ctx.clock,
      minMs: ctx.pollMinMs,
      maxMs: ctx.pollMaxMs,
      timeoutMs: target.timeoutMs ?? ctx.waitTimeoutMs,
      what: `${target.phase} ${target.clusterId}`,
      onPoll: (status, elapsedMs) =>
        ctx.progress({ clusterId: target.clusterId, phase: target.phase, status, elapsedMs }),
    },
  );
  return last.cluster ?? {};
}

/** A cluster being waited for went away. */
export class ClusterGoneError extends AcmError {}
