// listClusters: every cluster of the Region that carries the manager's role tags (clones and copies,
// of every root and every manager id unless filtered), read in 1 + pages DescribeDBClusters calls
// with their tags inline: no call per cluster.
import type { CloneDescription, ClusterFilter, ManagerOptions } from '../model/api.ts';
import { clusterIdOf, validateClusterFilter } from '../validation/index.ts';
import { describeClone } from './clone-state.ts';
import { engineContext } from './context.ts';

/** The manager's clusters that match every field of `filter`, by root, then oldest first. */
export async function listClusters(
  filter: ClusterFilter = {},
  options: ManagerOptions = {},
): Promise<CloneDescription[]> {
  const wanted = validateClusterFilter(filter);
  const ctx = await engineContext({ ...options, leaseTable: false });
  const clusters = await ctx.retry(() => ctx.rds.describeAllClusters());
  return clusters.map(describeClone).filter(matching(wanted)).sort(byRootThenAge);
}

function matching(filter: ClusterFilter): (c: CloneDescription) => boolean {
  // RDS identifiers are case-insensitive, and an ARN names the root of this Region by its id.
  const root = filter.sourceClusterId && clusterIdOf(filter.sourceClusterId).toLowerCase();
  return (c) =>
    c.role !== undefined &&
    (!root || c.rootClusterId?.toLowerCase() === root) &&
    (!filter.role || c.role === filter.role) &&
    (!filter.owner || c.owner === filter.owner) &&
    (!filter.managerId || c.managerId === filter.managerId) &&
    (!filter.requestKey || c.requestKey === filter.requestKey);
}

function byRootThenAge(a: CloneDescription, b: CloneDescription): number {
  return (
    compare(a.rootClusterId, b.rootClusterId) ||
    compare(a.createdAt, b.createdAt) ||
    compare(a.clusterId, b.clusterId)
  );
}

/** Plain ordering (ISO instants sort as text); a missing value last. */
function compare(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}
