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

/**
 * Where the cluster stands now; `instanceId` names the writer when the caller knows it. `before` is
 * what the caller's previous look found: once the cluster was available, the writer is what is still
 * being made, so it is read first, and the cluster only once the writer is up (or going).
 */
export async function readiness(
  ctx: ExecutorContext,
  clusterId: string,
  instanceId?: string,
  before?: Readiness,
): Promise<Readiness> {
  let writerStatus: string | undefined;
  if (instanceId && before?.cluster?.Status === 'available') {
    writerStatus = (await ctx.rds.describeInstance(instanceId))?.DBInstanceStatus ?? 'missing';
    if (writerStatus !== 'available' && writerStatus !== 'deleting' && writerStatus !== 'missing') {
      return { cluster: before.cluster, status: `writer ${instanceId} ${writerStatus}`, ready: false };
    }
  }
  const cluster = await ctx.rds.describeCluster(clusterId);
  if (!cluster) return { status: 'gone', ready: false };
  const status = cluster.Status ?? 'unknown';
  if (status !== 'available') return { cluster, status: `cluster ${status}`, ready: false };
  const writer =
    instanceId ??
    (cluster.DBClusterMembers?.find((m) => m.IsClusterWriter) ?? cluster.DBClusterMembers?.[0])
      ?.DBInstanceIdentifier;
  if (!writer) return { cluster, status: 'cluster available, no writer instance yet', ready: false };
  const st = writerStatus ?? (await ctx.rds.describeInstance(writer))?.DBInstanceStatus ?? 'missing';
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
  target: {
    clusterId: string;
    instanceId?: string;
    phase: 'clone' | 'copy';
    timeoutMs?: number;
    /** Called on every poll: the waiter shows it is alive (e.g. renews what it holds). */
    beat?: () => Promise<void>;
    /** Available with no writer this long after its creation: half made, stop waiting. */
    stalledAfterMs?: number;
  },
): Promise<DBCluster> {
  let last: Readiness = { status: 'not read yet', ready: false };
  await waitUntil(
    async () => {
      await target.beat?.();
      last = await readiness(ctx, target.clusterId, target.instanceId, last);
      if (target.stalledAfterMs !== undefined && stalled(last, ctx.clock.now(), target.stalledAfterMs)) {
        throw new ClusterGoneError(
          `${target.phase} ${target.clusterId} has no writer instance and nobody is making one`,
          {
            clusterId: target.clusterId,
          },
        );
      }
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

function stalled(r: Readiness, now: Date, afterMs: number): boolean {
  const c = r.cluster;
  if (c?.Status !== 'available' || (c.DBClusterMembers ?? []).length > 0 || !c.ClusterCreateTime)
    return false;
  return now.getTime() - new Date(c.ClusterCreateTime).getTime() >= afterMs;
}

/** A cluster being waited for went away (or was left half made). */
export class ClusterGoneError extends AcmError {}
