// The demand model: how many clone requests a root gets, counted per hour in its lease item (clones
// that are gone leave no trace in the inventory), and how many free slots that asks maintenance to
// keep. Spare slots must absorb every request that arrives before new slots can be ready: those of
// a window as long as a full copy takes to build plus the time to the next maintenance run. The
// busiest such window of the last week is the need; the floor and ceiling of the config bound it.
import type { DemandCounts } from '../model/plan.ts';
import type { MaintenancePolicy } from '../model/policy.ts';
import { formatDuration } from '../util/duration.ts';

const HOUR_MS = 3_600_000;
/** How far back the busiest window is looked for. */
export const DEMAND_HISTORY_MS = 7 * 24 * HOUR_MS;
/** How long counts are kept (a little more than the history, so nothing is lost at its edge). */
const KEPT_MS = 8 * 24 * HOUR_MS;

function hourOf(t: number): number {
  return Math.floor(t / HOUR_MS) * HOUR_MS;
}

/** The counts with one more request in the hour of `now`, and counts too old to matter dropped. */
export function recordRequest(demand: DemandCounts | undefined, now: Date): DemandCounts {
  const out: DemandCounts = {};
  const oldest = now.getTime() - KEPT_MS;
  for (const [hour, n] of Object.entries(demand ?? {})) {
    const t = Date.parse(hour);
    if (Number.isFinite(t) && t >= oldest && Number.isInteger(n) && n > 0) out[hour] = n;
  }
  const key = new Date(hourOf(now.getTime())).toISOString();
  out[key] = (out[key] ?? 0) + 1;
  return out;
}

/** The most requests in any window of `windowMs` (whole hours) that started in the last week. */
export function busiestWindow(demand: DemandCounts | undefined, now: Date, windowMs: number): number {
  const hours = Math.max(1, Math.ceil(windowMs / HOUR_MS));
  const from = hourOf(now.getTime() - DEMAND_HISTORY_MS);
  const counts = new Map<number, number>();
  for (const [hour, n] of Object.entries(demand ?? {})) {
    const t = Date.parse(hour);
    if (Number.isFinite(t) && t >= from && t <= now.getTime()) counts.set(hourOf(t), n);
  }
  let best = 0;
  for (const start of counts.keys()) {
    let sum = 0;
    for (let h = 0; h < hours; h++) sum += counts.get(start + h * HOUR_MS) ?? 0;
    best = Math.max(best, sum);
  }
  return best;
}

/** The free slots maintenance keeps for this root, and why. */
export function demandTarget(
  policy: Pick<MaintenancePolicy, 'targetCloneSlots' | 'maxCloneSlots' | 'demandWindowMs'>,
  demand: DemandCounts | undefined,
  now: Date,
): { target: number; reason: string } {
  const seen = busiestWindow(demand, now, policy.demandWindowMs);
  const target = Math.min(policy.maxCloneSlots, Math.max(policy.targetCloneSlots, seen));
  const window = formatDuration(policy.demandWindowMs);
  const bound =
    target === policy.maxCloneSlots && seen > target
      ? `, capped at the ceiling ${policy.maxCloneSlots}`
      : target === policy.targetCloneSlots && seen < target
        ? `, raised to the floor ${policy.targetCloneSlots}`
        : '';
  return {
    target,
    reason: `target ${target} free slots: the busiest ${window} of the last week had ${seen} request${seen === 1 ? '' : 's'}${bound}`,
  };
}
