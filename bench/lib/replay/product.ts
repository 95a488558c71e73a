// The product serving the trace: each request is the library's provisionClone (wait until usable),
// each release its deleteClone, and maintenance runs maintainPool on the stack's schedule with the
// stack's maintenance config, as the Lambda does for each source of the SSM parameter. The setup is
// the benchmark's input, so any schedule and config the product accepts can be replayed.
//
// With `lowWaterTrigger`, requests go the way the Lambda serves them: the provision without waiting,
// then the Lambda's own rule (`topUpReason`, src/lambda/top-up.ts) on its result — under the
// source's low-water mark, or a warm clone claimed — starts a maintenance run for that source at
// once (the Lambda invokes itself asynchronously; here it runs beside, not awaited by the request),
// then the same request (same request key) waits until its clone is usable.
import {
  deleteClone,
  describePool,
  ensureLeaseTable,
  maintainPool,
  provisionClone,
} from '../../../src/engine/api.ts';
import { topUpReason } from '../../../src/lambda/top-up.ts';
import type { AppliedSummary, MaintenanceSource } from '../../../src/model/api.ts';
import { errorMessage } from '../../../src/util/errors.ts';
import { type Account, SOURCE } from './account.ts';
import { type BackgroundFigures, noBackground, type Requester, type Served } from './requester.ts';

export interface ProductSetup {
  /** The stack's MaintenanceSchedule (EventBridge `rate(…)`). */
  schedule: string;
  /** The first scheduled run, ms after the trace starts (a rate schedule counts from when the rule was made). */
  firstRunAfterMs: number;
  /** The maintenance config, as in the SSM parameter `/<stack>/maintenance-config`. */
  maintenanceConfig: MaintenanceSource[];
  /** A provision whose result `topUpReason` flags starts maintenance for its source at once, as the Lambda does. */
  lowWaterTrigger?: boolean;
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The interval of an EventBridge `rate(N unit)` expression. */
export function rateMs(schedule: string): number {
  const m = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(schedule.trim());
  if (!m) throw new Error(`time-to-clone replays rate(N minutes|hours|days) schedules, not ${schedule}`);
  return Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
}

const waitedForCopy = (applied: readonly AppliedSummary[]) =>
  applied.some((s) => s.kind === 'copy' || s.kind === 'wait-copy');

export function product(account: Account, setup: ProductSetup): Requester {
  const { clock, options } = account;
  const every = rateMs(setup.schedule);
  const figures: BackgroundFigures = noBackground();
  /** Requests under way and the maintenance runs they started: background() ends after them. */
  const underWay = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    underWay.add(p);
    const untrack = () => underWay.delete(p);
    p.then(untrack, untrack);
    return p;
  };
  const maintain = async (config: MaintenanceSource[]) => {
    try {
      for (const report of await maintainPool(config, options)) {
        figures.copiesMade += report.created.length;
        figures.warmMade += report.warmMade?.length ?? 0;
        if (!report.ok) figures.failures.push(`${report.clusterId}: ${report.error}`);
      }
    } catch (err) {
      figures.failures.push(errorMessage(err));
    }
  };
  const entry = setup.maintenanceConfig.find((s) => s.clusterId.toLowerCase() === SOURCE.toLowerCase());

  async function lambdaRequest(key: string): Promise<Served> {
    const started = await provisionClone({ sourceClusterId: SOURCE, requestKey: key, wait: false }, options);
    if (entry && topUpReason(started, entry)) {
      figures.triggered++;
      void track(maintain([entry]));
    }
    const usable = await provisionClone({ sourceClusterId: SOURCE, requestKey: key, wait: true }, options);
    return {
      clusterId: usable.clusterId,
      waitedForFullCopy: waitedForCopy(started.applied) || waitedForCopy(usable.applied),
      claimedWarmClone: started.claimedWarmClone !== undefined,
    };
  }

  return {
    async prepare() {
      // What a deployed stack has before its first request: the lease table, warm SDK clients.
      await ensureLeaseTable(String(options.leaseTable), options);
      await describePool(SOURCE, options);
    },
    request(key): Promise<Served> {
      if (setup.lowWaterTrigger) return track(lambdaRequest(key));
      return track(
        provisionClone({ sourceClusterId: SOURCE, requestKey: key, wait: true }, options).then((r) => ({
          clusterId: r.clusterId,
          waitedForFullCopy: waitedForCopy(r.applied),
          claimedWarmClone: r.claimedWarmClone !== undefined,
        })),
      );
    },
    async release(clusterId) {
      await deleteClone({ clusterId }, options);
    },
    async background(start, end): Promise<BackgroundFigures> {
      for (let at = start + setup.firstRunAfterMs; at < end; at += every) {
        await clock.sleepUntil(at);
        figures.runs++;
        if (setup.maintenanceConfig.length > 0) await maintain(setup.maintenanceConfig);
      }
      // Maintenance the last requests set off is part of the run.
      await clock.sleepUntil(end);
      while (underWay.size > 0) await Promise.allSettled([...underWay]);
      return figures;
    },
  };
}
