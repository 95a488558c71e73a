// What the account cost and how full its sources got, from the emulator's own records (not through
// the product): each cluster's life from its creation to the end of its deletion, by what was asked
// for (a full copy, or a copy-on-write clone — also when AWS silently served it as a full copy) and
// by what it is (a full-size volume or a copy-on-write one), how long warm clones waited unclaimed,
// and the most live copy-on-write clones any source had.
import type { ClusterRecord, RunningEmulator } from '../../../src/emulator/index.ts';
import { TAG } from '../../../src/model/tags.ts';

export type Kind = 'copy' | 'clone';

interface Life {
  kind: Kind;
  /** A full-size volume: a copy, or a clone AWS served as a full copy. */
  full: boolean;
  createdAt: number;
  /** When its deletion ends (known from the moment it starts). */
  goneAt?: number;
  /** Made as a warm clone (tagged warm when first seen). */
  warm: boolean;
  /** When its warm tag went (a request claimed it); while it has it, it waits unclaimed. */
  claimedAt?: number;
}

export class Ledger {
  /** By RDS's resource id, which a rename keeps. */
  private readonly lives = new Map<string, Life>();
  /** The most live (not deleting) copy-on-write clones of one source seen at any sample. */
  maxClonesOnASource = 0;
  /** Clusters that were gone before a sample saw their deletion (their end is the sample's time). */
  missedEnds = 0;

  constructor(private readonly emulator: RunningEmulator) {}

  /**
   * Reads the records as they stand at `now`; call it at every instant something was created,
   * deleted, tagged or renamed.
   */
  sample(now: number): void {
    const perSource = new Map<string, number>();
    const present = new Set<string>();
    for (const c of this.emulator.rds.clusters()) {
      if (c.origin.kind === 'create') continue;
      present.add(c.resourceId);
      const warmTag = c.tags.some((t) => t.Key === TAG.warm);
      let life = this.lives.get(c.resourceId);
      if (!life) {
        life = {
          kind: kindOf(c),
          full: c.origin.kind === 'full-copy',
          createdAt: Date.parse(c.createdAt),
          warm: warmTag,
        };
        this.lives.set(c.resourceId, life);
      }
      if (life.warm && !warmTag && life.claimedAt === undefined) life.claimedAt = now;
      if (c.status === 'deleting' && c.until) life.goneAt = Date.parse(c.until);
      else if (c.origin.kind === 'copy-on-write') {
        const n = (perSource.get(c.origin.sourceClusterId) ?? 0) + 1;
        perSource.set(c.origin.sourceClusterId, n);
        this.maxClonesOnASource = Math.max(this.maxClonesOnASource, n);
      }
    }
    for (const [id, life] of this.lives) {
      if (life.goneAt === undefined && !present.has(id)) {
        life.goneAt = now;
        this.missedEnds++;
      }
    }
  }

  /** Cluster-hours within [from, to) of the clusters `which` picks: each has one instance, so this is what AWS bills per hour. */
  hours(which: (life: { kind: Kind; full: boolean }) => boolean, from: number, to: number): number {
    let ms = 0;
    for (const life of this.lives.values()) {
      if (!which(life)) continue;
      ms += overlap(from, to, life.createdAt, life.goneAt ?? to);
    }
    return ms / 3_600_000;
  }

  /**
   * Instance-hours within [from, to) that warm clones ran unclaimed: from their creation until a
   * request claimed them, or until their deletion ended (expired, never claimed).
   */
  warmIdleHours(from: number, to: number): number {
    let ms = 0;
    for (const life of this.lives.values()) {
      if (!life.warm) continue;
      ms += overlap(from, to, life.createdAt, life.claimedAt ?? life.goneAt ?? to);
    }
    return ms / 3_600_000;
  }

  /** Clusters of one kind created within [from, to); `warm` counts only warm clones. */
  made(kind: Kind | 'warm', from: number, to: number): number {
    let n = 0;
    for (const life of this.lives.values()) {
      const is = kind === 'warm' ? life.warm : life.kind === kind;
      if (is && life.createdAt >= from && life.createdAt < to) n++;
    }
    return n;
  }
}

function overlap(from: number, to: number, start: number, end: number): number {
  return Math.max(0, Math.min(to, end) - Math.max(from, start));
}

function kindOf(c: ClusterRecord): Kind {
  return c.origin.kind !== 'create' && c.origin.requested === 'full-copy' ? 'copy' : 'clone';
}
