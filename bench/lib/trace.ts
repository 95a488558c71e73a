// A seeded demand trace: weekday CI bursts (a pipeline fanning out 15 test databases within
// 10 minutes) on top of requests spread over office hours, a few on weekends, each clone kept
// 1–8 hours. The same seed gives the same trace.
import { seededRandom } from '../../src/emulator/faults.ts';

export interface Demand {
  /** Virtual ms since the epoch. */
  at: number;
  /** How long the requester keeps the clone once it is usable. */
  holdMs: number;
}

export interface TraceOptions {
  start: Date;
  days: number;
  seed: number;
  /** Requests per weekday between 09:00 and 18:00 (±15%). */
  perWeekday: number;
  /** Requests in each burst, all within burstWindowMs. */
  burstSize: number;
  burstWindowMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function demandTrace(o: TraceOptions): Demand[] {
  const random = seededRandom(o.seed);
  const uniform = (lo: number, hi: number) => lo + random() * (hi - lo);
  const hold = () => uniform(1 * HOUR, 8 * HOUR);
  const out: Demand[] = [];
  for (let d = 0; d < o.days; d++) {
    const day = o.start.getTime() + d * DAY;
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) {
      const n = Math.floor(uniform(0, 4));
      for (let i = 0; i < n; i++) out.push({ at: day + uniform(10 * HOUR, 17 * HOUR), holdMs: hold() });
      continue;
    }
    const n = Math.round(o.perWeekday * uniform(0.85, 1.15));
    const burstAt = day + uniform(9.5 * HOUR, 16 * HOUR);
    const inBurst = Math.min(n, o.burstSize);
    for (let i = 0; i < inBurst; i++) out.push({ at: burstAt + uniform(0, o.burstWindowMs), holdMs: hold() });
    for (let i = inBurst; i < n; i++) out.push({ at: day + uniform(9 * HOUR, 18 * HOUR), holdMs: hold() });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** The most requests that arrived within any window of `windowMs` (a sliding window over the trace). */
export function peakInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[hi] ?? 0) - (times[lo] ?? 0) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
