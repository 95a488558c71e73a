// The demand model: how many clone requests a root gets, counted per hour in its lease item (clones
// that are gone leave no trace in the inventory), and how many free slots that asks maintenance to
// keep. Spare slots must absorb every request that arrives before new slots can be ready: those of a
// window as long as a full copy takes to build plus the time to the next run (demandWindow). Demand
// follows the clock — CI runs in working hours, little at night — so the need for the hours ahead is
// read from the same hours of the days before, not from the busiest hours of the whole week: a pool
// sized for the week's peak keeps its copies through every night.
import type { DemandCounts } from '../model/plan.ts';
import type { MaintenancePolicy } from '../model/policy.ts';
import { formatDuration } from '../util/duration.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** The days the hours ahead are compared with: each of the last seven, so every weekday is among them. */
export const REFERENCE_DAYS = 7;
/** How long counts are kept: the reference days and the windows around their hours. */
const KEPT_MS = (REFERENCE_DAYS + 1) * DAY_MS;
/**
 * The entry beside the hourly counts that says when counting began (epoch ms): a source counted for
 * less than the reference days has days its forecast has not seen, and a source with no request yet
 * is not the same as one that had none for a week.
 */
const SINCE = 'since';

export type DemandPolicy = Pick<
  MaintenancePolicy,
  'targetCloneSlots' | 'maxCloneSlots' | 'demandWindowMs' | 'maxClonesPerSource'
>;

function hourOf(t: number): number {
  return Math.floor(t / HOUR_MS) * HOUR_MS;
}

/** The hourly counts, by the hour's start (epoch ms). */
function hourlyCounts(demand: DemandCounts | undefined): Map<number, number> {
  const counts = new Map<number, number>();
  for (const [hour, n] of Object.entries(demand ?? {})) {
    if (hour === SINCE) continue;
    const t = Date.parse(hour);
    if (Number.isFinite(t) && Number.isInteger(n) && n > 0) counts.set(hourOf(t), n);
  }
  return counts;
}

/**
 * When counting began: the recorded instant, else (counts kept before it was recorded) the oldest
 * hour counted; undefined when nothing has been counted.
 */
export function countingSince(demand: DemandCounts | undefined): Date | undefined {
  const since = demand?.[SINCE];
  if (Number.isInteger(since) && (since ?? 0) > 0) return new Date(since as number);
  const hours = [...hourlyCounts(demand).keys()];
  return hours.length ? new Date(Math.min(...hours)) : undefined;
}

/** The counts still worth keeping at `now`, with the instant counting began (now, if it had not). */
function keptCounts(demand: DemandCounts | undefined, now: Date): DemandCounts {
  const out: DemandCounts = {};
  const oldest = now.getTime() - KEPT_MS;
  for (const [hour, n] of hourlyCounts(demand)) {
    if (hour >= oldest) out[new Date(hour).toISOString()] = n;
  }
  out[SINCE] = (countingSince(demand) ?? now).getTime();
  return out;
}

/** The counts with one more request in the hour of `now`, and counts too old to matter dropped. */
export function recordRequest(demand: DemandCounts | undefined, now: Date): DemandCounts {
  const out = keptCounts(demand, now);
  const key = new Date(hourOf(now.getTime())).toISOString();
  out[key] = (out[key] ?? 0) + 1;
  return out;
}

/**
 * The counts with the start of counting recorded, when it was not yet: maintenance's first run on a
 * source starts the clock even before any request, so a source nobody uses stops being new a week later.
 */
export function startCounting(demand: DemandCounts | undefined, now: Date): DemandCounts | undefined {
  return demand?.[SINCE] === undefined ? keptCounts(demand, now) : undefined;
}

export interface SameHoursDemand {
  requests: number;
  /** The reference window that had them. */
  from?: Date;
  to?: Date;
}

/**
 * The most requests in any `windowMs` (whole hours) that started within one window of this time of
 * day, earlier or later (up to `aheadMs` later still), on any of the last 7 days. The same pipelines
 * do not start at the same minute every day, hence the window's slack on both sides.
 */
export function sameHoursDemand(
  demand: DemandCounts | undefined,
  now: Date,
  windowMs: number,
  aheadMs = 0,
): SameHoursDemand {
  const w = Math.max(1, Math.ceil(windowMs / HOUR_MS));
  const ahead = Math.max(0, Math.ceil(aheadMs / HOUR_MS));
  const counts = hourlyCounts(demand);
  const thisHour = hourOf(now.getTime());
  // Nearest the same hours first, so that of windows with as many requests the one named is closest.
  const shifts = Array.from({ length: 2 * w + ahead + 1 }, (_, i) => i - w).sort(
    (a, b) => Math.abs(a) - Math.abs(b) || a - b,
  );
  let best: SameHoursDemand = { requests: 0 };
  for (let d = 1; d <= REFERENCE_DAYS; d++) {
    const sameHour = thisHour - d * DAY_MS;
    for (const h of shifts) {
      const start = sameHour + h * HOUR_MS;
      let n = 0;
      for (let i = 0; i < w; i++) n += counts.get(start + i * HOUR_MS) ?? 0;
      if (n > best.requests) best = { requests: n, from: new Date(start), to: new Date(start + w * HOUR_MS) };
    }
  }
  return best;
}

export interface DemandTarget {
  /** Free slots for the coming demandWindow: below it, maintenance makes copies. */
  target: number;
  /**
   * Free slots the pool may need before a copy purged now could be back (one demandWindow later):
   * a copy nothing uses goes only if the others still have these.
   */
  keep: number;
  /** False for a fixed target (floor = ceiling): copies are kept until obsolete, as then nothing varies. */
  followsDemand: boolean;
  reason: string;
}

function span(from: Date | undefined, to: Date | undefined): string {
  if (!from || !to) return '';
  const day = from.toISOString().slice(0, 10);
  return ` (${day} ${from.toISOString().slice(11, 16)}–${to.toISOString().slice(11, 16)} UTC)`;
}

/** The free slots maintenance keeps for this root, and why. */
export function demandTarget(
  policy: DemandPolicy,
  demand: DemandCounts | undefined,
  now: Date,
): DemandTarget {
  const floor = policy.targetCloneSlots;
  const ceiling = policy.maxCloneSlots;
  if (ceiling <= floor) {
    return {
      target: floor,
      keep: floor,
      followsDemand: false,
      reason: `target ${floor} free slots, fixed (maxCloneSlots = targetCloneSlots): copies are kept until obsolete`,
    };
  }
  const window = formatDuration(policy.demandWindowMs);
  const since = countingSince(demand);
  const countedMs = since ? now.getTime() - since.getTime() : 0;
  // A new source's first burst may fill the root's whole clone group while a copy takes hours; until
  // every day of the week has been seen once, one spare copy is kept beyond the root.
  const learning = countedMs < REFERENCE_DAYS * DAY_MS ? 2 * policy.maxClonesPerSource : 0;
  const bound = (n: number) => Math.min(ceiling, Math.max(floor, learning, n));
  const seen = sameHoursDemand(demand, now, policy.demandWindowMs);
  const later = sameHoursDemand(demand, now, policy.demandWindowMs, policy.demandWindowMs);
  const target = bound(seen.requests);
  const why = [
    `target ${target} free slots for the next ${window}: the busiest ${window} around these hours on the last ${REFERENCE_DAYS} days had ${seen.requests} request${seen.requests === 1 ? '' : 's'}${span(seen.from, seen.to)}`,
  ];
  if (learning > Math.max(floor, seen.requests) && learning <= ceiling) {
    why.push(
      `demand counted for ${countedMs > 0 ? formatDuration(countedMs) : 'no time yet'}, under a week: at least ${learning}, the root's slots and one spare copy's`,
    );
  }
  if (target === floor && Math.max(learning, seen.requests) < floor) why.push(`raised to the floor ${floor}`);
  if (target === ceiling && Math.max(learning, seen.requests) > ceiling)
    why.push(`capped at the ceiling ${ceiling}`);
  return { target, keep: bound(later.requests), followsDemand: true, reason: why.join('; ') };
}
