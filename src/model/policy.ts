// Requests and policies after validation at the edge: defaults applied, durations in milliseconds,
// instants as Dates. The planner takes these and nothing rawer.
import type { PasswordRequest } from './api.ts';

/** A provision request, validated. */
export interface ProvisionPolicy {
  sourceClusterId: string;
  /** The clone's id; generated as `<source>-<suffix>` when absent. */
  clusterId?: string;
  /** Default: the root writer's instance class. */
  instanceClass?: string;
  maxClonesPerSource: number;
  maxCopyAgeMs: number;
  copyCreatedSince?: Date;
  copyOk: boolean;
  purgeObsoleteCopies: boolean;
  noFailOnExistingCluster: boolean;
  /** Idempotency key, tagged as `request` on the clone (the engine draws one when the caller gave none). */
  requestKey?: string;
  owner?: string;
  /** Time to live: the clone's `expires-at` is now + ttlMs. */
  ttlMs?: number;
  /** The user's own tags (never the manager's). */
  tags?: Record<string, string>;
  /** Restore settings; each defaults to the source's. */
  dbSubnetGroupName?: string;
  vpcSecurityGroupIds?: string[];
  dbClusterParameterGroupName?: string;
  /** The writer's parameter group; default the root writer's. */
  dbParameterGroupName?: string;
  password?: PasswordRequest;
  /** Wait until the clone and its writer are available (default false). */
  wait?: boolean;
  /** When a full copy must be waited for, wait for it (default true); false returns while it is made. */
  waitForCopy?: boolean;
}

/** One maintenance config entry, validated. */
export interface MaintenancePolicy {
  clusterId: string;
  /** Free clone slots to have ready over the root and fresh copies. */
  targetCloneSlots: number;
  maxClonesPerSource: number;
  maxCopyAgeMs: number;
  /** Default: the root writer's instance class. */
  copyInstanceClass?: string;
  purgeObsoleteCopies: boolean;
  deleteExpiredClones: boolean;
}
