// The emulated RDS state. Everything here is plain JSON so it can be written to the state file.
// Times are ISO-8601 strings; a transitional status carries `until`, the instant it ends, and the
// model settles statuses lazily from the clock at each request (so virtual time works).

export interface Tag {
  Key: string;
  Value: string;
}

export type ClusterStatus = 'creating' | 'available' | 'modifying' | 'renaming' | 'deleting';
export type InstanceStatus = 'creating' | 'available' | 'deleting';

/** How a cluster came to be. `requested` differs from `kind` when AWS silently made a full copy. */
export type ClusterOrigin =
  | { kind: 'create' }
  | {
      kind: 'copy-on-write' | 'full-copy';
      requested: 'copy-on-write' | 'full-copy';
      sourceClusterId: string;
      sourceClusterArn: string;
      restoreTime: string;
    };

export interface MasterUserSecretRecord {
  secretArn: string;
  kmsKeyId: string;
  /** The secret is `creating` until then, `active` after. */
  activeAt: string;
}

export interface ClusterRecord {
  id: string;
  arn: string;
  resourceId: string;
  engine: string;
  engineVersion: string;
  port: number;
  masterUsername: string;
  databaseName?: string;
  createdAt: string;
  status: ClusterStatus;
  until?: string;
  cloneGroupId: string;
  /**
   * The copy-on-write tree the 15-clone limit counts in: the cluster's own volume and the clones
   * sharing its pages. Equal to cloneGroupId unless a full copy inherited its source's group id.
   */
  volumeGroupId?: string;
  origin: ClusterOrigin;
  subnetGroup: string;
  securityGroupIds: string[];
  parameterGroup: string;
  storageEncrypted: boolean;
  kmsKeyId?: string;
  deletionProtection: boolean;
  copyTagsToSnapshot: boolean;
  tags: Tag[];
  sizeGiB: number;
  masterUserSecret?: MasterUserSecretRecord;
  /** When the master password was last set (the password itself is never kept). */
  passwordChangedAt?: string;
  /** Aurora Serverless v2 capacity range: needed before a `db.serverless` instance can be added. */
  serverlessV2?: ServerlessV2Scaling;
  /**
   * A rename asked for with ModifyDBCluster NewDBClusterIdentifier and not yet applied
   * (PendingModifiedValues.DBClusterIdentifier): while `renaming` it is applied when that status
   * ends; with `available` it waits for a ModifyDBCluster with ApplyImmediately (the emulator has
   * no maintenance window).
   */
  pendingIdentifier?: string;
}

export interface ServerlessV2Scaling {
  minCapacity: number;
  maxCapacity: number;
  /** Kept (and described) only while minCapacity is 0: AWS drops it when the minimum is raised. */
  secondsUntilAutoPause?: number;
}

export interface InstanceRecord {
  id: string;
  arn: string;
  resourceId: string;
  clusterId: string;
  instanceClass: string;
  engine: string;
  engineVersion: string;
  status: InstanceStatus;
  until?: string;
  createdAt: string;
  /** Creation order within the emulator: the oldest instance of a cluster is its writer. */
  seq: number;
  tags: Tag[];
  parameterGroup: string;
  promotionTier: number;
  availabilityZone: string;
}

export interface SnapshotRecord {
  id: string;
  clusterId: string;
  createdAt: string;
}

export interface RegionState {
  clusters: Record<string, ClusterRecord>;
  instances: Record<string, InstanceRecord>;
  snapshots: Record<string, SnapshotRecord>;
}

/** A copy-on-write request that AWS (and so the emulator) served as a full copy, without error. */
export interface AccidentalFullCopy {
  at: string;
  region: string;
  clusterId: string;
  sourceClusterId: string;
  /** The group that was full. */
  sourceCloneGroupId: string;
  /** The new group the full copy started. */
  newCloneGroupId: string;
  copyOnWriteMembers: number;
}

export interface RdsState {
  version: 1;
  regions: Record<string, RegionState>;
  accidentalFullCopies: AccidentalFullCopy[];
  seq: number;
}
