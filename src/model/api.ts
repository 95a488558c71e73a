// The typed library API: what callers (CLI, Lambda, benchmarks, user code) pass and get back.
import type { AwsClients } from '../aws/adapters.ts';
import type { AwsConfig } from '../aws/config.ts';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/log.ts';
import type { Plan, Step } from './plan.ts';
import type { Role } from './tags.ts';

export const DEFAULT_MANAGER_ID = 'aurora-clone-manager';
export const DEFAULT_MAX_CLONES_PER_SOURCE = 15;
export const DEFAULT_MAX_COPY_AGE = 'P3D';
export const DEFAULT_LEASE_TABLE = 'aurora-clone-manager-leases';

export interface ProgressEvent {
  clusterId: string;
  phase: string;
  status?: string;
  elapsedMs?: number;
  /**
   * What now exists of a new clone: restored (its writer not asked for yet: it cannot become usable
   * as it is), served (restored for this request by another request's lease hold, its writer made
   * by either), writer-requested, or claimed (a warm clone is this request's).
   */
  stage?: 'restored' | 'served' | 'writer-requested' | 'claimed';
}

/** Settings shared by every operation of one manager deployment. */
export interface ManagerOptions {
  /** Endpoint, region, credentials: the same code talks to AWS, the emulator or moto. */
  aws?: AwsConfig;
  /** Your own SDK clients (e.g. with custom middleware); each one given replaces the one built from `aws`. */
  clients?: AwsClients;
  /** Name of this deployment (stack name or CLI choice); tagged on everything it creates. */
  managerId?: string;
  maxClonesPerSource?: number;
  /** ISO-8601 duration (P3D) or milliseconds. */
  maxCopyAge?: string | number;
  /**
   * The DynamoDB table holding per-source leases that make slot counting exact across processes.
   * `false` keeps the lease in this process only (safe for one process, documented as such).
   */
  leaseTable?: string | false;
  /**
   * Create the lease table when it does not exist. Default: only on a local endpoint (the emulator,
   * moto); in a real account the manager's stack creates it.
   */
  createLeaseTable?: boolean;
  clock?: Clock;
  logger?: Logger;
  onProgress?: (event: ProgressEvent) => void;
  /** Waiting: first poll delay and cap (ms). */
  pollMinMs?: number;
  pollMaxMs?: number;
  /** Give up waiting for `available` after this long (ms). */
  waitTimeoutMs?: number;
}

export interface PasswordRequest {
  /** Generate a password, keep it in Secrets Manager and set it on the clone. */
  setPassword?: boolean;
  /** Let RDS manage the master password in Secrets Manager instead (ManageMasterUserPassword). */
  manageMasterUserPassword?: boolean;
  accessPrincipalArns?: string[];
  kmsKeyId?: string;
  forceCreateKmsKey?: boolean;
  /** Default `/aurora-clone-manager/`. */
  secretPrefix?: string;
  /** JSON key inside the secret under which the password is stored (default `password`). */
  secretKey?: string;
}

export interface ProvisionRequest {
  sourceClusterId: string;
  clusterId?: string;
  instanceClass?: string;
  maxCopyAge?: string | number;
  maxClonesPerSource?: number;
  copyCreatedSince?: Date | string;
  /** Make a full copy of the source when no slot is free (default true). */
  copyOk?: boolean;
  /** Delete obsolete copies as part of this request (default true). */
  purgeObsoleteCopies?: boolean;
  /** When clusterId is taken, append a timestamp instead of failing. */
  noFailOnExistingCluster?: boolean;
  tags?: Record<string, string>;
  /** Time to live (ISO-8601 duration, 8h, or ms): sets the `expires-at` tag; maintenance deletes it after. */
  ttl?: string | number;
  owner?: string;
  /** Idempotency key: a second request with the same key returns the first one's clone. */
  requestKey?: string;
  dbSubnetGroupName?: string;
  vpcSecurityGroupIds?: string[];
  dbClusterParameterGroupName?: string;
  dbParameterGroupName?: string;
  password?: PasswordRequest;
  /** Wait until the cluster and its writer are available. */
  wait?: boolean;
  /**
   * When a full copy must be made first, wait for it (default true). False returns at once with
   * status `waiting-for-copy`; calling again with the same requestKey continues (the Lambda does so).
   */
  waitForCopy?: boolean;
  dryRun?: boolean;
}

/** One step the executor applied, for results and logs. */
export interface AppliedSummary {
  kind: Step['kind'];
  clusterId: string;
  /** done; pending: the copy awaited was not ready yet; gone: it went away and the request planned again. */
  outcome: 'done' | 'pending' | 'gone';
  /** A purge or expiry that failed without failing the request. */
  error?: string;
}

/** Where a cluster is and how it stands: what every result about one cluster starts with. */
export interface ClusterEndpoints {
  clusterId: string;
  arn: string;
  status: string;
  endpoint?: string;
  readerEndpoint?: string;
  port?: number;
}

export interface ProvisionResult extends ClusterEndpoints {
  instanceId: string;
  sourceClusterId: string;
  sourceArn: string;
  /** A full copy of the root had to be made for this clone. */
  copyMade: boolean;
  copyClusterId?: string;
  dataTimestamp: string;
  passwordSecret?: string;
  kmsKeyId?: string;
  /** True when an earlier request with the same key had already made this clone. */
  reused: boolean;
  /** Set with status `waiting-for-copy`: the copy this request holds a slot on. */
  pendingCopy?: string;
  /** The warm clone this request claimed (its name before a rename), when it took one. */
  claimedWarmClone?: string;
  /**
   * Free clone slots of the root and its fresh copies once this request is done (the plan's count):
   * under a source's low-water mark, maintenance should run now rather than at its next schedule.
   */
  freeCapacity?: number;
  dryRun: boolean;
  /** The plan made first (a dry run's plan for the same state). */
  plan: Plan;
  /** The steps applied, in order; in the usual case exactly the plan's steps. */
  applied: AppliedSummary[];
}

export interface DeleteRequest {
  /** Cluster id or ARN. */
  clusterId: string;
  wait?: boolean;
  /** Default true; false with finalSnapshotId keeps a final snapshot. */
  skipFinalSnapshot?: boolean;
  finalSnapshotId?: string;
  dryRun?: boolean;
  /**
   * A cluster that does not exist is a ClusterNotFoundError unless this is true; then it counts as
   * already deleted (`alreadyGone`), as a repeated CloudFormation Delete needs.
   */
  ignoreMissing?: boolean;
}

export interface DeleteResult {
  clusterId: string;
  arn?: string;
  /** False when the cluster was already gone (still a success). */
  deleted: boolean;
  alreadyGone: boolean;
  instancesDeleted: string[];
  secretDeleted?: string;
  kmsKeyScheduledForDeletion?: string;
  dryRun: boolean;
  plan: Plan;
}

/** One entry of the maintenance config (JSON; in Lambda read from SSM). */
export interface MaintenanceSource {
  clusterId: string;
  targetCloneSlots: number;
  maxCopyAge?: string;
  maxClonesPerSource?: number;
  copyInstanceClass?: string;
  purgeObsoleteCopies?: boolean;
  /** Delete clones whose expires-at has passed (default true). */
  deleteExpiredClones?: boolean;
  /**
   * Ceiling of the free slots kept ready; targetCloneSlots is the floor and the demand seen decides
   * in between (default: the floor or three copies' worth, whichever is more).
   */
  maxCloneSlots?: number;
  /**
   * Free slots wanted = the most requests in one window this long around the same hours on each of
   * the last 7 days (default PT3H, at most P1D).
   */
  demandWindow?: string;
  /** A provision leaving fewer free slots starts maintenance at once (default 5). */
  lowWaterSlots?: number;
  /**
   * Clones kept fully made (cluster and writer), claimed by requests in seconds (default 0); `demand`:
   * as many as the most requests in one hour around the coming hours on the last 7 days (at most 50).
   */
  warmClones?: number | 'demand';
  /** Warm clones older than this are replaced with fresh ones (default PT12H). */
  warmCloneTtl?: string;
  /** Default: the root writer's class, which requests without an instance class get. */
  warmCloneInstanceClass?: string;
  /**
   * Copies and warm clones whose class is db.serverless run at 0 ACUs minimum and pause after 5
   * minutes without connections: they cost storage only while they wait (default false; the engine
   * version must support 0 ACUs).
   */
  pauseWhenIdle?: boolean;
  dryRun?: boolean;
}

export interface MaintenanceReport {
  clusterId: string;
  ok: boolean;
  error?: string;
  dryRun: boolean;
  plan?: Plan;
  created: string[];
  deleted: string[];
  capacityBefore?: number;
  capacityAfter?: number;
  /** Warm clones made by this run (creating; ready in minutes). */
  warmMade?: string[];
  /** Why warm clones wanted were not made (no free slot yet: the copies just started make room). */
  warmNotMade?: string;
}

export interface PoolMember {
  clusterId: string;
  arn: string;
  role: 'root' | 'copy' | 'clone';
  status: string;
  dataTimestamp: string;
  ageMs: number;
  sourceClusterId?: string;
  owner?: string;
  expiresAt?: string;
  /** For the root and copies. */
  used?: number;
  free?: number;
  obsolete?: boolean;
  /** Clusters counted on this source that the manager did not make. */
  unmanaged?: string[];
  /** Available but without any instance: unusable, holding a slot (a crash left it half made). */
  noWriter?: boolean;
  /** A warm clone waiting to be claimed: its writer class, and the instance-hours it has run unclaimed. */
  warm?: { instanceClass: string; idleInstanceHours: number };
}

/**
 * One cluster as the manager describes it, from its own fields and the manager's tags: what
 * `listClusters` lists, what `getClone` returns, what the Lambda reports (CloudFormation attributes,
 * ready events). The tag-derived fields are undefined for a cluster the manager did not make.
 */
export interface CloneDescription extends ClusterEndpoints {
  masterUsername?: string;
  databaseName?: string;
  /** The root of its pool: the cluster whose clones and copies it counts among. */
  rootClusterId?: string;
  /**
   * The cluster it was cloned from (the root or a copy), or copied from (the root), as in
   * ProvisionResult and CloudFormation's `SourceClusterId` attribute.
   */
  sourceClusterId?: string;
  dataTimestamp?: string;
  /** ISO-8601: when RDS created the cluster. */
  createdAt?: string;
  /** ISO-8601, clones only: maintenance deletes the clone after this; undefined: it never expires. */
  expiresAt?: string;
  owner?: string;
  /** The idempotency key of the request that made it. */
  requestKey?: string;
  /** The generated password's secret, or RDS's own when it manages the password. */
  passwordSecret?: string;
  kmsKeyId?: string;
  /** The manager id tagged on it; undefined when the cluster is not the manager's. */
  managerId?: string;
  role?: Role;
  passwordPending: boolean;
  /** A warm clone not claimed yet: its writer's instance class. */
  warm?: string;
  /** Available but without any instance: unusable as it is (a request stopped before its writer). */
  noWriter?: boolean;
}

/** `getClone`: a cluster's description and whether it can be used now. */
export interface CloneDetails extends CloneDescription {
  /** The cluster and its writer instance are available. */
  ready: boolean;
  /** For people: `available`, `cluster creating`, `writer x-writer backing-up`, … */
  readiness: string;
}

/** Which of the manager's clusters `listClusters` returns; each field given narrows the list. */
export interface ClusterFilter {
  /** The root (id or ARN): its clones and copies, and the clones of those copies. */
  sourceClusterId?: string;
  owner?: string;
  role?: Role;
  /** Clusters tagged with this manager id (default: those of every manager id). */
  managerId?: string;
  /** The clone a request made: its `requestKey` (ProvisionRequest). */
  requestKey?: string;
}

export interface ExtendRequest {
  /** The clone (id or ARN). */
  clusterId: string;
  /**
   * The clone expires this long from now (ISO-8601 duration such as PT8H, 8h, or ms), unless it
   * already expires later: an extension never shortens a clone's life.
   */
  ttl: string | number;
  /** Return the plan and change nothing. */
  dryRun?: boolean;
}

export interface ExtendResult {
  clusterId: string;
  arn: string;
  /** The expiry before this call (ISO-8601); undefined: the clone never expired. */
  previousExpiresAt?: string;
  /** The expiry the clone has after this call (in a dry run: would have); undefined: it never expires. */
  expiresAt?: string;
  /** The expiry moved (in a dry run: would move). */
  changed: boolean;
  dryRun: boolean;
  plan: Plan;
}

export interface CloneReadiness {
  /** For people: `cluster creating`, `writer x-writer backing-up`, `available`, `gone`. */
  status: string;
  /** The cluster and its writer are available. */
  ready: boolean;
  /** Undefined once the cluster is gone. */
  clone?: CloneDescription;
}

export interface PoolStatus {
  readAt: string;
  /** Warm clones waiting to be claimed, and the instance-hours they have run unclaimed so far. */
  warmClones?: { count: number; idleInstanceHours: number };
  root: PoolMember;
  copies: PoolMember[];
  clones: PoolMember[];
  freeCapacity: number;
  maxClonesPerSource: number;
  maxCopyAgeMs: number;
}

/** The library entry points (implemented in src/engine/api.ts). */
export type EngineApi = {
  provisionClone(request: ProvisionRequest, options?: ManagerOptions): Promise<ProvisionResult>;
  deleteClone(request: DeleteRequest, options?: ManagerOptions): Promise<DeleteResult>;
  maintainPool(sources: MaintenanceSource[], options?: ManagerOptions): Promise<MaintenanceReport[]>;
  describePool(sourceClusterId: string, options?: ManagerOptions): Promise<PoolStatus>;
  listClusters(filter?: ClusterFilter, options?: ManagerOptions): Promise<CloneDescription[]>;
  getClone(clusterIdOrArn: string, options?: ManagerOptions): Promise<CloneDetails>;
  extendClone(request: ExtendRequest, options?: ManagerOptions): Promise<ExtendResult>;
};
