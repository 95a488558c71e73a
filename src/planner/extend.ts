// Planning a clone's extension: a later `expires-at` tag, never an earlier one. Only this manager's
// clones have a time to live: copies and roots are refused, and so are another manager's clone
// (as delete refuses it) and a clone already being deleted.

import type { ClusterInfo } from '../model/inventory.ts';
import { PLAN_VERSION, type Plan } from '../model/plan.ts';
import { TAG } from '../model/tags.ts';
import { formatDuration } from '../util/duration.ts';
import { NotManagedError } from '../util/errors.ts';
import { clusterIdFromArn } from './pool.ts';

export interface ExtendInput {
  /** The cluster as read now. */
  cluster: ClusterInfo;
  /** The clone expires this long after `now`, unless it already expires later. */
  ttlMs: number;
  managerId: string;
  now: Date;
  /** Instances of the cluster being deleted (maintenance or a delete has started on it). */
  instancesDeleting?: string[];
}

/**
 * The plan that moves the clone's expiry to now + ttl: one `tag` step under the root's lease (the
 * lease maintenance decides on expiries under), or no step when the clone already expires later or
 * never. Throws NotManagedError.
 */
export function planExtend(input: ExtendInput): Plan {
  const { cluster, ttlMs, managerId, now } = input;
  const m = cluster.managed;
  if (!m) {
    throw new NotManagedError(cluster.id, 'it is not tagged as a clone made by the clone manager');
  }
  const rootClusterId = clusterIdFromArn(m.rootArn);
  if (m.role !== 'clone') {
    throw new NotManagedError(
      cluster.id,
      `it is a copy in the pool of ${rootClusterId}: copies have no time to live (maintenance purges them by age)`,
    );
  }
  if (m.manager !== undefined && m.manager !== managerId) {
    throw new NotManagedError(cluster.id, `it belongs to manager ${m.manager}, not ${managerId}`);
  }
  if (cluster.status === 'deleting') {
    throw new NotManagedError(cluster.id, 'it is being deleted');
  }
  if (input.instancesDeleting?.length) {
    throw new NotManagedError(
      cluster.id,
      `it is being deleted (its instance ${input.instancesDeleting.join(', ')} is going; it had expired or was deleted)`,
    );
  }
  const plan: Plan = {
    version: PLAN_VERSION,
    operation: 'extend',
    rootClusterId,
    createdAt: now.toISOString(),
    sources: [],
    steps: [],
    notes: [],
  };
  const wanted = new Date(now.getTime() + ttlMs);
  const ttl = formatDuration(ttlMs);
  const current = m.expiresAt;
  if (!current) {
    plan.notes.push(
      `clone ${cluster.id} has no expiry (it is kept until deleted): an extension never shortens a clone's life, so nothing changes`,
    );
    return plan;
  }
  if (current.getTime() >= wanted.getTime()) {
    plan.notes.push(
      `clone ${cluster.id} already expires at ${current.toISOString()}, not before now + ${ttl} (${wanted.toISOString()}): an extension never shortens a clone's life, so nothing changes`,
    );
    return plan;
  }
  const was =
    current.getTime() <= now.getTime()
      ? `expired at ${current.toISOString()} (${formatDuration(now.getTime() - current.getTime())} ago) and is not deleted yet`
      : `expires at ${current.toISOString()}`;
  plan.steps.push({
    kind: 'tag',
    clusterId: cluster.id,
    arn: cluster.arn,
    tags: [{ Key: TAG.expiresAt, Value: wanted.toISOString() }],
    underLease: true,
    reason: `clone ${cluster.id} ${was}; now + ${ttl} is ${wanted.toISOString()}: maintenance deletes it after that instead`,
  });
  return plan;
}
