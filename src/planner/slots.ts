// What occupies a source's clone slots, counted as AWS counts them. AWS does not refuse a 16th
// copy-on-write restore (it silently makes a full copy), so every doubt is resolved by counting:
// - every cluster in the source's clone group (CloneGroupId) except the source itself, this pool's
//   root, the manager's own full copies and the manager's clones attributed to another source of
//   the pool (a full copy may inherit its source's group id, as point-in-time restores do); clones
//   made by hand, by CloudFormation's own restore or by another tool count, unless the user tagged
//   them `aurora-clone-manager:not-a-clone=true` (e.g. their own point-in-time restore);
// - the manager's clones of the source and clones of those clones, whatever their group id;
// - clusters in `deleting`: they hold their slot until they are gone;
// - slots reserved by requests waiting for a copy still being made.
import type { ClusterInfo } from '../model/inventory.ts';
import type { Reservation } from '../model/plan.ts';
import { TAG } from '../model/tags.ts';

export interface SlotUse {
  /** Slots taken, reservations included. */
  used: number;
  /** Clusters counted on this source that the manager did not make (ids). */
  unmanaged: string[];
  /** Of `used`, the slots held by requests waiting for this copy. */
  reserved: number;
  /** Of `used`, clusters being deleted (their slot is free once they are gone). */
  deleting: number;
}

/** True for a cluster its owner marked as no clone (it is never counted). */
function markedNotAClone(c: ClusterInfo): boolean {
  return c.tags[TAG.notAClone] === 'true';
}

/**
 * Slot use per source ARN for the sources of one pool (the root and its copies).
 * `sources` must hold the root first.
 */
export function slotUse(
  clusters: readonly ClusterInfo[],
  sources: readonly ClusterInfo[],
  reservations: readonly Reservation[] = [],
): Map<string, SlotUse> {
  const byArn = new Map(clusters.map((c) => [c.arn, c]));
  const sourceArns = new Set(sources.map((s) => s.arn));
  const rootArn = sources[0]?.arn;
  // The pool source a manager clone ultimately descends from (following source-arn through clones).
  const origin = new Map<string, string | undefined>();
  const originOf = (c: ClusterInfo, seen = new Set<string>()): string | undefined => {
    if (origin.has(c.arn)) return origin.get(c.arn);
    const parent = c.managed?.role === 'clone' ? c.managed.sourceArn : undefined;
    let found: string | undefined;
    if (parent && sourceArns.has(parent)) found = parent;
    else if (parent && !seen.has(parent)) {
      seen.add(c.arn);
      const up = byArn.get(parent);
      found = up ? originOf(up, seen) : undefined;
    }
    origin.set(c.arn, found);
    return found;
  };

  const out = new Map<string, SlotUse>();
  for (const source of sources) {
    const counted = new Set<string>();
    const unmanaged: string[] = [];
    for (const c of clusters) {
      if (c.arn === source.arn || c.arn === rootArn || markedNotAClone(c)) continue;
      if (c.managed?.role === 'clone' && originOf(c) === source.arn) {
        counted.add(c.arn);
        continue;
      }
      const sameGroup = source.cloneGroupId !== undefined && c.cloneGroupId === source.cloneGroupId;
      if (!sameGroup || c.managed?.role === 'copy') continue;
      if (c.managed?.role === 'clone' && originOf(c) !== undefined) continue;
      counted.add(c.arn);
      if (!c.managed) unmanaged.push(c.id);
    }
    const reserved = reservations.filter((r) => r.sourceArn === source.arn).length;
    const deleting = clusters.filter((c) => counted.has(c.arn) && c.status === 'deleting').length;
    out.set(source.arn, { used: counted.size + reserved, unmanaged, reserved, deleting });
  }
  return out;
}
