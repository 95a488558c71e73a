// Replays a request trace against one requester in virtual time: each request arrives at its
// instant, waits until its clone is usable, keeps it for its hold time and releases it; scheduled
// work runs beside. Every figure is read from what happened: the requester's answers, the clock,
// and the emulator's records (the ledger).
import { errorMessage } from '../../../src/util/errors.ts';
import type { Demand } from '../trace.ts';
import { type Account, virtualAccount } from './account.ts';
import { Ledger } from './ledger.ts';
import { type BackgroundFigures, noBackground, type Requester } from './requester.ts';

export interface ServedRequest {
  at: number;
  ms: number;
  waitedForFullCopy: boolean;
  claimedWarmClone: boolean;
}

export interface ReplayFigures {
  requests: number;
  /** Request → usable, ms, sorted. */
  latenciesMs: number[];
  waitedForFullCopy: number;
  /** Each request answered, in arrival order: when it arrived (virtual ms), how long it took, how it was served. */
  served: ServedRequest[];
  /** `req-N: why`, for requests that got no clone and releases that failed. */
  failures: string[];
  copiesMade: number;
  copyHours: number;
  /** Copy-hours in each hour of the window, from its start: where in the day and week they go. */
  copyHoursByHour: number[];
  cloneHours: number;
  /** Hours of full-size volumes: the pool's copies and the clones AWS silently served as full copies. */
  fullVolumeHours: number;
  /** Warm clones made, and the instance-hours they ran unclaimed. */
  warmMade: number;
  warmIdleHours: number;
  /** Deletions the ledger did not see start (must be 0, or the hours are approximate). */
  ledgerMissedEnds: number;
  maxClonesOnASource: number;
  accidentalFullCopies: number;
  background: BackgroundFigures;
  /** SDK commands the run sent, and clock moves it took. */
  calls: number;
  callsByCommand: Record<string, number>;
  clockSteps: number;
  wallMs: number;
}

const HOUR_MS = 3_600_000;

/** Calls after which the ledger reads the records again: what creates, deletes, claims (tags) or renames. */
const MUTATIONS = /^(Restore|Create|Delete|AddTagsToResource|RemoveTagsFromResource|ModifyDBCluster)/;

export async function replay(
  demand: readonly Demand[],
  window: { start: number; end: number },
  sourceSizeGiB: number,
  requesterFor: (account: Account) => Requester,
): Promise<ReplayFigures> {
  const t0 = performance.now();
  // The clock starts an hour early: preparing happens before the first request.
  const account = await virtualAccount(window.start - 3_600_000, sourceSizeGiB);
  const { clock, inFlight, emulator } = account;
  try {
    const requester = requesterFor(account);
    const prepared: { done: boolean; error?: unknown } = { done: false };
    requester.prepare().then(
      () => {
        prepared.done = true;
      },
      (err: unknown) => {
        prepared.done = true;
        prepared.error = err;
      },
    );
    await clock.run(inFlight, () => prepared.done);
    if (prepared.error !== undefined) throw prepared.error;
    const callsBefore = inFlight.started;
    const byCommandBefore = new Map(inFlight.byCommand);
    const stepsBefore = clock.steps;

    const ledger = new Ledger(emulator);
    let waited = 0;
    const latencies: number[] = [];
    const failures: string[] = [];
    const served: ServedRequest[] = [];
    let open = demand.length + 1;
    demand.forEach(async (d, i) => {
      const key = `req-${i}`;
      try {
        await clock.sleepUntil(d.at);
        let answer: Awaited<ReturnType<Requester['request']>>;
        try {
          answer = await requester.request(key);
        } catch (err) {
          failures.push(`${key}: ${errorMessage(err)}`);
          return;
        }
        latencies.push(clock.ms - d.at);
        served.push({
          at: d.at,
          ms: clock.ms - d.at,
          waitedForFullCopy: answer.waitedForFullCopy,
          claimedWarmClone: answer.claimedWarmClone === true,
        });
        if (answer.waitedForFullCopy) waited++;
        await clock.sleep(d.holdMs);
        await requester.release(answer.clusterId).catch((err: unknown) => {
          failures.push(`${key}: release of ${answer.clusterId} failed: ${errorMessage(err)}`);
        });
      } finally {
        open--;
      }
    });
    let background: BackgroundFigures = noBackground();
    requester
      .background(window.start, window.end)
      .then(
        (b) => {
          background = b;
        },
        (err: unknown) => {
          background.failures.push(errorMessage(err));
        },
      )
      .finally(() => {
        open--;
      });

    let mutations = -1;
    const mutationCount = () => {
      let n = 0;
      for (const [command, count] of inFlight.byCommand) if (MUTATIONS.test(command)) n += count;
      return n;
    };
    await clock.run(inFlight, () => open === 0, {
      atRest: (now) => {
        const m = mutationCount();
        if (m !== mutations) {
          mutations = m;
          ledger.sample(now);
        }
      },
    });

    latencies.sort((a, b) => a - b);
    return {
      requests: demand.length,
      latenciesMs: latencies,
      waitedForFullCopy: waited,
      served: served.sort((a, b) => a.at - b.at),
      failures,
      copiesMade: ledger.made('copy', window.start, window.end),
      copyHours: ledger.hours((l) => l.kind === 'copy', window.start, window.end),
      copyHoursByHour: Array.from({ length: Math.ceil((window.end - window.start) / HOUR_MS) }, (_, i) =>
        ledger.hours((l) => l.kind === 'copy', window.start + i * HOUR_MS, window.start + (i + 1) * HOUR_MS),
      ),
      cloneHours: ledger.hours((l) => l.kind === 'clone', window.start, window.end),
      fullVolumeHours: ledger.hours((l) => l.full, window.start, window.end),
      warmMade: ledger.made('warm', window.start, window.end),
      warmIdleHours: ledger.warmIdleHours(window.start, window.end),
      ledgerMissedEnds: ledger.missedEnds,
      maxClonesOnASource: ledger.maxClonesOnASource,
      accidentalFullCopies: emulator.stats().rds.accidentalFullCopies,
      background,
      calls: inFlight.started - callsBefore,
      callsByCommand: Object.fromEntries(
        [...inFlight.byCommand]
          .map(([c, n]) => [c.replace(/Command$/, ''), n - (byCommandBefore.get(c) ?? 0)] as const)
          .filter(([, n]) => n > 0)
          .sort((a, b) => b[1] - a[1]),
      ),
      clockSteps: clock.steps - stepsBefore,
      wallMs: performance.now() - t0,
    };
  } finally {
    await account.stop();
  }
}
