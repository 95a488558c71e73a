// concurrency: N simultaneous provisions for one source with copies ready, each as its own caller
// (own SDK clients, shared DynamoDB lease table), against the same N one at a time — what the first
// implementation's reserved concurrency 1 forced. Each provision waits until its clone is usable.

import { maintainPool, provisionClone } from '../src/engine/api.ts';
import type { ProvisionResult } from '../src/model/api.ts';
import { errorMessage } from '../src/util/errors.ts';
import {
  type BenchEnv,
  benchEnv,
  callsBetween,
  formatCalls,
  overLimit,
  poolReady,
  totalCalls,
  until,
} from './lib/env.ts';
import { type Benchmark, type Cell, ms, percentile, ratio } from './lib/report.ts';

const LATENCY_MS = 5;
const LIMIT = 15;

interface ModeResult {
  mode: string;
  ok: number;
  failures: string[];
  wallMs: number;
  latencies: number[];
  calls: Record<string, number>;
  overLimit: string[];
  accidentalFullCopies: number;
  copiesMadeDuring: number;
  sources: number;
}

async function prepared(n: number): Promise<BenchEnv> {
  const env = await benchEnv({}, { managerId: 'bench' });
  env.emulator.createSourceCluster({ id: 'prod', instanceClass: 'db.r6g.large' });
  const [report] = await maintainPool([{ clusterId: 'prod', targetCloneSlots: n }], env.options);
  if (!report?.ok) throw new Error(`maintenance failed: ${report?.error}`);
  if (!(await until(() => poolReady(env.emulator), 60_000)))
    throw new Error('the copies did not become available within 60 s');
  env.emulator.setFaults({ latencyMs: LATENCY_MS, jitterMs: 2 });
  return env;
}

async function runMode(
  n: number,
  mode: 'simultaneous' | 'one at a time',
  log: (l: string) => void,
): Promise<ModeResult> {
  const env = await prepared(n);
  const { emulator } = env;
  try {
    const copiesBefore = emulator.rds.clusters().filter((c) => c.tags.some((t) => t.Value === 'copy')).length;
    log(`concurrency: ${n} provisions, ${mode}; pool: root + ${copiesBefore} copies`);
    const before = emulator.stats();
    const latencies: number[] = [];
    const failures: string[] = [];
    const one = async (i: number): Promise<ProvisionResult | undefined> => {
      const t0 = performance.now();
      try {
        const r = await provisionClone(
          { sourceClusterId: 'prod', requestKey: `bench-${i}`, wait: true },
          { ...env.options },
        );
        latencies.push(performance.now() - t0);
        return r;
      } catch (err) {
        failures.push(errorMessage(err));
        return undefined;
      }
    };
    const t0 = performance.now();
    if (mode === 'simultaneous') await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
    else for (let i = 0; i < n; i++) await one(i);
    const wallMs = performance.now() - t0;
    const calls = callsBetween(before, emulator.stats());
    const clusters = emulator.rds.clusters();
    const copiesAfter = clusters.filter((c) => c.tags.some((t) => t.Value === 'copy')).length;
    const sources = new Set(
      clusters.flatMap((c) =>
        c.tags
          .filter((t) => t.Key.endsWith(':source-arn') && c.tags.some((u) => u.Value === 'clone'))
          .map((t) => t.Value),
      ),
    ).size;
    return {
      mode,
      ok: latencies.length,
      failures,
      wallMs,
      latencies: latencies.sort((a, b) => a - b),
      calls,
      overLimit: overLimit(emulator, LIMIT),
      accidentalFullCopies: emulator.stats().rds.accidentalFullCopies,
      copiesMadeDuring: copiesAfter - copiesBefore,
      sources,
    };
  } finally {
    await emulator.stop();
  }
}

export const concurrency: Benchmark = {
  name: 'concurrency',
  title: 'simultaneous provisions under the DynamoDB lease vs one at a time (reserved concurrency 1)',
  async run({ size, log }) {
    const n = size === 'tiny' ? 4 : 50;
    const par = await runMode(n, 'simultaneous', log);
    const seq = await runMode(n, 'one at a time', log);
    const problems: string[] = [];
    const rows: Cell[][] = [];
    for (const r of [par, seq]) {
      rows.push([
        r.mode,
        `${r.ok}/${n}`,
        ms(r.wallMs),
        ms(percentile(r.latencies, 50)),
        ms(percentile(r.latencies, 95)),
        totalCalls(r.calls),
        r.calls.UpdateItem ?? 0,
        r.sources,
        r.overLimit.length,
        r.accidentalFullCopies,
        r.copiesMadeDuring,
      ]);
      if (r.failures.length)
        problems.push(
          `${r.mode}: ${r.failures.length} provision(s) failed: ${[...new Set(r.failures)].slice(0, 3).join('; ')}`,
        );
      if (r.overLimit.length)
        problems.push(`${r.mode}: sources over ${LIMIT} clones: ${r.overLimit.join(', ')}`);
      if (r.accidentalFullCopies)
        problems.push(`${r.mode}: ${r.accidentalFullCopies} accidental full copies`);
    }
    return {
      tables: [
        {
          title: `concurrency: ${n} provisions of one source, wait until usable, copies ready, ${LATENCY_MS} ms ±2 added per call — speed-up ${ratio(seq.wallMs, par.wallMs)} (one at a time ÷ simultaneous)`,
          columns: [
            'mode',
            'answered',
            'wall time',
            'p50 per request',
            'p95 per request',
            'API calls',
            'lease UpdateItem',
            'sources used',
            'over-limit sources',
            'accidental full copies',
            'copies made',
          ],
          rows,
        },
        {
          title: 'concurrency: calls by action (emulator stats deltas)',
          columns: ['mode', 'calls by action'],
          rows: [par, seq].map((r) => [r.mode, formatCalls(r.calls)]),
        },
      ],
      notes: [
        "each simultaneous provision has its own SDK clients (as separate Lambda invocations would) and takes the per-root lease in the emulator's DynamoDB; only read-count-restore runs under it, the wait for the clone does not",
        "over-limit sources are counted from the emulator's records (live clones per source-arn tag), not through the product; the pool was filled by maintenance first (root + copies, all available)",
        'lease UpdateItem includes refused acquisitions (ConditionalCheckFailed) while another request held the lease',
      ],
      problems,
      data: { n, simultaneous: par, oneAtATime: seq, speedUp: seq.wallMs / par.wallMs },
    };
  },
};
