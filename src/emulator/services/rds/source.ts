// A ready-made source cluster for demos, tests and benchmarks: `available`, with an `available`
// writer instance, as if it had been running for a while.

import { type CreateClusterInput, createCluster } from './clusters.ts';
import { createInstance } from './instances.ts';
import type { RdsModel } from './model.ts';
import type { ClusterRecord, InstanceRecord, Tag } from './types.ts';

export interface SourceClusterInput {
  id: string;
  engine?: string;
  engineVersion?: string;
  instanceClass?: string;
  /** Default `<id>-instance-1`. */
  instanceId?: string;
  masterUsername?: string;
  databaseName?: string;
  subnetGroup?: string;
  securityGroupIds?: string[];
  parameterGroup?: string;
  storageEncrypted?: boolean;
  kmsKeyId?: string;
  deletionProtection?: boolean;
  tags?: Tag[] | Record<string, string>;
  sizeGiB?: number;
  region?: string;
  /** When the cluster was created; default now. Earlier instants make RestoreToTime windows realistic. */
  createdAt?: Date;
}

export function createSourceCluster(
  model: RdsModel,
  input: SourceClusterInput,
): { cluster: ClusterRecord; writer: InstanceRecord } {
  const region = input.region ?? model.defaultRegion;
  const tags = Array.isArray(input.tags)
    ? input.tags
    : Object.entries(input.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const clusterInput: CreateClusterInput = {
    id: input.id,
    engine: input.engine ?? 'aurora-postgresql',
    tags,
    ...(input.engineVersion !== undefined ? { engineVersion: input.engineVersion } : {}),
    ...(input.masterUsername !== undefined ? { masterUsername: input.masterUsername } : {}),
    ...(input.databaseName !== undefined ? { databaseName: input.databaseName } : {}),
    ...(input.subnetGroup !== undefined ? { subnetGroup: input.subnetGroup } : {}),
    ...(input.securityGroupIds !== undefined ? { securityGroupIds: input.securityGroupIds } : {}),
    ...(input.parameterGroup !== undefined ? { parameterGroup: input.parameterGroup } : {}),
    ...(input.storageEncrypted !== undefined ? { storageEncrypted: input.storageEncrypted } : {}),
    ...(input.kmsKeyId !== undefined ? { kmsKeyId: input.kmsKeyId } : {}),
    ...(input.deletionProtection !== undefined ? { deletionProtection: input.deletionProtection } : {}),
    ...(input.sizeGiB !== undefined ? { sizeGiB: input.sizeGiB } : {}),
  };
  model.settle();
  const cluster = createCluster(model, region, clusterInput);
  const writer = createInstance(model, region, {
    id: input.instanceId ?? `${cluster.id}-instance-1`,
    clusterId: cluster.id,
    engine: cluster.engine,
    instanceClass: input.instanceClass ?? 'db.r6g.large',
  });
  const created = (input.createdAt ?? model.now()).toISOString();
  cluster.status = 'available';
  cluster.createdAt = created;
  delete cluster.until;
  writer.status = 'available';
  writer.createdAt = created;
  delete writer.until;
  return { cluster, writer };
}
