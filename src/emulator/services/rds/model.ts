// The emulated RDS account: state per Region, lookups, quotas and the lazy lifecycle. Statuses are
// never advanced by timers; `settle()` replays what has happened by `clock.now()` before each
// request, so a ManualClock moves the whole account through virtual time. Records are added,
// removed and put in a transitional status only here, so each Region's index stays true.

import type { Clock } from '../../../util/clock.ts';
import { faults } from './errors.ts';
import { clusterArn, instanceArn, parseRdsArn } from './naming.ts';
import type { RdsOptions } from './options.ts';
import { RegionIndex } from './region-index.ts';
import type {
  AccidentalFullCopy,
  ClusterRecord,
  ClusterStatus,
  InstanceRecord,
  InstanceStatus,
  RdsState,
  RegionState,
} from './types.ts';

export function emptyRdsState(): RdsState {
  return { version: 1, regions: {}, accidentalFullCopies: [], seq: 0 };
}

export class RdsModel {
  state: RdsState = emptyRdsState();
  /** Derived from the state, built on first use: a restored or reset state gets a fresh one. */
  private readonly indexes = new WeakMap<RegionState, RegionIndex>();

  constructor(
    readonly clock: Clock,
    readonly accountId: string,
    readonly defaultRegion: string,
    readonly options: RdsOptions,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  /** A configured duration, scaled, as an ISO instant `ms` after `from`. */
  after(from: Date, ms: number): string {
    return new Date(from.getTime() + Math.round(ms * this.options.timeScale)).toISOString();
  }

  /** The CloneGroupId a describe shows for the cluster (see RdsOptions.cloneGroupIdWhileCreating). */
  reportedCloneGroupId(c: ClusterRecord): string | undefined {
    return this.options.cloneGroupIdWhileCreating === 'hidden' && c.status === 'creating'
      ? undefined
      : c.cloneGroupId;
  }

  region(name: string = this.defaultRegion): RegionState {
    let r = this.state.regions[name];
    if (!r) {
      r = { clusters: {}, instances: {}, snapshots: {} };
      this.state.regions[name] = r;
    }
    return r;
  }

  nextSeq(): number {
    this.state.seq += 1;
    return this.state.seq;
  }

  indexOf(region: RegionState): RegionIndex {
    let index = this.indexes.get(region);
    if (!index) {
      index = RegionIndex.of(region);
      this.indexes.set(region, index);
    }
    return index;
  }

  addCluster(region: RegionState, c: ClusterRecord): void {
    region.clusters[c.id] = c;
    this.indexOf(region).addCluster(c);
  }

  addInstance(region: RegionState, i: InstanceRecord): void {
    region.instances[i.id] = i;
    this.indexOf(region).addInstance(i);
  }

  /** A transitional status that settle() ends at `until` (available, or gone when deleting). */
  changeClusterStatus(region: RegionState, c: ClusterRecord, status: ClusterStatus, until: string): void {
    c.status = status;
    c.until = until;
    this.indexOf(region).pendingClusters.add(c.id);
  }

  changeInstanceStatus(region: RegionState, i: InstanceRecord, status: InstanceStatus, until: string): void {
    i.status = status;
    i.until = until;
    this.indexOf(region).pendingInstances.add(i.id);
  }

  /** Whether a new cluster (or a rename) may take this identifier: no cluster has it and no rename holds it. */
  clusterIdTaken(region: RegionState, id: string): boolean {
    return ownRecord(region.clusters, id) !== undefined || this.indexOf(region).isRenameTarget(id);
  }

  /** `renaming` until `until`, then (settle) the cluster takes `newId`, which it holds meanwhile. */
  startRename(region: RegionState, c: ClusterRecord, newId: string, until: string): void {
    c.pendingIdentifier = newId;
    this.changeClusterStatus(region, c, 'renaming', until);
    this.indexOf(region).reserveIdentifier(newId, c.id);
  }

  /**
   * The cluster answers to `newId` from now on: its ARN (which holds the identifier) and its
   * instances' DBClusterIdentifier follow; its tags, resource id, clone group and volume stay.
   */
  renameCluster(regionName: string, region: RegionState, c: ClusterRecord, newId: string): void {
    const oldId = c.id;
    const instances = this.instancesOf(region, oldId);
    delete region.clusters[oldId];
    c.id = newId;
    c.arn = this.clusterArn(regionName, newId);
    delete c.pendingIdentifier;
    region.clusters[newId] = c;
    for (const i of instances) i.clusterId = newId;
    this.indexOf(region).renameCluster(c, oldId);
  }

  /**
   * Apply every status change due by now: creating/modifying → available, renaming → available
   * under the new identifier, deleting → gone. Only records in a transitional status are looked
   * at, so an idle account of any size settles at once.
   */
  settle(now: Date = this.now()): void {
    const t = now.getTime();
    for (const [regionName, region] of Object.entries(this.state.regions)) {
      const index = this.indexOf(region);
      for (const inst of due(index.pendingInstances, region.instances, t)) {
        if (inst.status !== 'deleting') endTransition(inst, index.pendingInstances);
        else {
          delete region.instances[inst.id];
          index.removeInstance(inst);
        }
      }
      for (const cluster of due(index.pendingClusters, region.clusters, t)) {
        if (cluster.status !== 'deleting') {
          const newId = cluster.status === 'renaming' ? cluster.pendingIdentifier : undefined;
          endTransition(cluster, index.pendingClusters);
          if (newId !== undefined) this.renameCluster(regionName, region, cluster, newId);
        } else if (index.instancesOf(cluster.id).length === 0) {
          delete region.clusters[cluster.id];
          index.removeCluster(cluster);
        }
        // else it stays pending until its last instance has gone.
      }
    }
  }

  /** Accepts an identifier or a cluster ARN (as DescribeDBClusters and Restore do). */
  clusterIdFrom(idOrArn: string): string {
    const arn = parseRdsArn(idOrArn);
    return (arn && arn.kind === 'cluster' ? arn.id : idOrArn).toLowerCase();
  }

  instanceIdFrom(idOrArn: string): string {
    const arn = parseRdsArn(idOrArn);
    return (arn && arn.kind === 'db' ? arn.id : idOrArn).toLowerCase();
  }

  findCluster(regionName: string, idOrArn: string): ClusterRecord | undefined {
    return ownRecord(this.region(regionName).clusters, this.clusterIdFrom(idOrArn));
  }

  getCluster(regionName: string, idOrArn: string): ClusterRecord {
    const cluster = this.findCluster(regionName, idOrArn);
    if (!cluster) throw faults.clusterNotFound(idOrArn);
    return cluster;
  }

  getInstance(regionName: string, idOrArn: string): InstanceRecord {
    const inst = ownRecord(this.region(regionName).instances, this.instanceIdFrom(idOrArn));
    if (!inst) throw faults.instanceNotFound(idOrArn);
    return inst;
  }

  /** A cluster's instances, oldest first: the first one is the writer. */
  instancesOf(region: RegionState, clusterId: string): readonly InstanceRecord[] {
    return this.indexOf(region).instancesOf(clusterId);
  }

  /** Copy-on-write clones currently sharing a volume (deleting ones until gone): what the limit counts. */
  copyOnWriteMembers(region: RegionState, volumeGroupId: string): number {
    return this.indexOf(region).copyOnWriteMembers(volumeGroupId);
  }

  checkClusterQuota(region: RegionState): void {
    if (this.indexOf(region).clusterIds.size >= this.options.quotas.clusters) throw faults.clusterQuota();
  }

  checkInstanceQuota(region: RegionState): void {
    if (this.indexOf(region).instanceIds.size >= this.options.quotas.instances) throw faults.instanceQuota();
  }

  clusterArn(regionName: string, id: string): string {
    return clusterArn(regionName, this.accountId, id);
  }

  instanceArn(regionName: string, id: string): string {
    return instanceArn(regionName, this.accountId, id);
  }

  recordAccidentalFullCopy(entry: AccidentalFullCopy): void {
    this.state.accidentalFullCopies.push(entry);
  }

  get accidentalFullCopies(): readonly AccidentalFullCopy[] {
    return this.state.accidentalFullCopies;
  }

  /** Every cluster of a Region, settled to now, sorted by identifier (the order Describe pages in). */
  clusters(regionName: string = this.defaultRegion): ClusterRecord[] {
    this.settle();
    const region = this.region(regionName);
    return inOrder(this.indexOf(region).clusterIds.values(), region.clusters);
  }

  instances(regionName: string = this.defaultRegion): InstanceRecord[] {
    this.settle();
    const region = this.region(regionName);
    return inOrder(this.indexOf(region).instanceIds.values(), region.instances);
  }

  reset(): void {
    this.state = emptyRdsState();
  }

  snapshot(): RdsState {
    return structuredClone(this.state);
  }

  restore(saved: unknown): void {
    const s = saved as Partial<RdsState> | undefined;
    if (s?.version !== 1 || typeof s.regions !== 'object' || s.regions === null) {
      throw new Error('RDS state has an unknown format (expected version 1)');
    }
    this.state = {
      version: 1,
      regions: structuredClone(s.regions),
      accidentalFullCopies: structuredClone(s.accidentalFullCopies ?? []),
      seq: typeof s.seq === 'number' ? s.seq : 0,
    };
  }
}

/** The pending records whose transition is due by `t`; identifiers of records that left it are dropped. */
function* due<T extends { until?: string }>(
  pending: Set<string>,
  records: Record<string, T>,
  t: number,
): Generator<T> {
  for (const id of pending) {
    const r = records[id];
    if (r?.until === undefined) pending.delete(id);
    else if (Date.parse(r.until) <= t) yield r;
  }
}

function endTransition(r: ClusterRecord | InstanceRecord, pending: Set<string>): void {
  r.status = 'available';
  delete r.until;
  pending.delete(r.id);
}

/** A record by identifier: `constructor` and the like are valid identifiers, not Object.prototype's members. */
export function ownRecord<T>(records: Record<string, T>, id: string): T | undefined {
  return Object.hasOwn(records, id) ? records[id] : undefined;
}

function inOrder<T>(ids: Iterable<string>, records: Record<string, T>): T[] {
  const out: T[] = [];
  for (const id of ids) {
    const r = records[id];
    if (r) out.push(r);
  }
  return out;
}
