// The emulated RDS account: state per Region, lookups, quotas and the lazy lifecycle. Statuses are
// never advanced by timers; `settle()` replays what has happened by `clock.now()` before each
// request, so a ManualClock moves the whole account through virtual time.

import type { Clock } from '../../../util/clock.ts';
import { faults } from './errors.ts';
import { clusterArn, instanceArn, parseRdsArn } from './naming.ts';
import type { RdsOptions } from './options.ts';
import type { AccidentalFullCopy, ClusterRecord, InstanceRecord, RdsState, RegionState } from './types.ts';

export function emptyRdsState(): RdsState {
  return { version: 1, regions: {}, accidentalFullCopies: [], seq: 0 };
}

export class RdsModel {
  state: RdsState = emptyRdsState();

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

  /** Apply every status change due by now: creating/modifying → available, deleting → gone. */
  settle(now: Date = this.now()): void {
    const t = now.getTime();
    const due = (until: string | undefined) => until !== undefined && Date.parse(until) <= t;
    for (const region of Object.values(this.state.regions)) {
      for (const inst of Object.values(region.instances)) {
        if (!due(inst.until)) continue;
        if (inst.status === 'deleting') delete region.instances[inst.id];
        else {
          inst.status = 'available';
          delete inst.until;
        }
      }
      for (const cluster of Object.values(region.clusters)) {
        if (!due(cluster.until)) continue;
        if (cluster.status === 'deleting') {
          if (this.instancesOf(region, cluster.id).length === 0) delete region.clusters[cluster.id];
        } else {
          cluster.status = 'available';
          delete cluster.until;
        }
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
    return this.region(regionName).clusters[this.clusterIdFrom(idOrArn)];
  }

  getCluster(regionName: string, idOrArn: string): ClusterRecord {
    const cluster = this.findCluster(regionName, idOrArn);
    if (!cluster) throw faults.clusterNotFound(idOrArn);
    return cluster;
  }

  getInstance(regionName: string, idOrArn: string): InstanceRecord {
    const inst = this.region(regionName).instances[this.instanceIdFrom(idOrArn)];
    if (!inst) throw faults.instanceNotFound(idOrArn);
    return inst;
  }

  /** A cluster's instances, oldest first: the first one is the writer. */
  instancesOf(region: RegionState, clusterId: string): InstanceRecord[] {
    return Object.values(region.instances)
      .filter((i) => i.clusterId === clusterId)
      .sort((a, b) => a.seq - b.seq);
  }

  /** Copy-on-write clones currently sharing a volume (deleting ones until gone): what the limit counts. */
  copyOnWriteMembers(region: RegionState, volumeGroupId: string): number {
    return Object.values(region.clusters).filter(
      (c) => volumeGroupOf(c) === volumeGroupId && c.origin.kind === 'copy-on-write',
    ).length;
  }

  checkClusterQuota(region: RegionState): void {
    if (Object.keys(region.clusters).length >= this.options.quotas.clusters) throw faults.clusterQuota();
  }

  checkInstanceQuota(region: RegionState): void {
    if (Object.keys(region.instances).length >= this.options.quotas.instances) throw faults.instanceQuota();
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
    return Object.values(this.region(regionName).clusters).sort((a, b) => compareIds(a.id, b.id));
  }

  instances(regionName: string = this.defaultRegion): InstanceRecord[] {
    this.settle();
    return Object.values(this.region(regionName).instances).sort((a, b) => compareIds(a.id, b.id));
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

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The copy-on-write tree a cluster belongs to (records written before it existed: its clone group). */
export function volumeGroupOf(c: ClusterRecord): string {
  return c.volumeGroupId ?? c.cloneGroupId;
}
