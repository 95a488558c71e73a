// Clusters the manager started and a crash left half made: a copy or clone restored whose writer
// instance was never created. Such a cluster holds a clone slot (and bills storage) but can never be
// used. After a grace period, long enough for its maker (or a retry of it) to finish the job, a copy
// gets its writer (it is still a good pool member) and a clone is deleted (its requester got an
// error, or comes back with its request key and is served by the reuse path meanwhile).
import type { ClusterInfo } from '../model/inventory.ts';
import type { Step } from '../model/plan.ts';
import { TAG_PREFIX } from '../model/tags.ts';
import { formatDuration } from '../util/duration.ts';
import type { Pool } from './pool.ts';
import { blocker, type Deletions, deleteStep } from './purge.ts';

/** How long a new cluster may stay without a writer before it counts as stranded. */
export const STRANDED_AFTER_MS = 15 * 60_000;

/** An available cluster of the manager, without any instance, older than the grace period. */
export function isStranded(c: ClusterInfo, now: Date): boolean {
  if (c.status !== 'available' || c.members.length > 0 || !c.managed) return false;
  const since = c.createdAt?.getTime() ?? now.getTime();
  return now.getTime() - since >= STRANDED_AFTER_MS;
}

export function planStranded(
  pool: Pool,
  instanceIdFor: (clusterId: string) => string,
  instanceClass: string,
): Deletions & { repairs: Step[] } {
  const now = pool.options.now;
  const out: Deletions & { repairs: Step[] } = { steps: [], notes: [], repairs: [] };
  const age = (c: ClusterInfo) => formatDuration(now.getTime() - (c.createdAt?.getTime() ?? now.getTime()));
  for (const copy of pool.copies) {
    const c = copy.cluster;
    if (!copy.owned || !isStranded(c, now)) continue;
    out.repairs.push({
      kind: 'copy-writer',
      clusterId: c.id,
      instanceId: instanceIdFor(c.id),
      instanceClass,
      engine: c.engine,
      tags: Object.entries(c.tags)
        .filter(([k]) => k.startsWith(TAG_PREFIX))
        .map(([Key, Value]) => ({ Key, Value })),
      reason: `copy ${c.id} has had no writer instance for ${age(c)} (its maker stopped before creating one): it gets one now, so it can be cloned`,
    });
  }
  for (const clone of pool.clones) {
    const c = clone.cluster;
    if (!clone.owned || !isStranded(c, now)) continue;
    const why = blocker(c);
    if (why) {
      out.notes.push(`clone ${c.id} without a writer not deleted now: ${why}; the next run retries`);
      continue;
    }
    out.steps.push(
      deleteStep(
        c,
        'clone',
        'abandoned',
        `clone ${c.id} has had no writer instance for ${age(c)} (its maker stopped before creating one): it can never be used and holds a slot on ${clone.sourceClusterId}`,
      ),
    );
  }
  return out;
}
