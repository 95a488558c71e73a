// An emulator and the ManagerOptions that point the engine at it (the same as the integration
// tests use), plus the measurements the benchmarks take from the emulator's own records.
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import type { StatsSnapshot } from '../../src/emulator/stats.ts';
import type { ManagerOptions } from '../../src/model/api.ts';
import { TAG } from '../../src/model/tags.ts';
import { clonesPerSource, managerOptionsFor } from '../../test/helpers/engine-env.ts';

export { clonesPerSource };

export interface BenchEnv {
  emulator: RunningEmulator;
  options: ManagerOptions;
}

export async function benchEnv(
  emulatorOptions: EmulatorOptions = {},
  manager: ManagerOptions = {},
): Promise<BenchEnv> {
  const emulator = await startEmulator({ quotas: { clusters: 400, instances: 400 }, ...emulatorOptions });
  return { emulator, options: managerOptionsFor(emulator, { waitTimeoutMs: 120_000, ...manager }) };
}

/** Requests per action between two snapshots (injected faults included: they are calls too). */
export function callsBetween(before: StatsSnapshot, after: StatsSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [action, s] of Object.entries(after.actions)) {
    const n = s.count - (before.actions[action]?.count ?? 0);
    if (n > 0) out[action] = n;
  }
  return out;
}

export const totalCalls = (calls: Record<string, number>): number =>
  Object.values(calls).reduce((a, b) => a + b, 0);

/** `DescribeDBClusters 31, UpdateItem 2, …`, biggest first. */
export function formatCalls(calls: Record<string, number>): string {
  return Object.entries(calls)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([a, n]) => `${a} ${n}`)
    .join(', ');
}

/** Sources above `limit` live clones, from the emulator's records. */
export function overLimit(emulator: RunningEmulator, limit: number): string[] {
  return [...clonesPerSource(emulator)].filter(([, n]) => n > limit).map(([src, n]) => `${src}: ${n}`);
}

/** Polls the emulator (in-process, no API calls) until `done`, at most `timeoutMs`. */
export async function until(done: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (done()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return done();
}

/** Every copy of the pool and its writer are available (so provisions find slots ready). */
export function poolReady(emulator: RunningEmulator): boolean {
  const clusters = emulator.rds.clusters();
  const instances = emulator.rds.instances();
  return clusters
    .filter((c) => c.tags.some((t) => t.Key === TAG.role && t.Value === 'copy'))
    .every(
      (c) =>
        c.status === 'available' && instances.some((i) => i.clusterId === c.id && i.status === 'available'),
    );
}
