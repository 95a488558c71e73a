// Planning the deletion of one clone or copy (behaviour.md §7). The manager only deletes what its
// own tags say it made; the root and untagged clusters are refused. A cluster that does not exist is
// an error unless the caller says it may already be gone (the Lambda does, so a repeated
// CloudFormation Delete is harmless).

import type { Inventory } from '../model/inventory.ts';
import { PLAN_VERSION, type Plan } from '../model/plan.ts';
import { ClusterNotFoundError, NotManagedError } from '../util/errors.ts';
import { cloneCounts, clusterIdFromArn, findCluster } from './pool.ts';
import { deleteStep } from './purge.ts';

export interface PlanDeleteOptions {
  /** A cluster that does not exist is a plan with nothing to do instead of a ClusterNotFoundError. */
  ignoreMissing?: boolean;
}

/**
 * The plan to delete `clusterIdOrArn`. Throws NotManagedError when the cluster is not tagged with
 * the manager's clone or copy role, belongs to another manager id, or is the root of a pool made
 * from clusters of the inventory; ClusterNotFoundError when it does not exist (unless
 * `ignoreMissing`). `now` only stamps the plan; it defaults to the inventory's read time. When the
 * cluster is already gone its root is unknown, so the plan's rootClusterId is empty.
 */
export function planDelete(
  inventory: Inventory,
  clusterIdOrArn: string,
  managerId: string,
  now: Date = inventory.readAt,
  options: PlanDeleteOptions = {},
): Plan {
  const plan: Plan = {
    version: PLAN_VERSION,
    operation: 'delete',
    rootClusterId: '',
    createdAt: now.toISOString(),
    sources: [],
    steps: [],
    notes: [],
  };
  const cluster = findCluster(inventory, clusterIdOrArn);
  if (!cluster) {
    if (!options.ignoreMissing) throw new ClusterNotFoundError(clusterIdOrArn);
    plan.notes.push(`cluster ${clusterIdOrArn} does not exist (already deleted): nothing to do`);
    return plan;
  }
  const m = cluster.managed;
  if (!m) {
    throw new NotManagedError(cluster.id, 'it is not tagged as a clone or copy made by the clone manager');
  }
  if (m.manager !== undefined && m.manager !== managerId) {
    throw new NotManagedError(cluster.id, `it belongs to manager ${m.manager}, not ${managerId}`);
  }
  const dependants = inventory.clusters.filter((c) => c.managed?.rootArn === cluster.arn).length;
  if (dependants > 0) {
    throw new NotManagedError(
      cluster.id,
      `it is the root of a pool (${dependants} clusters were made from it)`,
    );
  }
  plan.rootClusterId = clusterIdFromArn(m.rootArn);
  if (cluster.status === 'deleting') {
    plan.notes.push(`cluster ${cluster.id} is already being deleted: nothing to do`);
    return plan;
  }
  const step = deleteStep(
    cluster,
    m.role,
    'requested',
    `requested deletion of ${m.role} ${cluster.id}${m.owner ? ` (owner ${m.owner})` : ''}: its instances first, then the cluster`,
  );
  if (m.role === 'copy') {
    const live = cloneCounts(inventory.clusters).get(cluster.arn) ?? 0;
    step.liveClones = live;
    if (live > 0) plan.notes.push(`${live} clone(s) of copy ${cluster.id} remain; they keep their own data`);
  }
  if (cluster.deletionProtection) {
    plan.notes.push(
      `cluster ${cluster.id} has deletion protection on: the delete fails until it is turned off`,
    );
  }
  plan.steps.push(step);
  return plan;
}
