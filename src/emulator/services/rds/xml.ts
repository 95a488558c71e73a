// DBCluster and DBInstance as RDS writes them in XML (member names from the botocore model).

import { el, list, text, textList } from '../../protocol/xml.ts';
import type { RdsModel } from './model.ts';
import { clusterEndpoint, instanceEndpoint, readerEndpoint } from './naming.ts';
import type { ClusterRecord, InstanceRecord, RegionState, Tag } from './types.ts';

export function tagListXml(tags: readonly Tag[]): string {
  return list('TagList', 'Tag', tags, (t) => text('Key', t.Key) + text('Value', t.Value));
}

/** The members of a DBCluster element; the caller wraps them (`<DBCluster>` alone or as a list item). */
export function clusterFields(
  model: RdsModel,
  regionName: string,
  region: RegionState,
  c: ClusterRecord,
): string {
  const account = model.accountId;
  const members = model.instancesOf(region, c.id);
  const now = model.now();
  const secret = c.masterUserSecret;
  return [
    text('AllocatedStorage', 1),
    textList('AvailabilityZones', 'AvailabilityZone', [`${regionName}a`, `${regionName}b`, `${regionName}c`]),
    text('BackupRetentionPeriod', 1),
    text('DatabaseName', c.databaseName),
    text('DBClusterIdentifier', c.id),
    text('DBClusterParameterGroup', c.parameterGroup),
    text('DBSubnetGroup', c.subnetGroup),
    text('Status', c.status),
    text('EarliestRestorableTime', c.createdAt),
    text('Endpoint', clusterEndpoint(c.id, regionName, account)),
    text('ReaderEndpoint', readerEndpoint(c.id, regionName, account)),
    text('MultiAZ', members.length > 1),
    text('Engine', c.engine),
    text('EngineVersion', c.engineVersion),
    text(
      'LatestRestorableTime',
      c.status === 'available' || c.status === 'modifying' || c.status === 'renaming'
        ? now.toISOString()
        : undefined,
    ),
    text('Port', c.port),
    text('MasterUsername', c.masterUsername),
    list('DBClusterMembers', 'DBClusterMember', members, (m) => memberXml(m, members[0]?.id === m.id)),
    list(
      'VpcSecurityGroups',
      'VpcSecurityGroupMembership',
      c.securityGroupIds,
      (id) => text('VpcSecurityGroupId', id) + text('Status', 'active'),
    ),
    text('StorageEncrypted', c.storageEncrypted),
    text('KmsKeyId', c.kmsKeyId),
    text('DbClusterResourceId', c.resourceId),
    text('DBClusterArn', c.arn),
    text('CloneGroupId', model.reportedCloneGroupId(c)),
    text('ClusterCreateTime', c.createdAt),
    c.pendingIdentifier !== undefined
      ? el('PendingModifiedValues', text('DBClusterIdentifier', c.pendingIdentifier))
      : '',
    text('EngineMode', 'provisioned'),
    c.serverlessV2
      ? el(
          'ServerlessV2ScalingConfiguration',
          text('MinCapacity', c.serverlessV2.minCapacity),
          text('MaxCapacity', c.serverlessV2.maxCapacity),
          // AWS shows it only while the minimum is 0.
          c.serverlessV2.minCapacity === 0
            ? text('SecondsUntilAutoPause', c.serverlessV2.secondsUntilAutoPause)
            : '',
        )
      : '',
    text('DeletionProtection', c.deletionProtection),
    text('CopyTagsToSnapshot', c.copyTagsToSnapshot),
    tagListXml(c.tags),
    secret
      ? el(
          'MasterUserSecret',
          text('SecretArn', secret.secretArn),
          text('SecretStatus', Date.parse(secret.activeAt) <= now.getTime() ? 'active' : 'creating'),
          text('KmsKeyId', secret.kmsKeyId),
        )
      : '',
  ].join('');
}

function memberXml(m: InstanceRecord, isWriter: boolean): string {
  return (
    text('DBInstanceIdentifier', m.id) +
    text('IsClusterWriter', isWriter) +
    text('DBClusterParameterGroupStatus', 'in-sync') +
    text('PromotionTier', m.promotionTier)
  );
}

/** The members of a DBInstance element; the caller wraps them. */
export function instanceFields(
  model: RdsModel,
  regionName: string,
  region: RegionState,
  i: InstanceRecord,
): string {
  const cluster = region.clusters[i.clusterId];
  return [
    text('DBInstanceIdentifier', i.id),
    text('DBInstanceClass', i.instanceClass),
    text('Engine', i.engine),
    text('DBInstanceStatus', i.status),
    text('MasterUsername', cluster?.masterUsername),
    text('DBName', cluster?.databaseName),
    // AWS leaves out the endpoint until the instance has an address.
    i.status === 'creating'
      ? ''
      : el(
          'Endpoint',
          text('Address', instanceEndpoint(i.id, regionName, model.accountId)),
          text('Port', cluster?.port),
        ),
    text('InstanceCreateTime', i.status === 'creating' ? undefined : i.createdAt),
    list(
      'VpcSecurityGroups',
      'VpcSecurityGroupMembership',
      cluster?.securityGroupIds ?? [],
      (id) => text('VpcSecurityGroupId', id) + text('Status', 'active'),
    ),
    list(
      'DBParameterGroups',
      'DBParameterGroup',
      [i.parameterGroup],
      (name) => text('DBParameterGroupName', name) + text('ParameterApplyStatus', 'in-sync'),
    ),
    text('AvailabilityZone', i.availabilityZone),
    cluster
      ? el(
          'DBSubnetGroup',
          text('DBSubnetGroupName', cluster.subnetGroup),
          text('SubnetGroupStatus', 'Complete'),
        )
      : '',
    text('EngineVersion', i.engineVersion),
    text('PubliclyAccessible', false),
    text('DbInstancePort', 0),
    text('DBClusterIdentifier', i.clusterId),
    text('StorageEncrypted', cluster?.storageEncrypted ?? false),
    text('KmsKeyId', cluster?.kmsKeyId),
    text('DbiResourceId', i.resourceId),
    text('PromotionTier', i.promotionTier),
    text('DBInstanceArn', i.arn),
    text('DeletionProtection', false),
    tagListXml(i.tags),
  ].join('');
}
