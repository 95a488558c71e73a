// What the account cost and how full its sources got, from the emulator's own records (not through
// the product): each cluster's life from its creation to the end of its deletion, by what was asked
// for (a full copy, or a copy-on-write clone — also when AWS silently served it as a full copy) and
// by what it is (a full-size volume or a copy-on-write one), and the most live copy-on-write clones
// any source had.
import type { ClusterRecord, RunningEmulator } from '../../../src/emulator/index.ts';

export type Kind = 'copy' | 'clone';

interface Life {
  kind: Kind;
  /** A full-size volume: a copy, or a clone AWS served as a full copy. */
  full: boolean;
  createdAt: number;
  /** When its deletion ends (known from the moment it starts). */
  goneAt?: number;
}

export class Ledger {
  private readonly lives = new Map<string, Life>();
  /** The most live (not deleting) copy-on-write clones of one source seen at any sample. */
  maxClonesOnASource = 0;
  /** Clusters that were gone before a sample saw their deletion (their end is the sample's time). */
  missedEnds = 0;

  constructor(private readonly emulator: RunningEmulator) {}

  /** Reads the records as they stand at `now`; call it at every instant something was created or deleted. */
  sample(now: number): void {
    const perSource = new Map<string, number>();
    const present = new Set<string>();
    for (const c of this.emulator.rds.clusters()) {
      if (c.origin.kind === 'create') continue;
      present.add(c.id);
      let life = this.lives.get(c.id);
      if (!life) {
        life = { kind: kindOf(c), full: c.origin.kind === 'full-copy', createdAt: Date.parse(c.createdAt) };
        this.lives.set(c.id, life);
      }
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
      const a = Math.max(from, life.createdAt);
      const b = Math.min(to, life.goneAt ?? to);
      if (b > a) ms += b - a;
    }
    return ms / 3_600_000;
  }

  /** Clusters of one kind created within [from, to). */
  made(kind: Kind, from: number, to: number): number {
    let n = 0;
    for (const life of this.lives.values())
      if (life.kind === kind && life.createdAt >= from && life.createdAt < to) n++;
    return n;
  }
}

function kindOf(c: ClusterRecord): Kind {
  return c.origin.kind !== 'create' && c.origin.requested === 'full-copy' ? 'copy' : 'clone';
}
