// A plan is data: serialisable, versioned, every step carrying the reason for it. The planner makes
// it from (inventory, request or policy, now, id generator) without I/O; the executor applies it;
// a dry run prints it.

export const PLAN_VERSION = 1;

/** How one candidate source looked when the plan was made, and whether it was usable. */
export interface SourceAssessment {
  clusterId: string;
  arn: string;
  kind: 'root' | 'copy';
  status: string;
  /** Clones counted against this source (not deleting). */
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
}

export interface CloneStep {
  kind: 'clone';
  clusterId: string;
  instanceId: string;
  instanceClass: string;
  /** The source to restore from: the root or a copy (possibly one created by an earlier step). */
  sourceClusterId: string;
  sourceArn: string;
  rootArn: string;
  dataTimestamp: string;
  reason: string;
  /**
   * The source is the copy made by an earlier step of this plan: its ARN is derived from the root's
   * (same account and region) and the executor must take the data timestamp from the copy once made.
   */
  sourceCreatedInPlan?: boolean;
}

export interface CopyStep {
  kind: 'copy';
  clusterId: string;
  instanceId: string;
  instanceClass: string;
  rootClusterId: string;
  rootArn: string;
  reason: string;
}

export interface DeleteStep {
  kind: 'delete';
  clusterId: string;
  arn: string;
  role: 'clone' | 'copy';
  instanceIds: string[];
  reason: string;
  /** For a copy: the clones still using it when the plan was made (the executor may re-check). */
  liveClones?: number;
}

/** An earlier request with the same idempotency key already made this clone. */
export interface ReuseStep {
  kind: 'reuse';
  clusterId: string;
  arn: string;
  reason: string;
}

export type Step = CloneStep | CopyStep | DeleteStep | ReuseStep;

export interface Plan {
  version: typeof PLAN_VERSION;
  operation: 'provision' | 'maintain' | 'delete';
  rootClusterId: string;
  createdAt: string;
  sources: SourceAssessment[];
  steps: Step[];
  /** Free clone slots over the root and fresh copies, before and after the plan. */
  capacityBefore?: number;
  capacityAfter?: number;
  notes: string[];
}

export function assertPlanVersion(plan: { version?: unknown }): asserts plan is Plan {
  if (plan.version !== PLAN_VERSION) {
    throw new Error(`plan version ${String(plan.version)} is not supported (expected ${PLAN_VERSION})`);
  }
}
