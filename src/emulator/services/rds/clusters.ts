// Cluster lifecycle actions: create, restore (copy-on-write clone or full copy), modify, delete.
// Each takes wire-independent input, checks it as RDS does, and changes the model.

import { faults } from './errors.ts';
import { ownRecord, type RdsModel } from './model.ts';
import {
  defaultRdsKmsKey,
  ENGINES,
  type EngineDefaults,
  kmsKeyArn,
  masterSecretArn,
  newCloneGroupId,
  resourceId,
} from './naming.ts';
import { volumeGroupOf } from './region-index.ts';
import { checkServerlessV2 } from './serverless-v2.ts';
import type { ClusterRecord, ServerlessV2Scaling, Tag } from './types.ts';
import { checkIdentifier, checkPassword, checkTags, required } from './validate.ts';

export const DEFAULT_SUBNET_GROUP = 'default';
/** Stands for the VPC's default security group, where RDS puts a cluster when none is given. */
export const DEFAULT_SECURITY_GROUP = 'sg-00000000000000000';

export function engineDefaults(engine: string): EngineDefaults {
  const d = ENGINES[engine];
  if (!d) {
    throw faults.invalidValue(
      `Invalid DB engine: ${engine}. Supported here: ${Object.keys(ENGINES).join(', ')}`,
    );
  }
  return d;
}

export function defaultClusterParameterGroup(engine: string, version: string): string {
  return `default.${engineDefaults(engine).family(version)}`;
}

export interface CreateClusterInput {
  id?: string;
  engine?: string;
  engineVersion?: string;
  port?: number;
  masterUsername?: string;
  masterUserPassword?: string;
  manageMasterUserPassword?: boolean;
  masterUserSecretKmsKeyId?: string;
  databaseName?: string;
  subnetGroup?: string;
  securityGroupIds?: string[];
  parameterGroup?: string;
  storageEncrypted?: boolean;
  kmsKeyId?: string;
  deletionProtection?: boolean;
  copyTagsToSnapshot?: boolean;
  tags?: Tag[];
  serverlessV2?: Partial<ServerlessV2Scaling>;
  /** Emulator only: simulated data size, which drives full-copy durations. */
  sizeGiB?: number;
}

export function createCluster(model: RdsModel, regionName: string, input: CreateClusterInput): ClusterRecord {
  const id = checkIdentifier('DBClusterIdentifier', input.id);
  const engine = required('Engine', input.engine);
  const defaults = engineDefaults(engine);
  if (input.masterUserPassword !== undefined && input.manageMasterUserPassword) {
    throw faults.combination('MasterUserPassword and ManageMasterUserPassword cannot be used together.');
  }
  if (input.masterUserPassword !== undefined) checkPassword(engine, input.masterUserPassword);
  if (input.tags) checkTags(input.tags);
  const version = input.engineVersion ?? defaults.version;
  const serverlessV2 = checkServerlessV2(
    input.serverlessV2,
    { engine, engineVersion: version },
    model.options,
  );
  const region = model.region(regionName);
  if (model.clusterIdTaken(region, id)) throw faults.clusterExists(id);
  model.checkClusterQuota(region);

  const now = model.now();
  const encrypted = input.storageEncrypted === true || input.kmsKeyId !== undefined;
  const record: ClusterRecord = {
    id,
    arn: model.clusterArn(regionName, id),
    resourceId: resourceId('cluster'),
    engine,
    engineVersion: version,
    port: input.port ?? defaults.port,
    masterUsername: input.masterUsername ?? defaults.masterUsername,
    ...(input.databaseName !== undefined ? { databaseName: input.databaseName } : {}),
    createdAt: now.toISOString(),
    status: 'creating',
    until: model.after(now, model.options.timings.createClusterMs),
    cloneGroupId: newCloneGroupId(),
    origin: { kind: 'create' },
    subnetGroup: input.subnetGroup ?? DEFAULT_SUBNET_GROUP,
    securityGroupIds: input.securityGroupIds?.length ? [...input.securityGroupIds] : [DEFAULT_SECURITY_GROUP],
    parameterGroup: input.parameterGroup ?? defaultClusterParameterGroup(engine, version),
    storageEncrypted: encrypted,
    ...(encrypted
      ? {
          kmsKeyId: input.kmsKeyId
            ? kmsKeyArn(regionName, model.accountId, input.kmsKeyId)
            : defaultRdsKmsKey(regionName, model.accountId),
        }
      : {}),
    deletionProtection: input.deletionProtection ?? false,
    copyTagsToSnapshot: input.copyTagsToSnapshot ?? false,
    tags: input.tags ? [...input.tags] : [],
    sizeGiB: input.sizeGiB ?? model.options.defaultSizeGiB,
    ...(serverlessV2 ? { serverlessV2 } : {}),
    ...(input.masterUserPassword !== undefined || input.manageMasterUserPassword
      ? { passwordChangedAt: now.toISOString() }
      : {}),
  };
  if (input.manageMasterUserPassword) {
    record.masterUserSecret = {
      secretArn: masterSecretArn(regionName, model.accountId, record.resourceId),
      kmsKeyId: secretKmsKey(model, regionName, input.masterUserSecretKmsKeyId),
      activeAt: record.until!,
    };
  }
  model.addCluster(region, record);
  return record;
}

function secretKmsKey(model: RdsModel, regionName: string, given: string | undefined): string {
  return kmsKeyArn(regionName, model.accountId, given ?? 'alias/aws/secretsmanager');
}

export interface RestoreInput {
  id?: string;
  sourceClusterId?: string;
  restoreType?: string;
  useLatestRestorableTime?: boolean;
  restoreToTime?: Date;
  port?: number;
  subnetGroup?: string;
  securityGroupIds?: string[];
  parameterGroup?: string;
  kmsKeyId?: string;
  deletionProtection?: boolean;
  copyTagsToSnapshot?: boolean;
  tags?: Tag[];
  serverlessV2?: Partial<ServerlessV2Scaling>;
}

/**
 * RestoreDBClusterToPointInTime. Copy-on-write joins the source's clone group, unless the group
 * already holds `cloneGroupLimit` copy-on-write clones: then, as on AWS, the request is served as
 * a full copy (slow, new group) without any error, and recorded in `accidentalFullCopies`.
 */
export function restoreCluster(model: RdsModel, regionName: string, input: RestoreInput): ClusterRecord {
  const id = checkIdentifier('DBClusterIdentifier', input.id);
  const sourceRef = required('SourceDBClusterIdentifier', input.sourceClusterId);
  const requested = input.restoreType ?? 'full-copy';
  if (requested !== 'full-copy' && requested !== 'copy-on-write') {
    throw faults.invalidValue(`Invalid RestoreType ${requested}: must be full-copy or copy-on-write.`);
  }
  if (input.useLatestRestorableTime && input.restoreToTime) {
    throw faults.combination('Cannot specify both RestoreToTime and UseLatestRestorableTime.');
  }
  if (requested === 'copy-on-write' && input.restoreToTime) {
    throw faults.combination(
      'RestoreToTime cannot be used with RestoreType copy-on-write; use UseLatestRestorableTime.',
    );
  }
  if (!input.useLatestRestorableTime && !input.restoreToTime) {
    throw faults.combination('Either RestoreToTime or UseLatestRestorableTime must be specified.');
  }
  if (input.tags) checkTags(input.tags);
  const region = model.region(regionName);
  if (model.clusterIdTaken(region, id)) throw faults.clusterExists(id);
  const source = model.getCluster(regionName, sourceRef);
  const serverlessV2 = checkServerlessV2(
    input.serverlessV2,
    { engine: source.engine, engineVersion: source.engineVersion },
    model.options,
  );
  if (source.status !== 'available') {
    throw faults.invalidClusterState(
      `Source DB cluster ${source.id} is not in available state (it is ${source.status}).`,
    );
  }
  if (model.instancesOf(region, source.id).filter((i) => i.status !== 'deleting').length === 0) {
    throw faults.invalidClusterState(
      `Source DB cluster ${source.id} has no DB instance; a cluster without instances cannot be cloned or restored.`,
    );
  }
  const now = model.now();
  if (input.restoreToTime) {
    const t = input.restoreToTime.getTime();
    if (t > now.getTime() || t < Date.parse(source.createdAt)) {
      throw faults.invalidRestore(
        `RestoreToTime ${input.restoreToTime.toISOString()} is outside the restorable window of ${source.id} ` +
          `(${source.createdAt} to ${now.toISOString()}).`,
      );
    }
  }
  model.checkClusterQuota(region);

  let kind: 'copy-on-write' | 'full-copy' = requested;
  let volumeGroupId = volumeGroupOf(source);
  if (requested === 'copy-on-write') {
    const members = model.copyOnWriteMembers(region, volumeGroupId);
    if (members >= model.options.cloneGroupLimit) {
      kind = 'full-copy';
      volumeGroupId = newCloneGroupId();
      model.recordAccidentalFullCopy({
        at: now.toISOString(),
        region: regionName,
        clusterId: id,
        sourceClusterId: source.id,
        sourceCloneGroupId: source.cloneGroupId,
        newCloneGroupId: volumeGroupId,
        copyOnWriteMembers: members,
      });
    }
  } else {
    volumeGroupId = newCloneGroupId();
  }
  // A full copy is a volume of its own; whether it reports its source's group id is a choice.
  const cloneGroupId =
    kind === 'copy-on-write' || model.options.fullCopyCloneGroup === 'inherit'
      ? source.cloneGroupId
      : volumeGroupId;
  const t = model.options.timings;
  const duration =
    kind === 'copy-on-write' ? t.cloneVolumeMs : t.fullCopyBaseMs + t.fullCopyPerGiBMs * source.sizeGiB;
  const encrypted = source.storageEncrypted || input.kmsKeyId !== undefined;
  const kmsKeyId = input.kmsKeyId ? kmsKeyArn(regionName, model.accountId, input.kmsKeyId) : source.kmsKeyId;
  const record: ClusterRecord = {
    id,
    arn: model.clusterArn(regionName, id),
    resourceId: resourceId('cluster'),
    engine: source.engine,
    engineVersion: source.engineVersion,
    port: input.port ?? source.port,
    masterUsername: source.masterUsername,
    ...(source.databaseName !== undefined ? { databaseName: source.databaseName } : {}),
    createdAt: now.toISOString(),
    status: 'creating',
    until: model.after(now, duration),
    cloneGroupId,
    ...(volumeGroupId !== cloneGroupId ? { volumeGroupId } : {}),
    ...(serverlessV2 ? { serverlessV2 } : {}),
    origin: {
      kind,
      requested,
      sourceClusterId: source.id,
      sourceClusterArn: source.arn,
      restoreTime: (input.restoreToTime ?? now).toISOString(),
    },
    // As on AWS, what is not given comes from the Region's defaults, not from the source.
    subnetGroup: input.subnetGroup ?? DEFAULT_SUBNET_GROUP,
    securityGroupIds: input.securityGroupIds?.length ? [...input.securityGroupIds] : [DEFAULT_SECURITY_GROUP],
    parameterGroup: input.parameterGroup ?? defaultClusterParameterGroup(source.engine, source.engineVersion),
    storageEncrypted: encrypted,
    ...(encrypted ? { kmsKeyId: kmsKeyId ?? defaultRdsKmsKey(regionName, model.accountId) } : {}),
    deletionProtection: input.deletionProtection ?? false,
    copyTagsToSnapshot: input.copyTagsToSnapshot ?? false,
    tags: input.tags ? [...input.tags] : [],
    sizeGiB: source.sizeGiB,
  };
  model.addCluster(region, record);
  return record;
}

export interface ModifyInput {
  id?: string;
  newId?: string;
  masterUserPassword?: string;
  manageMasterUserPassword?: boolean;
  masterUserSecretKmsKeyId?: string;
  rotateMasterUserPassword?: boolean;
  deletionProtection?: boolean;
  applyImmediately?: boolean;
  serverlessV2?: Partial<ServerlessV2Scaling>;
}

/**
 * ModifyDBCluster. Password changes are applied asynchronously (modifying → available) whatever
 * ApplyImmediately says, as on AWS, and so are capacity ranges and deletion protection (at once).
 * A rename (NewDBClusterIdentifier) is one of the changes ApplyImmediately governs: with it, the
 * cluster goes `renaming` and then answers to the new identifier (see `renameTakesEffect`); without
 * it, the rename waits in PendingModifiedValues for the maintenance window, which the emulator
 * never reaches, or for a later ModifyDBCluster with ApplyImmediately, which applies it.
 */
export function modifyCluster(model: RdsModel, regionName: string, input: ModifyInput): ClusterRecord {
  const ref = required('DBClusterIdentifier', input.id);
  const newId =
    input.newId === undefined ? undefined : checkIdentifier('NewDBClusterIdentifier', input.newId);
  const region = model.region(regionName);
  const cluster = model.getCluster(regionName, ref);
  if (cluster.status !== 'available') {
    throw faults.invalidClusterState(
      `DB cluster ${cluster.id} is not in available state (it is ${cluster.status}).`,
    );
  }
  if (input.masterUserPassword !== undefined && input.manageMasterUserPassword) {
    throw faults.combination('MasterUserPassword and ManageMasterUserPassword cannot be used together.');
  }
  if (
    input.masterUserPassword !== undefined &&
    cluster.masterUserSecret &&
    input.manageMasterUserPassword !== false
  ) {
    throw faults.combination(
      'The master password of this cluster is managed in Secrets Manager; set ManageMasterUserPassword=false to set MasterUserPassword.',
    );
  }
  if (
    input.manageMasterUserPassword === false &&
    cluster.masterUserSecret &&
    input.masterUserPassword === undefined
  ) {
    throw faults.combination('MasterUserPassword is required when turning off ManageMasterUserPassword.');
  }
  if (input.rotateMasterUserPassword && !cluster.masterUserSecret) {
    throw faults.combination(
      'RotateMasterUserPassword requires a master password managed in Secrets Manager.',
    );
  }
  if (input.masterUserPassword !== undefined) checkPassword(cluster.engine, input.masterUserPassword);
  const serverlessV2 = checkServerlessV2(
    input.serverlessV2,
    { engine: cluster.engine, engineVersion: cluster.engineVersion, current: cluster.serverlessV2 },
    model.options,
  );
  // The rename asked for now, or (ApplyImmediately) one left pending by an earlier request.
  const renameTo = newId ?? (input.applyImmediately === true ? cluster.pendingIdentifier : undefined);
  // Renaming to its own identifier is a rename all the same (AWS restarts an instance "renamed" so).
  if (renameTo !== undefined && renameTo !== cluster.id && model.clusterIdTaken(region, renameTo)) {
    throw faults.clusterExists(renameTo);
  }

  const now = model.now();
  const passwordChange =
    input.masterUserPassword !== undefined ||
    input.rotateMasterUserPassword === true ||
    (input.manageMasterUserPassword === true && !cluster.masterUserSecret);
  if (input.deletionProtection !== undefined) cluster.deletionProtection = input.deletionProtection;
  if (serverlessV2) cluster.serverlessV2 = serverlessV2;
  if (passwordChange) {
    const until = model.after(now, model.options.timings.modifyMs);
    model.changeClusterStatus(region, cluster, 'modifying', until);
    cluster.passwordChangedAt = now.toISOString();
  }
  if (input.manageMasterUserPassword === true && !cluster.masterUserSecret) {
    cluster.masterUserSecret = {
      secretArn: masterSecretArn(regionName, model.accountId, cluster.resourceId),
      kmsKeyId: secretKmsKey(model, regionName, input.masterUserSecretKmsKeyId),
      activeAt: cluster.until!,
    };
  } else if (input.manageMasterUserPassword === false) {
    delete cluster.masterUserSecret;
  }
  if (renameTo !== undefined) {
    if (input.applyImmediately === true) rename(model, regionName, cluster, renameTo);
    else cluster.pendingIdentifier = renameTo;
  }
  return cluster;
}

/** `renaming` for renameMs (or as long as a modify of the same request), then available as `newId`. */
function rename(model: RdsModel, regionName: string, cluster: ClusterRecord, newId: string): void {
  const region = model.region(regionName);
  const renamed = Date.parse(model.after(model.now(), model.options.timings.renameMs));
  const until = new Date(Math.max(renamed, cluster.until ? Date.parse(cluster.until) : 0)).toISOString();
  if (model.options.renameTakesEffect === 'start') {
    model.renameCluster(regionName, region, cluster, newId);
    model.changeClusterStatus(region, cluster, 'renaming', until);
  } else {
    model.startRename(region, cluster, newId, until);
  }
}

export interface DeleteClusterInput {
  id?: string;
  skipFinalSnapshot?: boolean;
  finalSnapshotId?: string;
}

export function deleteCluster(model: RdsModel, regionName: string, input: DeleteClusterInput): ClusterRecord {
  const ref = required('DBClusterIdentifier', input.id);
  const skip = input.skipFinalSnapshot === true;
  if (skip && input.finalSnapshotId !== undefined) {
    throw faults.combination('FinalDBSnapshotIdentifier cannot be specified when SkipFinalSnapshot is true.');
  }
  if (!skip && input.finalSnapshotId === undefined) {
    throw faults.combination('FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is true.');
  }
  const snapshotId = skip ? undefined : checkIdentifier('FinalDBSnapshotIdentifier', input.finalSnapshotId);
  const region = model.region(regionName);
  const cluster = model.getCluster(regionName, ref);
  if (cluster.status === 'deleting') {
    throw faults.invalidClusterState(`DB cluster ${cluster.id} is already being deleted.`);
  }
  // Unconfirmed on AWS; refused here so that a rename never ends on a cluster being deleted.
  if (cluster.status === 'renaming') {
    throw faults.invalidClusterState(
      `DB cluster ${cluster.id} is being renamed; try again when it is available.`,
    );
  }
  if (cluster.deletionProtection) {
    throw faults.combination(
      'Cannot delete protected Cluster, please disable deletion protection and try again.',
    );
  }
  const instances = model.instancesOf(region, cluster.id);
  const gone = model.options.deleteClusterWhileInstances === 'gone';
  if (instances.some((i) => gone || i.status !== 'deleting')) {
    throw faults.invalidClusterState(
      'Cluster cannot be deleted, it still contains DB instances in non-deleting state.',
    );
  }
  if (snapshotId !== undefined && ownRecord(region.snapshots, snapshotId))
    throw faults.snapshotExists(snapshotId);

  const now = model.now();
  if (snapshotId !== undefined) {
    region.snapshots[snapshotId] = { id: snapshotId, clusterId: cluster.id, createdAt: now.toISOString() };
  }
  // The cluster goes only after its last (deleting) instance has gone.
  const instancesGone = Math.max(0, ...instances.map((i) => (i.until ? Date.parse(i.until) : 0)));
  const own = Date.parse(model.after(now, model.options.timings.deleteClusterMs));
  model.changeClusterStatus(
    region,
    cluster,
    'deleting',
    new Date(Math.max(own, instancesGone)).toISOString(),
  );
  return cluster;
}
