// Read: everything a plan needs, in 1 + pages DescribeDBClusters calls (TagList comes inline, so no
// ListTagsForResource per cluster) plus one DescribeDBInstances for the root's writer.
import type { DBCluster, DBInstance, RdsAdapter } from '../aws/rds.ts';
import { type ClusterInfo, findCluster, type InstanceInfo, type Inventory } from '../model/inventory.ts';
import { readManagedTags, tagMap } from '../model/tags.ts';
import { SourceNotFoundError } from '../util/errors.ts';

export function toClusterInfo(c: DBCluster): ClusterInfo {
  const tags = tagMap(c.TagList);
  const info: ClusterInfo = {
    id: c.DBClusterIdentifier ?? '',
    arn: c.DBClusterArn ?? '',
    status: c.Status ?? 'unknown',
    engine: c.Engine ?? '',
    securityGroupIds: (c.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '').filter(Boolean),
    deletionProtection: c.DeletionProtection ?? false,
    members: (c.DBClusterMembers ?? []).map((m) => ({
      instanceId: m.DBInstanceIdentifier ?? '',
      isWriter: m.IsClusterWriter ?? false,
    })),
    tags,
  };
  const managed = readManagedTags(tags);
  if (managed) info.managed = managed;
  if (c.EngineVersion) info.engineVersion = c.EngineVersion;
  if (c.ClusterCreateTime) info.createdAt = new Date(c.ClusterCreateTime);
  if (c.CloneGroupId) info.cloneGroupId = c.CloneGroupId;
  if (c.Endpoint) info.endpoint = c.Endpoint;
  if (c.ReaderEndpoint) info.readerEndpoint = c.ReaderEndpoint;
  if (c.Port !== undefined) info.port = c.Port;
  if (c.MasterUsername) info.masterUsername = c.MasterUsername;
  if (c.DatabaseName) info.databaseName = c.DatabaseName;
  if (c.DBSubnetGroup) info.subnetGroup = c.DBSubnetGroup;
  if (c.DBClusterParameterGroup) info.clusterParameterGroup = c.DBClusterParameterGroup;
  if (c.KmsKeyId) info.kmsKeyId = c.KmsKeyId;
  const sv2 = c.ServerlessV2ScalingConfiguration;
  if (sv2?.MinCapacity !== undefined && sv2.MaxCapacity !== undefined) {
    info.serverlessV2 = {
      minCapacity: sv2.MinCapacity,
      maxCapacity: sv2.MaxCapacity,
      ...(sv2.SecondsUntilAutoPause !== undefined
        ? { secondsUntilAutoPause: sv2.SecondsUntilAutoPause }
        : {}),
    };
  }
  return info;
}

export function toInstanceInfo(i: DBInstance): InstanceInfo {
  const info: InstanceInfo = {
    id: i.DBInstanceIdentifier ?? '',
    status: i.DBInstanceStatus ?? 'unknown',
    instanceClass: i.DBInstanceClass ?? '',
    engine: i.Engine ?? '',
  };
  if (i.DBClusterIdentifier) info.clusterId = i.DBClusterIdentifier;
  const pg = i.DBParameterGroups?.[0]?.DBParameterGroupName;
  if (pg) info.parameterGroup = pg;
  return info;
}

/**
 * The inventory around one root: every cluster of the account (the planner picks what relates to the
 * root by tags), and the root writer's instance so the default instance class is known.
 */
export async function readInventory(
  rds: RdsAdapter,
  rootIdOrArn: string,
  now: Date,
  /** Where the account was read (Region, endpoint), named when the root is not there. */
  where?: string,
): Promise<Inventory> {
  const clusters = (await rds.describeAllClusters()).map(toClusterInfo);
  const root = findCluster(clusters, rootIdOrArn);
  if (!root) throw new SourceNotFoundError(rootIdOrArn, where);
  const writer = root.members.find((m) => m.isWriter) ?? root.members[0];
  const instances = writer
    ? (await rds.describeInstances([{ Name: 'db-instance-id', Values: [writer.instanceId] }])).map(
        toInstanceInfo,
      )
    : [];
  return { readAt: now, clusters, instances };
}

/** The whole account's clusters, for deletes and status of one cluster by id or ARN. */
export async function readAllClusters(rds: RdsAdapter): Promise<ClusterInfo[]> {
  return (await rds.describeAllClusters()).map(toClusterInfo);
}

/** Identifiers per `db-cluster-id` filter: a page of ids stays well within what RDS takes. */
const ID_FILTER_VALUES = 50;

/**
 * The inventory read before taking a root's lease, brought up to date under it in two calls (plus
 * pages), whatever the account's size: the pool's sources (the root and its copies) by id, then every
 * cluster of their clone groups. Everything that counts against a source's slots is in its clone group
 * (the manager's clones, hand-made ones, ones being deleted), so the counts are as exact as a full
 * read. What it does not see is a cluster outside those groups made since `stale` was read, such as
 * a copy another request has just started: the caller reads the whole account again before making a
 * copy of its own.
 */
export async function refreshPool(
  rds: RdsAdapter,
  stale: Inventory,
  rootIdOrArn: string,
  now: Date,
  where?: string,
  /** Clusters restored under this lease lately (the lease item's recent restores): read by id too. */
  recentIds: readonly string[] = [],
): Promise<Inventory> {
  const root = findCluster(stale.clusters, rootIdOrArn);
  if (!root) throw new SourceNotFoundError(rootIdOrArn, where);
  const poolIds = [
    root,
    ...stale.clusters.filter((c) => c.managed?.role === 'copy' && c.managed.rootArn === root.arn),
  ].map((c) => c.id.toLowerCase());
  const sourceIds = [...new Set([...poolIds, ...recentIds.map((id) => id.toLowerCase())])];
  const sources: ClusterInfo[] = [];
  for (let i = 0; i < sourceIds.length; i += ID_FILTER_VALUES) {
    const ids = sourceIds.slice(i, i + ID_FILTER_VALUES);
    sources.push(
      ...(await rds.describeAllClusters([{ Name: 'db-cluster-id', Values: ids }])).map(toClusterInfo),
    );
  }
  if (!findCluster(sources, root.arn)) throw new SourceNotFoundError(rootIdOrArn, where);
  const groups = [...new Set(sources.map((c) => c.cloneGroupId).filter((g): g is string => g !== undefined))];
  const members = groups.length
    ? (await rds.describeAllClusters([{ Name: 'clone-group-id', Values: groups }])).map(toClusterInfo)
    : [];
  const fresh = new Map([...sources, ...members].map((c) => [c.id, c]));
  const asked = new Set(sourceIds);
  const isAsked = (c: ClusterInfo) => asked.has(c.id.toLowerCase());
  const groupSet = new Set(groups);
  // Stale entries of what was read again are replaced, or dropped when they are gone.
  const kept = stale.clusters.filter(
    (c) => !fresh.has(c.id) && !isAsked(c) && !(c.cloneGroupId !== undefined && groupSet.has(c.cloneGroupId)),
  );
  return { readAt: now, clusters: [...kept, ...fresh.values()], instances: stale.instances };
}

/** The inventory with one cluster read again by id (added, replaced, or dropped when it is gone). */
export async function withClusterRead(
  rds: RdsAdapter,
  inventory: Inventory,
  clusterId: string,
  now: Date,
): Promise<Inventory> {
  const found = await rds.describeCluster(clusterId);
  const others = inventory.clusters.filter((c) => c.id.toLowerCase() !== clusterId.toLowerCase());
  return { ...inventory, readAt: now, clusters: found ? [...others, toClusterInfo(found)] : others };
}
