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
  /** Maintenance making a warm clone: never claims one, and tags the new clone warm. */
  makeWarm?: boolean;
  /** With makeWarm and a db.serverless writer: down to 0 ACUs, paused while unclaimed. */
  pauseWhenIdle?: boolean;
}

/** One maintenance config entry, validated. */
export interface MaintenancePolicy {
  clusterId: string;
  /** Free clone slots to have ready over the root and fresh copies: the floor. */
  targetCloneSlots: number;
  maxClonesPerSource: number;
  maxCopyAgeMs: number;
  /** Default: the root writer's instance class. */
  copyInstanceClass?: string;
  purgeObsoleteCopies: boolean;
  deleteExpiredClones: boolean;
  /**
   * Ceiling of the free slots maintenance keeps; between the two, demand decides (equal to the floor:
   * a fixed target, and copies are kept until obsolete).
   */
  maxCloneSlots: number;
  /**
   * How far ahead spare slots must last (a copy's build time plus the time to the next run): free
   * slots wanted = the most requests in a window this long around the same hours on each of the last
   * 7 days.
   */
  demandWindowMs: number;
  /** A provision that leaves fewer free slots starts a maintenance run (the Lambda) or says to (the CLI). */
  lowWaterSlots: number;
  /** Clones kept fully made, ready to be claimed by a request in seconds; `demand`: sized by the demand model. */
  warmClones: number | 'demand';
  warmCloneTtlMs: number;
  /** Default: the root writer's class (what a request without an instance class gets). */
  warmCloneInstanceClass?: string;
  /** db.serverless copies and warm clones go down to 0 ACUs and pause while idle. */
  pauseWhenIdle: boolean;
}
