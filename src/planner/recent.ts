// Restores made under a root's lease in the last half hour, kept in its lease item. The next holder
// reads these clusters again by id: whether AWS reports a brand-new clone's CloneGroupId while it is
// still `creating` is not confirmed, and a clone missing from its group's read would not be counted.
import type { LeaseState, RecentRestore } from '../model/plan.ts';

/** Long enough for any new cluster to show its clone group; short enough to keep the item small. */
export const RECENT_RESTORE_MS = 30 * 60_000;

/** The restores still recent at `now`. */
export function recentRestores(lease: LeaseState | undefined, now: Date): RecentRestore[] {
  return (lease?.recent ?? []).filter(
    (r) => typeof r.clusterId === 'string' && now.getTime() - Date.parse(r.at) < RECENT_RESTORE_MS,
  );
}

/** The lease state with these new clusters added to the recent restores (and old ones dropped). */
export function withRecentRestores(lease: LeaseState, clusterIds: readonly string[], now: Date): LeaseState {
  if (clusterIds.length === 0) return lease;
  const at = now.toISOString();
  return {
    ...lease,
    recent: [...recentRestores(lease, now), ...clusterIds.map((clusterId) => ({ clusterId, at }))],
  };
}
