// concurrency: N simultaneous provisions for one source with copies ready, each as its own caller
// (own SDK clients, shared DynamoDB lease table), until every clone is usable, against the same N
// serialised the way that costs least: one provision at a time without waiting, then wait for all
// the clones together. (Serialising each provision with its wait, as reserved concurrency 1 did to
// requests that wait, only measures the waits laid end to end.)

import { cloneReadiness, maintainPool, provisionClone } from '../src/engine/api.ts';
import { waitUntil } from '../src/executor/wait.ts';
import type { ProvisionResult } from '../src/model/api.ts';
import { systemClock } from '../src/util/clock.ts';
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

type Mode = 'simultaneous' | 'serialised, then wait for all';

interface ModeResult {
  mode: Mode;
  ok: number;
  failures: string[];
  wallMs: number;
  latencies: number[];
  calls: Record<string, number>;
  overLimit: string[];
  accidentalFullCopies: number;
  copiesMadeDuring: number;
  sources: number;
  /** Requests whose clone another request's lease hold restored (they waited in the lease's queue). */
  servedByAnother: number;
}

async function prepared(n: number): Promise<BenchEnv> {
  const env = await benchEnv({}, { managerId: 'bench' });
  env.emulator.createSourceCluster({ id: 'prod', instanceClass: 'db.r6g.large' });
  // A fixed target (floor = ceiling): exactly the copies n slots need, whatever demand says.
  const [report] = await maintainPool(
    [{ clusterId: 'prod', targetCloneSlots: n, maxCloneSlots: n }],
    env.options,
  );
  if (!report?.ok) throw new Error(`maintenance failed: ${report?.error}`);
  if (!(await until(() => poolReady(env.emulator), 60_000)))
    throw new Error('the copies did not become available within 60 s');
  env.emulator.setFaults({ latencyMs: LATENCY_MS, jitterMs: 2 });
  return env;
}

async function runMode(n: number, mode: Mode, log: (l: string) => void): Promise<ModeResult> {
  const env = await prepared(n);
  const { emulator } = env;
  try {
    const copiesBefore = emulator.rds.clusters().filter((c) => c.tags.some((t) => t.Value === 'copy')).length;
    log(`concurrency: ${n} provisions, ${mode}; pool: root + ${copiesBefore} copies`);
    const before = emulator.stats();
    const latencies: number[] = [];
    const failures: string[] = [];
    let servedByAnother = 0;
    const one = async (i: number, wait: boolean): Promise<ProvisionResult | undefined> => {
      const t0 = performance.now();
      try {
        const r = await provisionClone(
          { sourceClusterId: 'prod', requestKey: `bench-${i}`, wait },
          { ...env.options },
        );
        latencies.push(performance.now() - t0);
        if (r.plan.steps[0]?.kind === 'reuse' && r.plan.steps[0].servedBy) servedByAnother++;
        return r;
      } catch (err) {
        failures.push(errorMessage(err));
        return undefined;
      }
    };
    // The same wait the engine does for its own clones (waitUntil with the options' poll intervals),
    // on each clone's readiness as the library reports it.
    const usable = async (clusterId: string, startedAt: number) => {
      try {
        await waitUntil(
          async () => {
            const r = await cloneReadiness(clusterId, env.options);
            return { done: r.ready, status: r.status };
          },
          {
            clock: systemClock,
            minMs: env.options.pollMinMs ?? 2_000,
            maxMs: env.options.pollMaxMs ?? 30_000,
            timeoutMs: env.options.waitTimeoutMs ?? 120_000,
            what: clusterId,
          },
        );
        untilUsable.push(performance.now() - startedAt);
      } catch (err) {
        failures.push(`${clusterId}: ${errorMessage(err)}`);
      }
    };
    const untilUsable: number[] = [];
    const t0 = performance.now();
    if (mode === 'simultaneous') await Promise.all(Array.from({ length: n }, (_, i) => one(i, true)));
    else {
      const made: { clusterId: string; at: number }[] = [];
      for (let i = 0; i < n; i++) {
        const at = performance.now();
        const r = await one(i, false);
        if (r) made.push({ clusterId: r.clusterId, at });
      }
      await Promise.all(made.map((m) => usable(m.clusterId, m.at)));
    }
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
      ok: mode === 'serialised, then wait for all' ? untilUsable.length : latencies.length,
      failures,
      wallMs,
      // Per request: from its provision call until its clone is usable.
      latencies: (mode === 'serialised, then wait for all' ? untilUsable : latencies).sort((a, b) => a - b),
      calls,
      overLimit: overLimit(emulator, LIMIT),
      accidentalFullCopies: emulator.stats().rds.accidentalFullCopies,
      copiesMadeDuring: copiesAfter - copiesBefore,
      sources,
      servedByAnother,
    };
  } finally {
    await emulator.stop();
  }
}

export const concurrency: Benchmark = {
  name: 'concurrency',
  title: 'simultaneous provisions under the DynamoDB lease vs the same provisions serialised',
  async run({ size, log }) {
    const n = size === 'tiny' ? 4 : 50;
    const par = await runMode(n, 'simultaneous', log);
    const serial = await runMode(n, 'serialised, then wait for all', log);
    const all = [par, serial];
    const problems: string[] = [];
    const rows: Cell[][] = [];
    for (const r of all) {
      rows.push([
        r.mode,
        `${r.ok}/${n}`,
        ms(r.wallMs),
        r === par ? '' : ratio(r.wallMs, par.wallMs),
        ms(percentile(r.latencies, 50)),
        ms(percentile(r.latencies, 95)),
        totalCalls(r.calls),
        r.calls.UpdateItem ?? 0,
        r.servedByAnother,
        r.sources,
        r.overLimit.length,
        r.accidentalFullCopies,
        r.copiesMadeDuring,
      ]);
      if (r.failures.length)
        problems.push(
          `${r.mode}: ${r.failures.length} request(s) failed: ${[...new Set(r.failures)].slice(0, 3).join('; ')}`,
        );
      if (r.ok !== n) problems.push(`${r.mode}: ${r.ok} of ${n} clones usable`);
      if (r.overLimit.length)
        problems.push(`${r.mode}: sources over ${LIMIT} clones: ${r.overLimit.join(', ')}`);
    }
    const accidental = all.reduce((a, r) => a + r.accidentalFullCopies, 0);
    const failed = all.reduce((a, r) => a + r.failures.length, 0);
    return {
      tables: [
        {
          title: `concurrency: ${n} provisions of one source until every clone is usable, copies ready, ${LATENCY_MS} ms ±2 added per call — speed-up of simultaneous over the baseline (serialised, then wait for all): ${ratio(serial.wallMs, par.wallMs)}`,
          columns: [
            'mode',
            'usable',
            'wall time',
            'wall time ÷ simultaneous',
            'p50 per request',
            'p95 per request',
            'API calls',
            'lease UpdateItem',
            "restored in another's hold",
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
          rows: all.map((r) => [r.mode, formatCalls(r.calls)]),
        },
      ],
      notes: [
        "simultaneous: N provisionClone({ wait: true }) at once, each with its own SDK clients (as separate Lambda invocations would), taking the per-root lease in the emulator's DynamoDB; only read-count-restore runs under it, the wait for the clone does not; a request that finds the lease busy waits in its queue, and the holder restores the queued requests' clones in the same hold (docs/concurrency.md)",
        "serialised, then wait for all (the baseline): provisionClone({ wait: false }) N times one after the other — each returns once its restore and writer are started — then every clone waited for together, with the engine's own wait (waitUntil on cloneReadiness, same poll intervals); per request = from its call until its clone is usable",
        "over-limit sources are counted from the emulator's records (live clones per source-arn tag), not through the product; the pool was filled by maintenance first (root + copies, all available)",
        'lease UpdateItem includes refused acquisitions (ConditionalCheckFailed) while another request held the lease',
      ],
      problems,
      checks: { accidentalFullCopies: accidental, failedRequests: failed },
      data: {
        n,
        simultaneous: par,
        serialisedThenWait: serial,
        speedUpOverSerialised: serial.wallMs / par.wallMs,
      },
    };
  },
};
