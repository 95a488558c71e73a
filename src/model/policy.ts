// Requests and policies after validation at the edge: defaults applied, durations in milliseconds,
// instants as Dates. The planner takes these and nothing rawer.
import type { ProvisionRequest } from './api.ts';

/** A provision request, validated: the request's own fields, with durations and instants resolved. */
export interface ProvisionPolicy
  extends Pick<
    ProvisionRequest,
    | 'sourceClusterId'
    | 'clusterId'
    | 'instanceClass'
    | 'requestKey'
    | 'owner'
    | 'tags'
    | 'dbSubnetGroupName'
    | 'vpcSecurityGroupIds'
    | 'dbClusterParameterGroupName'
    | 'dbParameterGroupName'
    | 'password'
    | 'wait'
    | 'waitForCopy'
  > {
  maxClonesPerSource: number;
  maxCopyAgeMs: number;
  copyCreatedSince?: Date;
  copyOk: boolean;
  purgeObsoleteCopies: boolean;
  noFailOnExistingCluster: boolean;
  /** Time to live: the clone's `expires-at` is now + ttlMs. */
  ttlMs?: number;
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
