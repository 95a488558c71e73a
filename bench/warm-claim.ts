// warm-claim: consecutive `aurora-clone-manager clone --wait` calls, each its own CLI process as a
// user or CI job runs it, against a source with warm clones, on the emulator replaying AWS-like
// durations 100× faster (--aws-timings --time-scale 0.01: a clone's volume ~3 s, its writer ~5 s).
// Baseline, measured in the same run: the same command against a source without warm clones (a
// copy-on-write restore and a new writer, what every request costs without them).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describePool, maintainPool } from '../src/engine/api.ts';
import { type BenchEnv, benchEnv, overLimit, until } from './lib/env.ts';
import { type Benchmark, ms, percentile, ratio } from './lib/report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIME_SCALE = 0.01;

interface Timed {
  wallMs: number;
  ok: boolean;
  claimed: boolean;
  error?: string;
}

/** One `clone --wait` as a separate process through the published binary. */
function cloneOnce(env: BenchEnv, source: string): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        'bin/aurora-clone-manager.js',
        'clone',
        '--source',
        source,
        '--wait',
        '--json',
        '--endpoint-url',
        env.emulator.url,
        '--lease-table',
        String(env.options.leaseTable),
        '--manager-id',
        String(env.options.managerId),
      ],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0)
        return resolve({
          wallMs,
          ok: false,
          claimed: false,
          error: err.trim().split('\n').at(-1) ?? `exit ${code}`,
        });
      const result = JSON.parse(out) as { claimedWarmClone?: string; status?: string };
      resolve({ wallMs, ok: result.status === 'available', claimed: result.claimedWarmClone !== undefined });
    });
  });
}

async function build(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`build failed (exit ${code})`))));
  });
}

async function warmPoolReady(env: BenchEnv, source: string, wanted: number): Promise<boolean> {
  const pool = await describePool(source, env.options);
  const warm = pool.clones.filter((c) => c.warm && c.status === 'available');
  return warm.length >= wanted && pool.copies.every((c) => c.status === 'available');
}

export const warmClaim: Benchmark = {
  name: 'warm-claim',
  title: 'consecutive clone --wait processes: warm clones against restoring (AWS-like timings ×0.01)',
  async run({ size, log }) {
    const requests = size === 'tiny' ? 3 : 20;
    const baselineRequests = size === 'tiny' ? 1 : 3;
    await build();
    const env = await benchEnv(
      { awsTimings: true, timeScale: TIME_SCALE },
      { managerId: 'bench', pollMinMs: 200, pollMaxMs: 1_000 },
    );
    try {
      env.emulator.createSourceCluster({ id: 'prod', instanceClass: 'db.r6g.large' });
      env.emulator.createSourceCluster({ id: 'cold', instanceClass: 'db.r6g.large' });
      const config = [{ clusterId: 'prod', targetCloneSlots: 0, maxCloneSlots: 0, warmClones: requests }];
      const failures: string[] = [];
      // Maintenance makes the warm clones (and, past 15, a copy to hold the rest): run it until they are all there.
      for (let round = 0; round < 6; round++) {
        const [report] = await maintainPool(config, env.options);
        if (!report?.ok) failures.push(`maintenance: ${report?.error}`);
        log(
          `warm-claim: maintenance made ${report?.created.length ?? 0} copies, ${report?.warmMade?.length ?? 0} warm clones`,
        );
        let ready = false;
        for (let i = 0; i < 120 && !ready; i++) {
          ready = await warmPoolReady(env, 'prod', requests);
          if (!ready) await new Promise((r) => setTimeout(r, 500));
        }
        if (ready) break;
      }
      if (!(await warmPoolReady(env, 'prod', requests)))
        throw new Error(`${requests} warm clones were not ready`);
      const warm: Timed[] = [];
      for (let i = 0; i < requests; i++) warm.push(await cloneOnce(env, 'prod'));
      const cold: Timed[] = [];
      for (let i = 0; i < baselineRequests; i++) cold.push(await cloneOnce(env, 'cold'));
      for (const t of [...warm, ...cold]) if (!t.ok) failures.push(t.error ?? 'a clone was not available');
      await until(() => true, 0);
      const sorted = (ts: Timed[]) => ts.map((t) => t.wallMs).sort((a, b) => a - b);
      const w = sorted(warm);
      const c = sorted(cold);
      const stats = env.emulator.stats();
      const over = overLimit(env.emulator, 15);
      return {
        tables: [
          {
            title: `${requests} consecutive clone --wait processes, request → usable (wall)`,
            columns: ['pool', 'requests', 'claimed a warm clone', 'p50', 'p95', 'max'],
            rows: [
              [
                'baseline: no warm clones (restore and a new writer)',
                cold.length,
                0,
                ms(percentile(c, 50)),
                ms(percentile(c, 95)),
                ms(c.at(-1) ?? 0),
              ],
              [
                `${requests} warm clones kept by maintenance`,
                warm.length,
                warm.filter((t) => t.claimed).length,
                ms(percentile(w, 50)),
                ms(percentile(w, 95)),
                ms(w.at(-1) ?? 0),
              ],
              [
                'ratio (baseline p50 / warm p50)',
                '',
                '',
                ratio(percentile(c, 50), percentile(w, 50)),
                '',
                '',
              ],
            ],
          },
        ],
        notes: [
          `emulator at --aws-timings --time-scale ${TIME_SCALE}: on AWS a restore's clone takes ~13 min to be usable; a claim takes what the CLI and a few API calls take`,
          `target: warm p95 ≤ 5 s wall; measured ${ms(percentile(w, 95))}`,
        ],
        problems: [...failures, ...over.map((o) => `over the clone limit: ${o}`)],
        checks: { accidentalFullCopies: stats.rds.accidentalFullCopies, failedRequests: failures.length },
        data: { warmMs: w, coldMs: c, claimed: warm.filter((t) => t.claimed).length },
      };
    } finally {
      await env.emulator.stop();
    }
  },
};
