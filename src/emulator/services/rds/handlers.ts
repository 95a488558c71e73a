// The RDS actions on the wire: read Query parameters (list spellings from the botocore model),
// call the model, write the `<ActionResult>` body. No RDS rules live here.

import type { QueryParams } from '../../protocol/query.ts';
import { el, list, text } from '../../protocol/xml.ts';
import { createCluster, deleteCluster, modifyCluster, restoreCluster } from './clusters.ts';
import { describeClusters, describeInstances, type Filter, type PageInput } from './describe.ts';
import { createInstance, deleteInstance } from './instances.ts';
import type { RdsModel } from './model.ts';
import { addTags, listTags, removeTags } from './tags.ts';
import type { ServerlessV2Scaling, Tag } from './types.ts';
import { clusterFields, instanceFields, tagListXml } from './xml.ts';

/** Result XML, or undefined for actions whose answer has no Result element. */
export type RdsHandler = (model: RdsModel, region: string, p: QueryParams) => string | undefined;

const tags = (p: QueryParams): Tag[] | undefined =>
  p.structList('Tags', 'Tag', (t) => ({ Key: t.string('Key') ?? '', Value: t.string('Value') ?? '' }));

const serverlessV2 = (p: QueryParams): Partial<ServerlessV2Scaling> =>
  defined({
    minCapacity: p.number('ServerlessV2ScalingConfiguration.MinCapacity'),
    maxCapacity: p.number('ServerlessV2ScalingConfiguration.MaxCapacity'),
    secondsUntilAutoPause: p.integer('ServerlessV2ScalingConfiguration.SecondsUntilAutoPause'),
  });

const securityGroups = (p: QueryParams) => p.stringList('VpcSecurityGroupIds', 'VpcSecurityGroupId');

const filters = (p: QueryParams): Filter[] | undefined =>
  p.structList('Filters', 'Filter', (f) => ({
    name: f.string('Name') ?? '',
    values: f.stringList('Values', 'Value') ?? [],
  }));

const page = (p: QueryParams): PageInput => {
  const input: PageInput = {};
  const f = filters(p);
  const max = p.integer('MaxRecords');
  const marker = p.string('Marker');
  if (f) input.filters = f;
  if (max !== undefined) input.maxRecords = max;
  if (marker !== undefined) input.marker = marker;
  return input;
};

/** Drops undefined members, so model inputs only carry what the client sent. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function oneCluster(model: RdsModel, region: string, id: string): string {
  return el('DBCluster', clusterFields(model, region, model.region(region), model.getCluster(region, id)));
}

function oneInstance(model: RdsModel, region: string, id: string): string {
  return el('DBInstance', instanceFields(model, region, model.region(region), model.getInstance(region, id)));
}

export const RDS_HANDLERS: Record<string, RdsHandler> = {
  CreateDBCluster(model, region, p) {
    const c = createCluster(
      model,
      region,
      defined({
        id: p.string('DBClusterIdentifier'),
        engine: p.string('Engine'),
        engineVersion: p.string('EngineVersion'),
        port: p.integer('Port'),
        masterUsername: p.string('MasterUsername'),
        masterUserPassword: p.string('MasterUserPassword'),
        manageMasterUserPassword: p.boolean('ManageMasterUserPassword'),
        masterUserSecretKmsKeyId: p.string('MasterUserSecretKmsKeyId'),
        databaseName: p.string('DatabaseName'),
        subnetGroup: p.string('DBSubnetGroupName'),
        securityGroupIds: securityGroups(p),
        parameterGroup: p.string('DBClusterParameterGroupName'),
        storageEncrypted: p.boolean('StorageEncrypted'),
        kmsKeyId: p.string('KmsKeyId'),
        deletionProtection: p.boolean('DeletionProtection'),
        copyTagsToSnapshot: p.boolean('CopyTagsToSnapshot'),
        tags: tags(p),
        serverlessV2: serverlessV2(p),
      }),
    );
    return oneCluster(model, region, c.id);
  },

  CreateDBInstance(model, region, p) {
    const i = createInstance(
      model,
      region,
      defined({
        id: p.string('DBInstanceIdentifier'),
        clusterId: p.string('DBClusterIdentifier'),
        engine: p.string('Engine'),
        instanceClass: p.string('DBInstanceClass'),
        parameterGroup: p.string('DBParameterGroupName'),
        promotionTier: p.integer('PromotionTier'),
        availabilityZone: p.string('AvailabilityZone'),
        tags: tags(p),
      }),
    );
    return oneInstance(model, region, i.id);
  },

  DescribeDBClusters(model, region, p) {
    const r = describeClusters(model, region, p.string('DBClusterIdentifier'), page(p));
    const rs = model.region(region);
    return (
      text('Marker', r.marker) +
      list('DBClusters', 'DBCluster', r.items, (c) => clusterFields(model, region, rs, c))
    );
  },

  DescribeDBInstances(model, region, p) {
    const r = describeInstances(model, region, p.string('DBInstanceIdentifier'), page(p));
    const rs = model.region(region);
    return (
      text('Marker', r.marker) +
      list('DBInstances', 'DBInstance', r.items, (i) => instanceFields(model, region, rs, i))
    );
  },

  RestoreDBClusterToPointInTime(model, region, p) {
    const c = restoreCluster(
      model,
      region,
      defined({
        id: p.string('DBClusterIdentifier'),
        sourceClusterId: p.string('SourceDBClusterIdentifier'),
        restoreType: p.string('RestoreType'),
        useLatestRestorableTime: p.boolean('UseLatestRestorableTime'),
        restoreToTime: p.timestamp('RestoreToTime'),
        port: p.integer('Port'),
        subnetGroup: p.string('DBSubnetGroupName'),
        securityGroupIds: securityGroups(p),
        parameterGroup: p.string('DBClusterParameterGroupName'),
        kmsKeyId: p.string('KmsKeyId'),
        deletionProtection: p.boolean('DeletionProtection'),
        copyTagsToSnapshot: p.boolean('CopyTagsToSnapshot'),
        tags: tags(p),
        serverlessV2: serverlessV2(p),
      }),
    );
    return oneCluster(model, region, c.id);
  },

  ModifyDBCluster(model, region, p) {
    const c = modifyCluster(
      model,
      region,
      defined({
        id: p.string('DBClusterIdentifier'),
        newId: p.string('NewDBClusterIdentifier'),
        masterUserPassword: p.string('MasterUserPassword'),
        manageMasterUserPassword: p.boolean('ManageMasterUserPassword'),
        masterUserSecretKmsKeyId: p.string('MasterUserSecretKmsKeyId'),
        rotateMasterUserPassword: p.boolean('RotateMasterUserPassword'),
        deletionProtection: p.boolean('DeletionProtection'),
        applyImmediately: p.boolean('ApplyImmediately'),
        serverlessV2: serverlessV2(p),
      }),
    );
    return oneCluster(model, region, c.id);
  },

  DeleteDBInstance(model, region, p) {
    const i = deleteInstance(model, region, p.string('DBInstanceIdentifier'));
    return el('DBInstance', instanceFields(model, region, model.region(region), i));
  },

  DeleteDBCluster(model, region, p) {
    const c = deleteCluster(
      model,
      region,
      defined({
        id: p.string('DBClusterIdentifier'),
        skipFinalSnapshot: p.boolean('SkipFinalSnapshot'),
        finalSnapshotId: p.string('FinalDBSnapshotIdentifier'),
      }),
    );
    return el('DBCluster', clusterFields(model, region, model.region(region), c));
  },

  AddTagsToResource(model, _region, p) {
    addTags(model, p.string('ResourceName'), tags(p));
    return undefined;
  },

  RemoveTagsFromResource(model, _region, p) {
    removeTags(model, p.string('ResourceName'), p.stringList('TagKeys'));
    return undefined;
  },

  ListTagsForResource(model, _region, p) {
    return tagListXml(listTags(model, p.string('ResourceName')));
  },
};
