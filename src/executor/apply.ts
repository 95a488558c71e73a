// Apply: each step of a plan becomes RDS calls through the adapter. Nothing here decides what to do;
// it does what the step says, with the tags that make the new cluster count from its first moment.
import type { DBCluster, RdsAdapter } from '../aws/rds.ts';
import type { ClusterInfo } from '../model/inventory.ts';
import type { CloneStep, CopyStep } from '../model/plan.ts';
import { type ManagedTagInput, managedTagList, TAG, type Tag } from '../model/tags.ts';
import { errorCode } from '../util/errors.ts';

export interface CloneOptions {
  managerId: string;
  requestKey: string;
  owner?: string;
  expiresAt?: Date;
  userTags: Record<string, string>;
  dbSubnetGroupName?: string;
  vpcSecurityGroupIds?: string[];
  dbClusterParameterGroupName?: string;
  password?: Pick<
    ManagedTagInput,
    'passwordSecret' | 'passwordKey' | 'passwordKeyCreated' | 'passwordPending'
  >;
}

export function cloneTags(step: CloneStep, options: CloneOptions): Tag[] {
  return managedTagList(
    {
      role: 'clone',
      sourceArn: step.sourceArn,
      rootArn: step.rootArn,
      dataTimestamp: new Date(step.dataTimestamp),
      manager: options.managerId,
      request: options.requestKey,
      ...(options.owner ? { owner: options.owner } : {}),
      ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
      ...options.password,
    },
    options.userTags,
  );
}

/**
 * Copy-on-write restore. A retried call whose first attempt did land answers
 * DBClusterAlreadyExistsFault: the cluster is ours when it carries our request tag.
 */
export async function restoreClone(
  rds: RdsAdapter,
  step: CloneStep,
  source: ClusterInfo,
  options: CloneOptions,
) {
  const subnet = options.dbSubnetGroupName ?? source.subnetGroup;
  const sgs = options.vpcSecurityGroupIds ?? source.securityGroupIds;
  const clusterPg = options.dbClusterParameterGroupName ?? source.clusterParameterGroup;
  try {
    return await rds.restoreCluster({
      DBClusterIdentifier: step.clusterId,
      SourceDBClusterIdentifier: source.id,
      RestoreType: 'copy-on-write',
      UseLatestRestorableTime: true,
      Tags: cloneTags(step, options),
      ...(subnet ? { DBSubnetGroupName: subnet } : {}),
      ...(sgs.length ? { VpcSecurityGroupIds: sgs } : {}),
      ...(clusterPg ? { DBClusterParameterGroupName: clusterPg } : {}),
      DeletionProtection: false,
    });
  } catch (err) {
    if (errorCode(err) === 'DBClusterAlreadyExistsFault') {
      const existing = await rds.describeCluster(step.clusterId);
      if (existing?.TagList?.some((t) => t.Key === TAG.request && t.Value === options.requestKey))
        return existing;
    }
    throw err;
  }
}

/** The tags of a copy and of its writer: its data is the root's as of `dataTimestamp`. */
export function copyTags(step: CopyStep, managerId: string, dataTimestamp: Date): Tag[] {
  return managedTagList({
    role: 'copy',
    sourceArn: step.rootArn,
    rootArn: step.rootArn,
    dataTimestamp,
    manager: managerId,
  });
}

/** Full-copy restore of the root: a new pool member with 15 fresh clone slots. */
export async function restoreCopy(
  rds: RdsAdapter,
  step: CopyStep,
  root: ClusterInfo,
  managerId: string,
  now: Date,
) {
  const tags = copyTags(step, managerId, now);
  try {
    return await rds.restoreCluster({
      DBClusterIdentifier: step.clusterId,
      SourceDBClusterIdentifier: root.id,
      RestoreType: 'full-copy',
      UseLatestRestorableTime: true,
      Tags: tags,
      ...(root.subnetGroup ? { DBSubnetGroupName: root.subnetGroup } : {}),
      ...(root.securityGroupIds.length ? { VpcSecurityGroupIds: root.securityGroupIds } : {}),
      DeletionProtection: false,
    });
  } catch (err) {
    // A retried call whose first attempt landed: the copy is ours when it carries our data timestamp.
    if (errorCode(err) === 'DBClusterAlreadyExistsFault') {
      const existing = await rds.describeCluster(step.clusterId);
      const stamp = tags.find((t) => t.Key === TAG.dataTimestamp)?.Value;
      if (existing?.TagList?.some((t) => t.Key === TAG.dataTimestamp && t.Value === stamp)) return existing;
    }
    throw err;
  }
}

/** The writer instance of a new cluster; an instance that already exists (a retried call) is fine. */
export async function createWriter(
  rds: RdsAdapter,
  input: {
    clusterId: string;
    instanceId: string;
    instanceClass: string;
    engine: string;
    tags: Tag[];
    parameterGroup?: string;
  },
) {
  try {
    return await rds.createInstance({
      DBInstanceIdentifier: input.instanceId,
      DBClusterIdentifier: input.clusterId,
      DBInstanceClass: input.instanceClass,
      Engine: input.engine,
      Tags: input.tags,
      ...(input.parameterGroup ? { DBParameterGroupName: input.parameterGroup } : {}),
    });
  } catch (err) {
    if (errorCode(err) === 'DBInstanceAlreadyExists' || errorCode(err) === 'DBInstanceAlreadyExistsFault') {
      const existing = await rds.describeInstance(input.instanceId);
      if (existing?.DBClusterIdentifier === input.clusterId) return existing;
    }
    throw err;
  }
}

/**
 * The writer of a new copy. A copy without an instance can never be cloned, so when the instance
 * cannot be created the copy is deleted again and nobody waits for it.
 */
export async function createCopyWriter(
  rds: RdsAdapter,
  step: CopyStep,
  input: { engine: string; managerId: string; dataTimestamp: Date },
  retry: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
) {
  try {
    return await retry(() =>
      createWriter(rds, {
        clusterId: step.clusterId,
        instanceId: step.instanceId,
        instanceClass: step.instanceClass,
        engine: input.engine,
        tags: copyTags(step, input.managerId, input.dataTimestamp),
      }),
    );
  } catch (err) {
    await rds.deleteCluster(step.clusterId).catch(() => undefined);
    throw err;
  }
}

export function isReady(cluster: DBCluster | undefined): boolean {
  return cluster?.Status === 'available' && (cluster.DBClusterMembers ?? []).length > 0;
}
