// An emulator plus the ManagerOptions that point the engine at it, for integration tests.
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import type { ManagerOptions } from '../../src/model/api.ts';
import { TAG } from '../../src/model/tags.ts';

export interface EngineEnv {
  emulator: RunningEmulator;
  options: ManagerOptions;
}

let tableSeq = 0;

/**
 * ManagerOptions that point the engine at `emulator`: quick polls and a lease table of its own, so
 * runs in one process never share leases by accident.
 */
export function managerOptionsFor(emulator: RunningEmulator, overrides: ManagerOptions = {}): ManagerOptions {
  return {
    aws: {
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    },
    pollMinMs: 50,
    pollMaxMs: 200,
    waitTimeoutMs: 60_000,
    leaseTable: process.env.ACM_TEST_NO_TABLE ? false : `leases-${process.pid}-${++tableSeq}`,
    ...overrides,
  };
}

export async function engineEnv(
  emulatorOptions: EmulatorOptions = {},
  manager: ManagerOptions = {},
): Promise<EngineEnv> {
  const emulator = await startEmulator({ quotas: { clusters: 200, instances: 200 }, ...emulatorOptions });
  emulator.createSourceCluster({ id: 'prod', instanceClass: 'db.r6g.large', engine: 'aurora-postgresql' });
  return { emulator, options: managerOptionsFor(emulator, manager) };
}

/** Live (not deleting) clones per source ARN, counted from the emulator's own records, not through the product. */
export function clonesPerSource(emulator: RunningEmulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of emulator.rds.clusters()) {
    if (c.status === 'deleting') continue;
    const tags = Object.fromEntries(c.tags.map((t) => [t.Key, t.Value]));
    if (tags[TAG.role] !== 'clone') continue;
    const src = tags[TAG.sourceArn] ?? '';
    counts.set(src, (counts.get(src) ?? 0) + 1);
  }
  return counts;
}
