// Lookups of one Region's state that would otherwise scan every record on every request: the
// Describe orders, each cluster's instances, copy-on-write clones per volume, clone-group members,
// and the records in a transitional status (the only ones settle() has to look at). The state
// stays plain JSON for the state file; this is derived from it and rebuilt after a restore.

import { compareIds, SortedIds } from './sorted-ids.ts';
import type { ClusterRecord, InstanceRecord, RegionState } from './types.ts';

/** The copy-on-write tree a cluster belongs to (records written before it existed: its clone group). */
export function volumeGroupOf(c: ClusterRecord): string {
  return c.volumeGroupId ?? c.cloneGroupId;
}

const byId = (a: { id: string }, b: { id: string }): number => compareIds(a.id, b.id);
const isCopyOnWrite = (c: ClusterRecord): boolean => c.origin.kind === 'copy-on-write';

export class RegionIndex {
  readonly clusterIds = new SortedIds();
  readonly instanceIds = new SortedIds();
  /** Identifiers of records with an `until`; a record that lost it is dropped at the next settle. */
  readonly pendingClusters = new Set<string>();
  readonly pendingInstances = new Set<string>();
  /** Instances per cluster, oldest first (the writer first). */
  private readonly members = new Map<string, InstanceRecord[]>();
  private readonly copyOnWrite = new Map<string, number>();
  private readonly cloneGroups = new Map<string, Set<string>>();
  /** Identifiers that clusters in `renaming` are about to take (new → current), so none is reused meanwhile. */
  private readonly renameTargets = new Map<string, string>();

  /** The index of a Region's current records (after a restore from the state file, say). */
  static of(region: RegionState): RegionIndex {
    // In identifier order, so every insertion is an append.
    const index = new RegionIndex();
    for (const c of Object.values(region.clusters).sort(byId)) index.addCluster(c);
    for (const i of Object.values(region.instances).sort(byId)) index.addInstance(i);
    return index;
  }

  addCluster(c: ClusterRecord): void {
    this.clusterIds.insert(c.id);
    if (c.until !== undefined) this.pendingClusters.add(c.id);
    if (isCopyOnWrite(c)) {
      const volume = volumeGroupOf(c);
      this.copyOnWrite.set(volume, (this.copyOnWrite.get(volume) ?? 0) + 1);
    }
    let group = this.cloneGroups.get(c.cloneGroupId);
    if (!group) {
      group = new Set();
      this.cloneGroups.set(c.cloneGroupId, group);
    }
    group.add(c.id);
    if (c.status === 'renaming' && c.pendingIdentifier !== undefined)
      this.renameTargets.set(c.pendingIdentifier, c.id);
  }

  removeCluster(c: ClusterRecord): void {
    this.clusterIds.remove(c.id);
    this.pendingClusters.delete(c.id);
    if (isCopyOnWrite(c)) {
      const volume = volumeGroupOf(c);
      const left = (this.copyOnWrite.get(volume) ?? 1) - 1;
      if (left > 0) this.copyOnWrite.set(volume, left);
      else this.copyOnWrite.delete(volume);
    }
    const group = this.cloneGroups.get(c.cloneGroupId);
    group?.delete(c.id);
    if (group?.size === 0) this.cloneGroups.delete(c.cloneGroupId);
    if (c.pendingIdentifier !== undefined && this.renameTargets.get(c.pendingIdentifier) === c.id) {
      this.renameTargets.delete(c.pendingIdentifier);
    }
  }

  /** A cluster going `renaming` holds the identifier it will take. */
  reserveIdentifier(newId: string, clusterId: string): void {
    this.renameTargets.set(newId, clusterId);
  }

  /** Whether a rename in progress holds this identifier. */
  isRenameTarget(id: string): boolean {
    return this.renameTargets.has(id);
  }

  /**
   * `c` (already carrying its new `id`) was `oldId`: the same cluster under another key, so its
   * clone group, volume counts and instances stay what they were. The caller has moved the records.
   */
  renameCluster(c: ClusterRecord, oldId: string): void {
    if (this.renameTargets.get(c.id) === oldId) this.renameTargets.delete(c.id);
    this.clusterIds.remove(oldId);
    this.clusterIds.insert(c.id);
    if (this.pendingClusters.delete(oldId)) this.pendingClusters.add(c.id);
    const group = this.cloneGroups.get(c.cloneGroupId);
    group?.delete(oldId);
    group?.add(c.id);
    const members = this.members.get(oldId);
    if (members) {
      this.members.delete(oldId);
      this.members.set(c.id, members);
    }
  }

  addInstance(i: InstanceRecord): void {
    this.instanceIds.insert(i.id);
    if (i.until !== undefined) this.pendingInstances.add(i.id);
    // A new list rather than a push: a caller may still hold the one instancesOf() gave it.
    const list = [...this.instancesOf(i.clusterId), i];
    // New instances get the highest sequence number; a rebuilt index adds them in identifier order.
    if ((list[list.length - 2]?.seq ?? 0) > i.seq) list.sort((a, b) => a.seq - b.seq);
    this.members.set(i.clusterId, list);
  }

  removeInstance(i: InstanceRecord): void {
    this.instanceIds.remove(i.id);
    this.pendingInstances.delete(i.id);
    const list = this.members.get(i.clusterId);
    if (!list) return;
    const left = list.filter((m) => m.id !== i.id);
    if (left.length > 0) this.members.set(i.clusterId, left);
    else this.members.delete(i.clusterId);
  }

  instancesOf(clusterId: string): readonly InstanceRecord[] {
    return this.members.get(clusterId) ?? [];
  }

  copyOnWriteMembers(volumeGroupId: string): number {
    return this.copyOnWrite.get(volumeGroupId) ?? 0;
  }

  /** Identifiers of the clusters reporting this CloneGroupId, in no particular order. */
  cloneGroupMembers(cloneGroupId: string): ReadonlySet<string> {
    return this.cloneGroups.get(cloneGroupId) ?? new Set();
  }
}
