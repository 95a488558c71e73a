// emulator-reads: the product's own inventory read (src/inventory: every DescribeDBClusters page with
// tags inline, then the root writer's DescribeDBInstances) and a read of every instance through the
// adapter's DescribeDBInstances pager, through the real SDK, at 1,000 and 10,000 clusters. Each page
// must cost the emulator the same whatever the account's size, so the per-cluster cost at 10,000
// stays close to the one at 1,000 (issue 12: it grew with the account, 30 s for 10,000).
import { RdsAdapter } from '../src/aws/rds.ts';
import type { EmulatedService } from '../src/emulator/service.ts';
import { readInventory } from '../src/inventory/read.ts';
import { benchEnv, callsBetween, totalCalls } from './lib/env.ts';
import { type Benchmark, type Cell, median, ms } from './lib/report.ts';

const ROOT = 'prod';
const ENGINE = 'aurora-postgresql';
/** Issue 12's bar: the per-cluster cost at 10,000 clusters at most 4× the one at 1,000. */
const GROWTH_LIMIT = 4;

interface ReadFigures {
  calls: number;
  /** Median wall time of one read, ms. */
  ms: number;
  /** Median time inside the emulator's RDS handler (model + XML) during one read, ms. */
  handlerMs: number;
}

interface SizeFigures {
  clusters: number;
  inventory: ReadFigures;
  instances: ReadFigures;
  /** From the emulator's records at the end (the reads restore nothing, so it must be 0). */
  accidentalFullCopies: number;
}

/** Adds up the time the emulator's RDS service spends answering, to tell its share from the SDK's. */
function handlerClock(services: readonly EmulatedService[]): { spentMs(): number } {
  const rds = services.find((s) => s.name === 'rds');
  if (!rds) throw new Error('emulator-reads: the emulator has no rds service to time');
  const handle = rds.handle.bind(rds);
  let spent = 0;
  rds.handle = async (req) => {
    const t0 = performance.now();
    try {
      return await handle(req);
    } finally {
      spent += performance.now() - t0;
    }
  };
  return { spentMs: () => spent };
}

/** The read is only a figure if it returned every identifier once; anything else fails the benchmark. */
function checkComplete(what: string, expected: readonly string[], got: readonly string[]): void {
  const seen = new Set(got);
  const missing = expected.filter((id) => !seen.has(id));
  if (got.length !== expected.length || seen.size !== got.length || missing.length > 0) {
    throw new Error(
      `emulator-reads: ${what} returned ${got.length} items (${seen.size} distinct) for ${expected.length} ` +
        `in the account; missing ${missing.length}${missing.length ? ` (first: ${missing.slice(0, 3).join(', ')})` : ''}`,
    );
  }
}

async function runSize(n: number, reps: number, log: (l: string) => void): Promise<SizeFigures> {
  const { emulator, options } = await benchEnv({ quotas: { clusters: n, instances: n } });
  const rds = new RdsAdapter(options.aws);
  try {
    const t0 = performance.now();
    const clusterIds = [ROOT];
    const instanceIds = [`${ROOT}-instance-1`];
    emulator.createSourceCluster({ id: ROOT, engine: ENGINE });
    for (let i = 1; i < n; i++) {
      const id = `team-${i % 7}-db-${String(i).padStart(5, '0')}`;
      emulator.createSourceCluster({ id, engine: ENGINE, tags: { team: `team-${i % 7}`, n: String(i) } });
      clusterIds.push(id);
      instanceIds.push(`${id}-instance-1`);
    }
    log(`emulator-reads: ${n} clusters made in-process in ${ms(performance.now() - t0)}`);
    const handler = handlerClock(emulator.services);

    const measure = async (read: () => Promise<void>): Promise<ReadFigures> => {
      await read(); // warm-up: SDK client, JIT, sockets
      const times: number[] = [];
      const handlerTimes: number[] = [];
      let calls = 0;
      for (let r = 0; r < reps; r++) {
        const before = emulator.stats();
        const h0 = handler.spentMs();
        const t = performance.now();
        await read();
        times.push(performance.now() - t);
        handlerTimes.push(handler.spentMs() - h0);
        calls = totalCalls(callsBetween(before, emulator.stats()));
      }
      return { calls, ms: median(times), handlerMs: median(handlerTimes) };
    };

    const inventory = await measure(async () => {
      const inv = await readInventory(rds, ROOT, new Date());
      checkComplete(
        `the inventory read at ${n} clusters`,
        clusterIds,
        inv.clusters.map((c) => c.id),
      );
      if (inv.instances[0]?.id !== `${ROOT}-instance-1`)
        throw new Error(`emulator-reads: the inventory read at ${n} clusters did not find the root's writer`);
    });
    const instances = await measure(async () => {
      const all = await rds.describeInstances([{ Name: 'engine', Values: [ENGINE] }]);
      checkComplete(
        `the instance read at ${n} clusters`,
        instanceIds,
        all.map((i) => i.DBInstanceIdentifier ?? ''),
      );
    });
    log(`emulator-reads: ${n} clusters: inventory ${ms(inventory.ms)}, instances ${ms(instances.ms)}`);
    return {
      clusters: n,
      inventory,
      instances,
      accidentalFullCopies: emulator.stats().rds.accidentalFullCopies,
    };
  } finally {
    rds.client.destroy();
    await emulator.stop();
  }
}

const perCluster = (f: ReadFigures, n: number): number => f.ms / n;
const perClusterText = (v: number): string => `${v.toFixed(3)} ms`;
const count = (n: number): string => n.toLocaleString('en-US');

export const emulatorReads: Benchmark = {
  name: 'emulator-reads',
  title: 'a full read of the account through the real SDK, per cluster, as the account grows',
  async run({ size, log }) {
    const [small, large] = size === 'tiny' ? [50, 500] : [1_000, 10_000];
    const reps = size === 'tiny' ? 1 : 3;
    const a = await runSize(small, reps, log);
    const b = await runSize(large, reps, log);

    const reads = [
      ['inventory read (src/inventory)', 'inventory'],
      ['every instance (DescribeDBInstances pages)', 'instances'],
    ] as const;
    const timings: Cell[][] = [];
    const growth: Cell[][] = [];
    const problems: string[] = [];
    for (const [label, key] of reads) {
      for (const s of [a, b]) {
        const f = s[key];
        timings.push([
          s.clusters,
          label,
          f.calls,
          ms(f.ms),
          perClusterText(perCluster(f, s.clusters)),
          `${Math.round((100 * f.handlerMs) / f.ms)}%`,
        ]);
      }
      const base = perCluster(a[key], a.clusters);
      const grown = perCluster(b[key], b.clusters);
      const r = grown / base;
      growth.push(
        [label, `per-cluster cost at ${count(a.clusters)} clusters (baseline)`, perClusterText(base)],
        [label, `per-cluster cost at ${count(b.clusters)} clusters`, perClusterText(grown)],
        [label, `ratio ${count(b.clusters)} ÷ ${count(a.clusters)} (1.0× = linear)`, `${r.toFixed(2)}×`],
      );
      // Tiny runs are too short for the ratio to mean anything; the full run holds the issue's bar.
      if (size === 'full' && r > GROWTH_LIMIT)
        problems.push(
          `${label}: the per-cluster cost at ${count(b.clusters)} clusters is ${r.toFixed(1)}× the one at ${count(a.clusters)} (limit ${GROWTH_LIMIT}×): the emulator's reads grow faster than the account`,
        );
    }
    return {
      tables: [
        {
          title: `emulator-reads: full reads of ${count(a.clusters)} and ${count(b.clusters)} clusters (median of ${reps})`,
          columns: ['clusters', 'read', 'calls', 'time', 'per cluster', 'in emulator handler'],
          rows: timings,
        },
        {
          title: 'emulator-reads: growth of the per-cluster cost',
          columns: ['read', 'measure', 'value'],
          rows: growth,
        },
      ],
      notes: [
        'every cluster has one writer instance and a few tags; they are made in-process, then read over HTTP with the real SDK (MaxRecords 100) and no added latency',
        'each read is checked: every cluster (every instance) once, and the root writer found; a read that misses one fails the benchmark',
        '"in emulator handler" = time inside the emulator\'s RDS handler (state and XML); the rest is HTTP, SigV4 and the SDK parsing XML in the same process',
        `a full run reports a problem when the per-cluster cost at ${count(b.clusters)} clusters exceeds ${GROWTH_LIMIT}× the one at ${count(a.clusters)}`,
      ],
      problems,
      // A read that fails or misses a cluster throws, which fails the benchmark: none failed here.
      checks: { accidentalFullCopies: a.accidentalFullCopies + b.accidentalFullCopies, failedRequests: 0 },
      data: { sizes: [a, b] },
    };
  },
};
