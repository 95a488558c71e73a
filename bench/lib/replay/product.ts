// The product serving the trace: each request is the library's provisionClone (wait until usable),
// each release its deleteClone, and maintenance runs maintainPool on the stack's schedule with the
// stack's maintenance config, as the Lambda does for each source of the SSM parameter. The setup is
// the benchmark's input, so any schedule and config the product accepts can be replayed.
import {
  deleteClone,
  describePool,
  ensureLeaseTable,
  maintainPool,
  provisionClone,
} from '../../../src/engine/api.ts';
import type { MaintenanceSource } from '../../../src/model/api.ts';
import { type Account, SOURCE } from './account.ts';
import type { BackgroundFigures, Requester, Served } from './requester.ts';

export interface ProductSetup {
  /** The stack's MaintenanceSchedule (EventBridge `rate(…)`). */
  schedule: string;
  /** The first scheduled run, ms after the trace starts (a rate schedule counts from when the rule was made). */
  firstRunAfterMs: number;
  /** The maintenance config, as in the SSM parameter `/<stack>/maintenance-config`. */
  maintenanceConfig: MaintenanceSource[];
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The interval of an EventBridge `rate(N unit)` expression. */
export function rateMs(schedule: string): number {
  const m = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(schedule.trim());
  if (!m) throw new Error(`time-to-clone replays rate(N minutes|hours|days) schedules, not ${schedule}`);
  return Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
}

export function product(account: Account, setup: ProductSetup): Requester {
  const { clock, options } = account;
  const every = rateMs(setup.schedule);
  return {
    async prepare() {
      // What a deployed stack has before its first request: the lease table, warm SDK clients.
      await ensureLeaseTable(String(options.leaseTable), options);
      await describePool(SOURCE, options);
    },
    async request(key): Promise<Served> {
      const r = await provisionClone({ sourceClusterId: SOURCE, requestKey: key, wait: true }, options);
      return {
        clusterId: r.clusterId,
        waitedForFullCopy: r.applied.some((s) => s.kind === 'copy' || s.kind === 'wait-copy'),
      };
    },
    async release(clusterId) {
      await deleteClone({ clusterId }, options);
    },
    async background(start, end): Promise<BackgroundFigures> {
      const figures: BackgroundFigures = { runs: 0, copiesMade: 0, failures: [] };
      for (let at = start + setup.firstRunAfterMs; at < end; at += every) {
        await clock.sleepUntil(at);
        figures.runs++;
        if (setup.maintenanceConfig.length === 0) continue;
        try {
          for (const report of await maintainPool(setup.maintenanceConfig, options)) {
            figures.copiesMade += report.created.length;
            if (!report.ok) figures.failures.push(`${report.clusterId}: ${report.error}`);
          }
        } catch (err) {
          figures.failures.push(err instanceof Error ? err.message : String(err));
        }
      }
      return figures;
    },
  };
}
