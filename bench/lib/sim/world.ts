// The AWS account of the simulation: clusters as the manager reads them (ClusterInfo with the real
// tags), with AWS-like lifecycle durations turned into timed events, and AWS's own rule checked at
// every copy-on-write restore: a 16th clone in a group silently becomes a full copy.
import { AWS_TIMINGS } from '../../../src/emulator/index.ts';
import type { ClusterInfo, Inventory } from '../../../src/model/inventory.ts';
import type { CloneStep, CopyStep } from '../../../src/model/plan.ts';
import { managedTagList, readManagedTags, tagMap } from '../../../src/model/tags.ts';
import { siblingArn } from '../../../src/planner/pool.ts';

/** Data size that makes a full copy take about 2 h with the emulator's AWS-like timings. */
export const SIMULATED_SIZE_GIB = 167;

export const DURATIONS = {
  cloneVolumeMs: AWS_TIMINGS.cloneVolumeMs,
  firstInstanceMs: AWS_TIMINGS.createInstanceMs,
  fullCopyMs: AWS_TIMINGS.fullCopyBaseMs + AWS_TIMINGS.fullCopyPerGiBMs * SIMULATED_SIZE_GIB,
  deleteMs: AWS_TIMINGS.deleteInstanceMs + AWS_TIMINGS.deleteClusterMs,
};

export const CLONE_GROUP_LIMIT = 15;

export type WorldEvent =
  | { kind: 'volume-ready'; clusterId: string }
  | { kind: 'writer-ready'; clusterId: string }
  | { kind: 'gone'; clusterId: string };

interface Lifetime {
  role: 'root' | 'copy' | 'clone';
  createdAt: number;
  goneAt?: number;
  /** Cluster and writer available. */
  usableAt?: number;
}

export class World {
  readonly clusters = new Map<string, ClusterInfo>();
  private readonly life = new Map<string, Lifetime>();
  private readonly history: { id: string; life: Lifetime }[] = [];
  accidentalFullCopies = 0;
  refusedRestores = 0;
  maxClonesOnASource = 0;
  readonly root: ClusterInfo;

  constructor(
    private readonly schedule: (at: number, e: WorldEvent) => void,
    private readonly managerId: string,
    start: number,
  ) {
    this.root = {
      id: 'prod',
      arn: 'arn:aws:rds:us-east-1:000000000000:cluster:prod',
      status: 'available',
      engine: 'aurora-postgresql',
      createdAt: new Date(start - 365 * 86_400_000),
      securityGroupIds: ['sg-0123'],
      subnetGroup: 'default',
      deletionProtection: true,
      members: [{ instanceId: 'prod-writer', isWriter: true }],
      tags: {},
    };
    this.clusters.set(this.root.id, this.root);
  }

  inventory(now: number): Inventory {
    return {
      readAt: new Date(now),
      clusters: [...this.clusters.values()],
      instances: [
        {
          id: 'prod-writer',
          clusterId: 'prod',
          status: 'available',
          instanceClass: 'db.r6g.large',
          engine: 'aurora-postgresql',
        },
      ],
    };
  }

  /** Live copy-on-write clones on a source, as AWS counts them (deleting ones no longer count). */
  liveClones(sourceArn: string): number {
    let n = 0;
    for (const c of this.clusters.values())
      if (c.managed?.role === 'clone' && c.managed.sourceArn === sourceArn && c.status !== 'deleting') n++;
    return n;
  }

  /** RestoreDBClusterToPointInTime copy-on-write, plus the writer instance right after. */
  restoreClone(
    step: CloneStep,
    requestKey: string,
    now: number,
  ): { accidental: boolean } | { refused: string } {
    const source = [...this.clusters.values()].find((c) => c.arn === step.sourceArn);
    if (source?.status !== 'available') {
      this.refusedRestores++;
      return { refused: `source ${step.sourceClusterId} is ${source?.status ?? 'gone'}` };
    }
    const accidental = this.liveClones(source.arn) >= CLONE_GROUP_LIMIT;
    if (accidental) this.accidentalFullCopies++;
    const tags = tagMap(
      managedTagList({
        role: 'clone',
        sourceArn: step.sourceArn,
        rootArn: step.rootArn,
        dataTimestamp: new Date(step.sourceCreatedInPlan ? now : Date.parse(step.dataTimestamp)),
        manager: this.managerId,
        request: requestKey,
      }),
    );
    this.add(step.clusterId, `${step.clusterId}-writer`, tags, 'clone', now);
    this.maxClonesOnASource = Math.max(this.maxClonesOnASource, this.liveClones(source.arn));
    this.schedule(now + (accidental ? DURATIONS.fullCopyMs : DURATIONS.cloneVolumeMs), {
      kind: 'volume-ready',
      clusterId: step.clusterId,
    });
    return { accidental };
  }

  /** Full-copy restore of the root, plus its writer instance. */
  restoreCopy(step: CopyStep, now: number): void {
    const tags = tagMap(
      managedTagList({
        role: 'copy',
        sourceArn: step.rootArn,
        rootArn: step.rootArn,
        dataTimestamp: new Date(now),
        manager: this.managerId,
      }),
    );
    this.add(step.clusterId, `${step.clusterId}-writer`, tags, 'copy', now);
    this.schedule(now + DURATIONS.fullCopyMs, { kind: 'volume-ready', clusterId: step.clusterId });
  }

  private add(
    id: string,
    instanceId: string,
    tags: Record<string, string>,
    role: 'copy' | 'clone',
    now: number,
  ) {
    const info: ClusterInfo = {
      id,
      arn: siblingArn(this.root.arn, id),
      status: 'creating',
      engine: this.root.engine,
      createdAt: new Date(now),
      securityGroupIds: this.root.securityGroupIds,
      deletionProtection: false,
      members: [{ instanceId, isWriter: true }],
      tags,
    };
    const managed = readManagedTags(tags);
    if (managed) info.managed = managed;
    this.clusters.set(id, info);
    const life: Lifetime = { role, createdAt: now };
    this.life.set(id, life);
    this.history.push({ id, life });
  }

  /** Instances, then the cluster: status deleting at once (no longer counted), gone a few minutes later. */
  delete(id: string, now: number): boolean {
    const c = this.clusters.get(id);
    if (!c || c === this.root || c.status === 'deleting') return false;
    c.status = 'deleting';
    this.schedule(now + DURATIONS.deleteMs, { kind: 'gone', clusterId: id });
    return true;
  }

  /** Applies a lifecycle event; returns the cluster that became usable (cluster and writer available), if any. */
  apply(e: WorldEvent, now: number): string | undefined {
    const c = this.clusters.get(e.clusterId);
    if (!c) return undefined;
    if (e.kind === 'gone') {
      this.clusters.delete(c.id);
      const life = this.life.get(c.id);
      if (life) life.goneAt = now;
      return undefined;
    }
    if (c.status === 'deleting') return undefined;
    if (e.kind === 'volume-ready') {
      c.status = 'available';
      this.schedule(now + DURATIONS.firstInstanceMs, { kind: 'writer-ready', clusterId: c.id });
      return undefined;
    }
    const life = this.life.get(c.id);
    if (life) life.usableAt = now;
    return c.id;
  }

  /** Hours each role's clusters existed within [from, to): what AWS bills (cluster storage + one instance). */
  hours(role: 'copy' | 'clone', from: number, to: number): number {
    let ms = 0;
    for (const { life } of this.history) {
      if (life.role !== role) continue;
      const a = Math.max(from, life.createdAt);
      const b = Math.min(to, life.goneAt ?? to);
      if (b > a) ms += b - a;
    }
    return ms / 3_600_000;
  }

  count(role: 'copy' | 'clone', from: number, to: number): number {
    return this.history.filter(
      (h) => h.life.role === role && h.life.createdAt >= from && h.life.createdAt < to,
    ).length;
  }
}
