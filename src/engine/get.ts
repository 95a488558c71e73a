// getClone: one cluster by id or ARN (one DescribeDBClusters, and one DescribeDBInstances for its
// writer), described as listClusters describes it, with whether it can be used now. A cluster the
// manager did not make is described too (without role): the caller decides what to make of it.
import { readiness } from '../executor/readiness.ts';
import type { CloneDetails, ManagerOptions } from '../model/api.ts';
import { ClusterNotFoundError } from '../util/errors.ts';
import { checkClusterIdOrArn } from '../validation/index.ts';
import { describeClone } from './clone-state.ts';
import { engineContext } from './context.ts';

export async function getClone(clusterIdOrArn: string, options: ManagerOptions = {}): Promise<CloneDetails> {
  const id = checkClusterIdOrArn(clusterIdOrArn, 'clusterId');
  const ctx = await engineContext({ ...options, leaseTable: false });
  const now = await ctx.retry(() => readiness(ctx, id));
  if (!now.cluster) throw new ClusterNotFoundError(id, ctx.where);
  return { ...describeClone(now.cluster), ready: now.ready, readiness: now.status };
}
