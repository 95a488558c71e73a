import type { ManagedTags } from './tags.ts';

/** A DB cluster as the manager sees it, read from one DescribeDBClusters page entry. */
export interface ClusterInfo {
  id: string;
  arn: string;
  status: string;
  engine: string;
  engineVersion?: string;
  createdAt?: Date;
  cloneGroupId?: string;
  endpoint?: string;
  readerEndpoint?: string;
  port?: number;
  masterUsername?: string;
  databaseName?: string;
  subnetGroup?: string;
  securityGroupIds: string[];
  clusterParameterGroup?: string;
  kmsKeyId?: string;
  /** Aurora Serverless v2 capacity range (ACUs), when the cluster has one. */
  serverlessV2?: ServerlessV2Scaling;
  deletionProtection: boolean;
  members: { instanceId: string; isWriter: boolean }[];
  tags: Record<string, string>;
  /** Parsed manager tags; undefined for clusters the manager did not create. */
  managed?: ManagedTags;
}

export interface ServerlessV2Scaling {
  minCapacity: number;
  maxCapacity: number;
  secondsUntilAutoPause?: number;
}

export interface InstanceInfo {
  id: string;
  clusterId?: string;
  status: string;
  instanceClass: string;
  engine: string;
  parameterGroup?: string;
}

/** Everything the planner needs, read at one instant. */
export interface Inventory {
  readAt: Date;
  clusters: ClusterInfo[];
  /** Instances of the clusters of interest (writers, to learn the default instance class). */
  instances: InstanceInfo[];
}

/** A cluster by id (RDS ids are case-insensitive) or by ARN. */
export function findCluster(
  clusters: readonly ClusterInfo[],
  clusterIdOrArn: string,
): ClusterInfo | undefined {
  if (clusterIdOrArn.startsWith('arn:')) return clusters.find((c) => c.arn === clusterIdOrArn);
  const id = clusterIdOrArn.toLowerCase();
  return clusters.find((c) => c.id.toLowerCase() === id);
}
