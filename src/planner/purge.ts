// Deletions the planners schedule on their own: obsolete copies, expired clones, and (maintenance
// only) copies nothing uses that the hours ahead do not need. All only ever touch clusters carrying
// this manager's copy or clone role; the root is never among the candidates.

import type { ClusterInfo, Inventory } from '../model/inventory.ts';
import type { DeleteStep } from '../model/plan.ts';
import { formatDuration } from '../util/duration.ts';
import { cloneCounts, type Pool, type PoolSource } from './pool.ts';

/**
 * Statuses in which RDS accepts DeleteDBCluster. Transitional ones (creating, modifying,
 * backing-up…) would fail the call, so such clusters are left for the next run.
 */
const DELETABLE = new Set([
  'available',
  'stopped',
  'failed',
  'inaccessible-encryption-credentials',
  'incompatible-parameters',
  'incompatible-restore',
  'incompatible-network',
]);

export interface Deletions {
  steps: DeleteStep[];
  notes: string[];
}

/** The one way a managed cluster is deleted: its instances, the cluster, its secret and key. */
export function deleteStep(
  cluster: ClusterInfo,
  role: 'clone' | 'copy',
  purpose: DeleteStep['purpose'],
  reason: string,
): DeleteStep {
  const step: DeleteStep = {
    kind: 'delete',
    purpose,
    clusterId: cluster.id,
    arn: cluster.arn,
    role,
    instanceIds: cluster.members.map((m) => m.instanceId),
    reason,
  };
  const m = cluster.managed;
  if (m?.passwordSecret) step.passwordSecret = m.passwordSecret;
  if (m?.passwordKeyCreated && m.passwordKey) step.createdKeyId = m.passwordKey;
  return step;
}

export function blocker(c: ClusterInfo): string | undefined {
  if (c.deletionProtection) return 'deletion protection is on';
  if (!DELETABLE.has(c.status)) return `status is ${c.status}`;
  return undefined;
}

/** This manager's clones whose `expires-at` has passed. */
export function planExpiredClones(pool: Pool): Deletions {
  const out: Deletions = { steps: [], notes: [] };
  const now = pool.options.now;
  for (const c of pool.clones) {
    if (!c.expired || !c.expiresAt || c.cluster.status === 'deleting') continue;
    if (!c.owned) {
      out.notes.push(`expired clone ${c.cluster.id} left alone: it belongs to manager ${c.manager}`);
      continue;
    }
    const why = blocker(c.cluster);
    if (why) {
      out.notes.push(`expired clone ${c.cluster.id} not deleted now: ${why}; the next run retries`);
      continue;
    }
    const late = formatDuration(now.getTime() - c.expiresAt.getTime());
    out.steps.push(
      deleteStep(
        c.cluster,
        'clone',
        'expired',
        `expired at ${c.expiresAt.toISOString()} (${late} ago); releases its slot on ${c.sourceClusterId}`,
      ),
    );
  }
  return out;
}

/**
 * This manager's obsolete copies. A copy that still has live clones is kept: AWS would let it go
 * (the clones keep their data), but we stay conservative, since those clones' `source-arn` tags would
 * then name a cluster that no longer exists. It is purged by the first run after its clones are gone.
 * Clones deleted by `alsoDeleting` (earlier steps of the same plan) do not keep a copy alive.
 */
export function planObsoleteCopies(
  pool: Pool,
  inventory: Inventory,
  alsoDeleting: readonly DeleteStep[] = [],
  reserved: ReadonlySet<string> = new Set(),
): Deletions {
  const out: Deletions = { steps: [], notes: [] };
  const gone = new Set(alsoDeleting.map((s) => s.arn));
  const live = cloneCounts(
    inventory.clusters.map((c) => (gone.has(c.arn) ? { ...c, status: 'deleting' } : c)),
  );
  const maxAge = formatDuration(pool.options.maxCopyAgeMs);
  for (const s of pool.copies) {
    const c = s.cluster;
    if (!s.obsolete || c.status === 'deleting') continue;
    if (!s.owned) {
      out.notes.push(`obsolete copy ${c.id} left alone: it belongs to manager ${s.manager}`);
      continue;
    }
    const why = blocker(c);
    if (why) {
      out.notes.push(`obsolete copy ${c.id} not purged now: ${why}; the next run retries`);
      continue;
    }
    if (reserved.has(c.arn)) {
      out.notes.push(`obsolete copy ${c.id} kept: requests are waiting for it (slots reserved)`);
      continue;
    }
    const clones = live.get(c.arn) ?? 0;
    if (clones > 0) {
      out.notes.push(
        `obsolete copy ${c.id} kept: ${clones} clone(s) still use it; purged once they are deleted`,
      );
      continue;
    }
    const step = deleteStep(
      c,
      'copy',
      'purge',
      `obsolete: data is ${formatDuration(s.ageMs)} old (taken ${s.dataTimestamp.toISOString()}), more than the maximum ${maxAge}; no clone uses it`,
    );
    step.liveClones = 0;
    out.steps.push(step);
  }
  return out;
}

/**
 * This manager's fresh copies with nothing on them (no clone, none being deleted, no slot held for a
 * waiting request) that could be deleted now, oldest data first: requests clone the newest copy
 * first, so the oldest drain first, and they would be the first to turn obsolete anyway. A copy
 * without a writer is one only if named in `unfinished` (past the grace its maker has). Whether the
 * pool can do without one is maintenance's call (src/planner/maintain.ts).
 */
export function idleCopies(pool: Pool, unfinished: ReadonlySet<string> = new Set()): PoolSource[] {
  return pool.copies
    .filter(
      (s) =>
        s.owned &&
        s.counted &&
        s.cluster.status === 'available' &&
        (s.cluster.members.length > 0 || unfinished.has(s.cluster.id)) &&
        s.used === 0 &&
        blocker(s.cluster) === undefined,
    )
    .sort((a, b) => a.dataTimestamp.getTime() - b.dataTimestamp.getTime());
}

/** The inventory as it will be once the given deletions are done. */
export function withoutDeleted(inventory: Inventory, steps: readonly DeleteStep[]): Inventory {
  const gone = new Set(steps.map((s) => s.arn));
  return { ...inventory, clusters: inventory.clusters.filter((c) => !gone.has(c.arn)) };
}
