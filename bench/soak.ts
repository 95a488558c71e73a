// soak: hundreds of provisions and deletions through the engine with faults injected (20% Throttling,
// 5% InternalFailure, jittered latency), a bounded number in flight, several sources with a small
// clone limit so copies and reservations are exercised too. Every request must be answered and
// succeed (a failed provision or deletion fails the benchmark); at the end no cluster may be left that
// no request accounts for, and no source may ever have gone over its limit (sampled from the
// emulator's own records throughout).
import type { RunningEmulator } from '../src/emulator/index.ts';
import { deleteClone, provisionClone } from '../src/engine/api.ts';
import { TAG } from '../src/model/tags.ts';
import { errorCode, errorMessage } from '../src/util/errors.ts';
import { benchEnv, callsBetween, clonesPerSource, totalCalls, until } from './lib/env.ts';
import { type Benchmark, type Cell, ms, percentile } from './lib/report.ts';

const FAULTS = { throttleRate: 0.2, errorRate: 0.05, latencyMs: 20, jitterMs: 15 };
const IN_FLIGHT = 30;
const MAX_CLONES = 2;
const ANSWER_TIMEOUT_MS = 120_000;

interface Lifecycle {
  key: string;
  source: string;
  cloneId?: string;
  provision?: 'ok' | string;
  deletion?: 'ok' | string;
  provisionMs?: number;
  deleteMs?: number;
}

/** One line per kind of failure: the error's name and code, with identifiers and numbers blurred. */
function reason(err: unknown): string {
  const e = err as Error;
  const code = errorCode(err);
  const text = errorMessage(err)
    .replace(/arn:[^\s,;)]+/g, '<arn>')
    .replace(/\b[a-z]+(-[a-z0-9]+)*-\d[a-z0-9-]*\b/g, '<id>')
    .replace(/\d+(\.\d+)?/g, 'N');
  const meta = (err as { $metadata?: { attempts?: number; totalRetryDelay?: number } })?.$metadata;
  const tries = meta?.attempts
    ? ` [SDK attempts ${meta.attempts}, retry delay ${meta.totalRetryDelay ?? 0} ms]`
    : '';
  return `${e?.name ?? 'Error'}${code && code !== e?.name ? ` (${code})` : ''}: ${text.slice(0, 200)}${tries}${where(err)}`;
}

/** The innermost frames in the product's own code: which engine step surfaced the error. */
function where(err: unknown): string {
  const frames = ((err as Error)?.stack ?? '')
    .split('\n')
    .filter((l) => /\/src\/(engine|executor|lease|inventory|aws)\//.test(l))
    .slice(0, 3)
    .map((l) =>
      l
        .trim()
        .replace(/^at /, '')
        .replace(/\(?file:\/\/[^)]*\/src\//, '(src/')
        .replace(/:\d+\)?$/, ')'),
    );
  return frames.length ? ` at ${frames.join(' < ')}` : '';
}

function answered<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`)),
      ANSWER_TIMEOUT_MS,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Clusters no request accounts for: not a root, not a pool copy, not a clone whose deletion failed and was reported. */
function unaccounted(
  emulator: RunningEmulator,
  roots: Set<string>,
  lifecycles: Map<string, Lifecycle>,
): string[] {
  const out: string[] = [];
  for (const c of emulator.rds.clusters()) {
    if (roots.has(c.id)) continue;
    const tags = Object.fromEntries(c.tags.map((t) => [t.Key, t.Value]));
    const role = tags[TAG.role];
    if (role === 'copy') continue;
    const l = lifecycles.get(tags[TAG.request] ?? '');
    if (role === 'clone' && l?.provision === 'ok' && l.deletion !== 'ok') continue;
    const why = !l
      ? 'no request made it'
      : l.provision !== 'ok'
        ? `its provision failed (${l.provision})`
        : 'its deletion succeeded';
    out.push(`${c.id} (${role ?? 'untagged'}, ${c.status}): ${why}`);
  }
  const clusterIds = new Set(emulator.rds.clusters().map((c) => c.id));
  for (const i of emulator.rds.instances())
    if (!clusterIds.has(i.clusterId)) out.push(`instance ${i.id} (${i.status}) of a cluster that is gone`);
  return out;
}

export const soak: Benchmark = {
  name: 'soak',
  title: 'provisions and deletions under throttling, internal failures and jittered latency',
  async run({ size, log }) {
    const total = size === 'tiny' ? 8 : 500;
    const sources = Array.from({ length: size === 'tiny' ? 4 : 20 }, (_, i) => `prod-${i + 1}`);
    const { emulator, options } = await benchEnv(
      { quotas: { clusters: 400, instances: 400 }, seed: 7, timeScale: 0.25 },
      {
        managerId: 'bench',
        maxClonesPerSource: MAX_CLONES,
        pollMinMs: 50,
        pollMaxMs: 250,
        waitTimeoutMs: 90_000,
      },
    );
    const lifecycles = new Map<string, Lifecycle>();
    const peak = new Map<string, number>();
    const sample = () => {
      for (const [src, n] of clonesPerSource(emulator)) peak.set(src, Math.max(peak.get(src) ?? 0, n));
    };
    const sampler = setInterval(sample, 25);
    try {
      for (const id of sources) emulator.createSourceCluster({ id, instanceClass: 'db.r6g.large' });
      // The lease table exists before faults start (as it would in a deployed stack).
      await provisionClone({ sourceClusterId: sources[0] ?? 'prod-1', dryRun: true }, options);
      emulator.setFaults(FAULTS);
      const before = emulator.stats();
      const t0 = performance.now();
      let next = 0;
      const worker = async () => {
        while (next < total && performance.now() - t0 < 240_000) {
          const i = next++;
          const l: Lifecycle = { key: `soak-${i}`, source: sources[i % sources.length] ?? 'prod-1' };
          lifecycles.set(l.key, l);
          const p0 = performance.now();
          try {
            const r = await answered(
              provisionClone({ sourceClusterId: l.source, requestKey: l.key, wait: true }, { ...options }),
            );
            l.cloneId = r.clusterId;
            l.provision = 'ok';
          } catch (err) {
            l.provision = reason(err);
          }
          l.provisionMs = performance.now() - p0;
          if (l.provision !== 'ok' || !l.cloneId) continue;
          const d0 = performance.now();
          try {
            await answered(deleteClone({ clusterId: l.cloneId }, { ...options }));
            l.deletion = 'ok';
          } catch (err) {
            l.deletion = reason(err);
          }
          l.deleteMs = performance.now() - d0;
          if (i % 50 === 49)
            log(
              `soak: ${i + 1}/${total} lifecycles started, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
            );
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      const wallMs = performance.now() - t0;
      const calls = callsBetween(before, emulator.stats());
      const injected = Object.values(emulator.stats().actions).reduce(
        (acc, s) => ({ throttled: acc.throttled + s.throttled, failures: acc.failures + s.internalFailures }),
        { throttled: 0, failures: 0 },
      );
      injected.throttled -= Object.values(before.actions).reduce((n, s) => n + s.throttled, 0);
      injected.failures -= Object.values(before.actions).reduce((n, s) => n + s.internalFailures, 0);
      sample();
      clearInterval(sampler);
      // Faults off; let deletions finish (in-process polling, no API calls), then audit what is left.
      emulator.setFaults({ throttleRate: 0, errorRate: 0, latencyMs: 0 });
      await until(
        () => emulator.rds.clusters().every((c) => c.status !== 'deleting' && c.status !== 'creating'),
        30_000,
        100,
      );
      const roots = new Set(sources);
      const left = unaccounted(emulator, roots, lifecycles);
      const overLimit = [...peak].filter(([, n]) => n > MAX_CLONES).map(([src, n]) => `${src}: ${n}`);
      const copies = emulator.rds
        .clusters()
        .filter((c) => c.tags.some((t) => t.Key === TAG.role && t.Value === 'copy'));
      const all = [...lifecycles.values()];
      const provOk = all.filter((l) => l.provision === 'ok');
      const delTried = all.filter((l) => l.deletion !== undefined);
      const delOk = all.filter((l) => l.deletion === 'ok');
      const failures = new Map<string, number>();
      for (const l of all) {
        if (l.provision && l.provision !== 'ok')
          failures.set(`provision: ${l.provision}`, (failures.get(`provision: ${l.provision}`) ?? 0) + 1);
        if (l.deletion && l.deletion !== 'ok')
          failures.set(`delete: ${l.deletion}`, (failures.get(`delete: ${l.deletion}`) ?? 0) + 1);
      }
      const pMs = provOk.map((l) => l.provisionMs ?? 0).sort((a, b) => a - b);
      const dMs = delOk.map((l) => l.deleteMs ?? 0).sort((a, b) => a - b);
      const accidental = emulator.stats().rds.accidentalFullCopies;
      const rows: Cell[][] = [
        [
          'provisions answered (ok / failed)',
          `${all.filter((l) => l.provision).length}/${total} (${provOk.length} / ${all.length - provOk.length})`,
        ],
        [
          'deletions answered (ok / failed)',
          `${delTried.length}/${provOk.length} (${delOk.length} / ${delTried.length - delOk.length})`,
        ],
        ['wall time', ms(wallMs)],
        ['provision to usable, p50 / p95', `${ms(percentile(pMs, 50))} / ${ms(percentile(pMs, 95))}`],
        ['deletion, p50 / p95', `${ms(percentile(dMs, 50))} / ${ms(percentile(dMs, 95))}`],
        [
          'slowest provision / deletion',
          `${ms(pMs[pMs.length - 1] ?? Number.NaN)} / ${ms(dMs[dMs.length - 1] ?? Number.NaN)}`,
        ],
        [
          'API calls (injected Throttling / InternalFailure)',
          `${totalCalls(calls)} (${injected.throttled} / ${injected.failures})`,
        ],
        ['copies made along the way (pool at the end)', copies.length],
        ['highest live clone count on a source (limit)', `${Math.max(0, ...peak.values())} (${MAX_CLONES})`],
        ['sources over their limit (must be 0)', overLimit.length],
        ['accidental full copies (must be 0)', accidental],
        ['clusters left that no request accounts for (must be 0)', left.length],
      ];
      const problems: string[] = [];
      const provFailed = all.length - provOk.length;
      const delFailed = delTried.length - delOk.length;
      if (provFailed) problems.push(`${provFailed} provision(s) failed (see failures by reason)`);
      if (delFailed) problems.push(`${delFailed} deletion(s) failed (see failures by reason)`);
      if (left.length) problems.push(`clusters no request accounts for: ${left.slice(0, 10).join('; ')}`);
      if (overLimit.length) problems.push(`sources over their limit: ${overLimit.join(', ')}`);
      const unanswered = all.filter((l) => /no answer within/.test(`${l.provision} ${l.deletion}`)).length;
      if (unanswered)
        problems.push(`${unanswered} request(s) got no answer within ${ANSWER_TIMEOUT_MS / 1000} s`);
      if (all.length < total)
        problems.push(`only ${all.length} of ${total} lifecycles started within the time cap`);
      return {
        tables: [
          {
            title: `soak: ${total} provisions + deletions, ${IN_FLIGHT} in flight, ${sources.length} sources × ${MAX_CLONES} clones, faults ${Math.round(FAULTS.throttleRate * 100)}% Throttling, ${Math.round(FAULTS.errorRate * 100)}% InternalFailure, latency ${FAULTS.latencyMs}±${FAULTS.jitterMs} ms`,
            columns: ['measure', 'value'],
            rows,
          },
          {
            title: 'soak: failures by reason',
            columns: ['count', 'reason'],
            rows: failures.size
              ? [...failures].sort((a, b) => b[1] - a[1]).map(([r, n]) => [n, r])
              : [[0, 'none']],
          },
        ],
        notes: [
          'each lifecycle: provisionClone (wait until usable, own SDK clients, DynamoDB lease) then deleteClone; sources round-robin; the emulator runs at a quarter of its quick default durations',
          'the SDK retries Throttling and 5xx itself (maxAttempts 8); a failure above is one that still reached the caller',
          "over-limit is sampled every 25 ms from the emulator's records (live clones per source-arn tag) for the whole run, not only at the end",
          left.length ? `left: ${left.join('; ')}` : 'left: nothing but the roots and the pool copies',
        ],
        problems,
        checks: {
          accidentalFullCopies: accidental,
          failedRequests: provFailed + delFailed + (total - all.length),
        },
        data: {
          total,
          wallMs,
          calls,
          injected,
          failures: Object.fromEntries(failures),
          left,
          overLimit,
          peak: Object.fromEntries(peak),
          accidental,
        },
      };
    } finally {
      clearInterval(sampler);
      await emulator.stop();
    }
  },
};
