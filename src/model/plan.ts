// A plan is data: serialisable, versioned, every step carrying the reason for it. The planner makes
// it from (inventory, lease state, request or policy, now, ids) without I/O; the executor applies it
// step by step and reports what it did; a dry run prints it. Nothing else changes a plan.
import type { PasswordRequest } from './api.ts';
import type { ServerlessV2Scaling } from './inventory.ts';
import type { ProvisionPolicy } from './policy.ts';
import type { Tag } from './tags.ts';

export const PLAN_VERSION = 2;

/** How one candidate source looked when the plan was made, and whether it was usable. */
export interface SourceAssessment {
  clusterId: string;
  arn: string;
  kind: 'root' | 'copy';
  status: string;
  /** Clones counted against this source (not deleting), plus slots reserved by waiting requests. */
  used: number;
  free: number;
  /** ISO-8601 instant the data was taken from the root. */
  dataTimestamp: string;
  ageMs: number;
  obsolete: boolean;
  /** Fresh enough for this request (not obsolete, after copyCreatedSince). */
  fresh: boolean;
  cloneable: boolean;
  /** Why this source was not chosen, when it was not. */
  skipped?: string;
  /** The manager id tagged on a copy (absent for the root and for untagged legacy copies). */
  manager?: string;
  /** This manager may clone from it (the root, or one of its own copies). */
  owned?: boolean;
  /** Its free slots are part of the free capacity (the root, and this manager's fresh copies). */
  counted?: boolean;
  /** Clusters counted on it that the manager did not make (made by hand, by another tool…). */
  unmanaged?: string[];
}

interface StepBase {
  reason: string;
  /**
   * Applied while holding the root's lease: restores, whose slot count must not change between the
   * read and the call, the writer of a copy (so no copy is ever left without one by this run), and a
   * clone's new expiry (maintenance decides which clones have expired under the same lease).
   */
  underLease?: boolean;
}

/** Where a new cluster lands; the planner fills each from the request or the source. */
export interface RestoreSettings {
  subnetGroup?: string;
  securityGroupIds: string[];
  clusterParameterGroup?: string;
  /** Set when the writer is `db.serverless`: a cluster needs a capacity range before such an instance. */
  serverlessV2?: ServerlessV2Scaling;
}

/** Full-copy restore of the root: a new pool member with fresh clone slots. */
export interface CopyStep extends StepBase {
  kind: 'copy';
  clusterId: string;
  rootClusterId: string;
  rootArn: string;
  engine: string;
  /** ISO-8601: the copy's data is the root's as of this instant. */
  dataTimestamp: string;
  restore: RestoreSettings;
  tags: Tag[];
}

/** The writer instance a new cluster needs before it can be used or cloned. */
export interface WriterStep extends StepBase {
  kind: 'copy-writer' | 'clone-writer';
  clusterId: string;
  instanceId: string;
  instanceClass: string;
  engine: string;
  parameterGroup?: string;
  tags: Tag[];
}

/**
 * Wait until a copy that is still being made can be cloned. The plan's lease state holds a slot on
 * it for this request meanwhile. `once`: look once and return if it is not ready (the caller comes
 * back with the same request key).
 */
export interface WaitCopyStep extends StepBase {
  kind: 'wait-copy';
  clusterId: string;
  arn: string;
  /** The clone this request will make from it. */
  cloneId: string;
  once: boolean;
  /**
   * A copy available this long after its creation with no writer instance was left half made (its
   * maker stopped): the wait ends so the request plans again (and repairs it).
   */
  stalledAfterMs: number;
}

/** Copy-on-write restore: the clone itself. */
export interface CloneStep extends StepBase {
  kind: 'clone';
  clusterId: string;
  /** The source to restore from: the root or a copy (possibly one made by an earlier step). */
  sourceClusterId: string;
  sourceArn: string;
  rootArn: string;
  /** The ARN the clone will have (same account and Region as the root). */
  arn: string;
  dataTimestamp: string;
  restore: RestoreSettings;
  tags: Tag[];
  /** The source is the copy made or waited for by an earlier step of this plan. */
  sourceCreatedInPlan?: boolean;
}

/**
 * SetPassword: `prepare` makes the secret (and a key when asked) and tags the clone as pending
 * before its writer exists; `apply` sets the pending password once the clone is available.
 */
export interface PasswordStep extends StepBase {
  kind: 'password';
  action: 'prepare' | 'apply';
  clusterId: string;
  arn: string;
  request?: PasswordRequest;
}

/** Wait until the cluster and its writer instance are available. */
export interface WaitStep extends StepBase {
  kind: 'wait';
  clusterId: string;
  instanceId: string;
}

/** Instances, then the cluster, then its password secret and any key made for it. */
export interface DeleteStep extends StepBase {
  kind: 'delete';
  /**
   * purge: an obsolete copy; expired: a clone past its expiry; requested: the user asked;
   * abandoned: a clone whose maker stopped before giving it a writer (it only holds a slot).
   */
  purpose: 'purge' | 'expired' | 'requested' | 'abandoned';
  clusterId: string;
  arn: string;
  role: 'clone' | 'copy';
  instanceIds: string[];
  passwordSecret?: string;
  /** A KMS key the manager created for this clone's secret: scheduled for deletion with it. */
  createdKeyId?: string;
  /** For a copy: the clones still using it when the plan was made. */
  liveClones?: number;
}

/** An earlier request with the same idempotency key already made this clone. */
export interface ReuseStep extends StepBase {
  kind: 'reuse';
  clusterId: string;
  arn: string;
  /** Restored for this very request by another request's lease hold (it waited in the queue). */
  servedBy?: string;
}

/**
 * Sets tags on a cluster the manager made, keeping its other tags: a clone's new expiry (and later,
 * re-tagging warm clones).
 */
export interface TagStep extends StepBase {
  kind: 'tag';
  clusterId: string;
  arn: string;
  tags: Tag[];
  /** Tag keys removed first (a served clone's provisional expiry, for a request without one). */
  removeKeys?: string[];
}

/**
 * A warm clone made ahead of demand becomes this request's clone: under the root's lease its warm
 * tag goes and the request's own tags (owner, key, expiry) are set, so no other request can claim
 * it; then it takes the name the request asked for, if any.
 */
export interface ClaimStep extends StepBase {
  kind: 'claim';
  /** The warm clone's identifier when the plan was made. */
  clusterId: string;
  arn: string;
  /** The name the request asked for, when it differs: ModifyDBCluster NewDBClusterIdentifier. */
  newClusterId?: string;
  instanceId: string;
  sourceClusterId: string;
  sourceArn: string;
  dataTimestamp: string;
  tags: Tag[];
  removeKeys: string[];
}

export type Step =
  | ClaimStep
  | CopyStep
  | WriterStep
  | WaitCopyStep
  | CloneStep
  | PasswordStep
  | WaitStep
  | DeleteStep
  | ReuseStep
  | TagStep;

/** A request waiting for a slot on a copy that is not ready yet; kept in the root's lease item. */
export interface Reservation {
  requestKey: string;
  /** The copy (ARN) the slot is held on. */
  sourceArn: string;
  /** The clone id this request will create, fixed once so retries and continuations agree. */
  clusterId: string;
  expiresAt: string;
}

/** Requests asked of a root per hour (the hour's ISO start → count): what maintenance sizes the pool by. */
export type DemandCounts = Record<string, number>;

/** A cluster restored under the lease (clone or copy), read again by id by the next holders for a while. */
export interface RecentRestore {
  clusterId: string;
  at: string;
}

/**
 * A request waiting for the root's lease, as it asked (its policy, validated) and with the id suffix
 * its names take: the holder may restore its clone in the same hold as its own (docs/concurrency.md).
 */
export interface QueuedRequest {
  requestKey: string;
  /** This wait's own id: a served entry is for this waiter only, not for a later request with the same key. */
  ticket: string;
  /** Only a holder of the same manager deployment serves it (its clones carry the manager's tags). */
  managerId: string;
  /** When the waiter last said it is still waiting (it renews this while it waits). */
  at: string;
  idSuffix: string;
  policy: ProvisionPolicy;
}

/** A queued request a holder restored the clone of: the waiter goes on from there without the lease. */
export interface ServedRequest {
  requestKey: string;
  ticket: string;
  clusterId: string;
  /** Free clone slots of the pool once the hold's restores were done (the waiter's own read is older). */
  freeCapacity?: number;
  at: string;
  /** The request key of the holder that restored it. */
  by: string;
}

export interface LeaseState {
  reservations: Reservation[];
  /** Kept in the lease item because clones that are gone leave no trace in the inventory. */
  demand?: DemandCounts;
  recent?: RecentRestore[];
  /** Requests waiting for the lease; a holder takes out those it served. */
  queued?: QueuedRequest[];
  /** Recently served queued requests, read by their waiters. */
  served?: ServedRequest[];
}

export interface Plan {
  version: typeof PLAN_VERSION;
  operation: 'provision' | 'maintain' | 'delete' | 'extend';
  rootClusterId: string;
  createdAt: string;
  sources: SourceAssessment[];
  steps: Step[];
  /** The root's lease state once the steps under the lease are done (provision and maintenance). */
  lease?: LeaseState;
  /** Free clone slots over the root and fresh copies, before and after the plan. */
  capacityBefore?: number;
  capacityAfter?: number;
  /** Maintenance: warm clones to make once the steps are done (each is a provision of its own). */
  warmToMake?: number;
  notes: string[];
}
