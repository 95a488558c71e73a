// DB instance actions. Only Aurora cluster members are emulated: every instance belongs to a cluster.

import { engineDefaults } from './clusters.ts';
import { faults } from './errors.ts';
import { ownRecord, type RdsModel } from './model.ts';
import { resourceId } from './naming.ts';
import type { InstanceRecord, Tag } from './types.ts';
import { checkIdentifier, checkTags, required } from './validate.ts';

export interface CreateInstanceInput {
  id?: string;
  clusterId?: string;
  engine?: string;
  instanceClass?: string;
  parameterGroup?: string;
  promotionTier?: number;
  availabilityZone?: string;
  tags?: Tag[];
}

export function defaultInstanceParameterGroup(engine: string, version: string): string {
  return `default.${engineDefaults(engine).family(version)}`;
}

export function createInstance(
  model: RdsModel,
  regionName: string,
  input: CreateInstanceInput,
): InstanceRecord {
  const id = checkIdentifier('DBInstanceIdentifier', input.id);
  const instanceClass = required('DBInstanceClass', input.instanceClass);
  const engine = required('Engine', input.engine);
  if (instanceClass !== 'db.serverless' && !/^db\.[a-z0-9-]+\.[a-z0-9-]+$/.test(instanceClass)) {
    throw faults.invalidValue(`Invalid DB instance class: ${instanceClass}`);
  }
  engineDefaults(engine);
  if (input.clusterId === undefined) {
    throw faults.combination(
      `DBClusterIdentifier is required: an ${engine} DB instance must be a member of a DB cluster (the emulator serves Aurora cluster instances only).`,
    );
  }
  if (input.tags) checkTags(input.tags);
  const region = model.region(regionName);
  if (ownRecord(region.instances, id)) throw faults.instanceExists(id);
  const cluster = model.getCluster(regionName, input.clusterId);
  if (cluster.status === 'deleting') {
    throw faults.invalidClusterState(`DB cluster ${cluster.id} is being deleted.`);
  }
  if (instanceClass === 'db.serverless' && !cluster.serverlessV2) {
    throw faults.combination(
      `DB cluster ${cluster.id} has no ServerlessV2ScalingConfiguration: set one before adding a db.serverless instance.`,
    );
  }
  if (cluster.engine !== engine) {
    throw faults.combination(
      `The engine ${engine} does not match the engine ${cluster.engine} of DB cluster ${cluster.id}.`,
    );
  }
  model.checkInstanceQuota(region);

  const now = model.now();
  // An instance cannot be up before its cluster volume is.
  const start =
    cluster.status === 'creating' && cluster.until
      ? new Date(Math.max(now.getTime(), Date.parse(cluster.until)))
      : now;
  const record: InstanceRecord = {
    id,
    arn: model.instanceArn(regionName, id),
    resourceId: resourceId('db'),
    clusterId: cluster.id,
    instanceClass,
    engine,
    engineVersion: cluster.engineVersion,
    status: 'creating',
    until: model.after(start, model.options.timings.createInstanceMs),
    createdAt: now.toISOString(),
    seq: model.nextSeq(),
    tags: input.tags ? [...input.tags] : [],
    parameterGroup: input.parameterGroup ?? defaultInstanceParameterGroup(engine, cluster.engineVersion),
    promotionTier: input.promotionTier ?? 1,
    availabilityZone: input.availabilityZone ?? `${regionName}a`,
  };
  model.addInstance(region, record);
  return record;
}

export function deleteInstance(
  model: RdsModel,
  regionName: string,
  idOrArn: string | undefined,
): InstanceRecord {
  const ref = required('DBInstanceIdentifier', idOrArn);
  const region = model.region(regionName);
  const inst = model.getInstance(regionName, ref);
  if (inst.status === 'deleting')
    throw faults.invalidInstanceState(`Instance ${inst.id} is already being deleted.`);
  const cluster = region.clusters[inst.clusterId];
  const others = model
    .instancesOf(region, inst.clusterId)
    .filter((i) => i.id !== inst.id && i.status !== 'deleting');
  if (cluster?.deletionProtection && others.length === 0) {
    throw faults.invalidClusterState(
      `Cannot delete the last instance of DB cluster ${cluster.id} while it has deletion protection enabled.`,
    );
  }
  model.changeInstanceStatus(
    region,
    inst,
    'deleting',
    model.after(model.now(), model.options.timings.deleteInstanceMs),
  );
  return inst;
}
