// A provision can use up a source's spare slots, or claim one of its warm clones, hours before the
// next scheduled maintenance run. Whether it did is decided here, once, for both edges: the Lambda
// starts a run for the source at once, the CLI says how to start one.
import type { ProvisionResult } from '../model/api.ts';
import { DEFAULT_LOW_WATER_SLOTS } from '../validation/index.ts';

/** Why the source wants maintenance now. */
export type TopUpDue =
  | { kind: 'warm-clone-claimed'; clusterId: string }
  | { kind: 'few-free-slots'; freeSlots: number; lowWaterSlots: number };

/**
 * Whether `result` left its source wanting maintenance now: it claimed a warm clone that a new one
 * should replace (when the source keeps warm clones), or it left fewer free slots than the low-water
 * mark. A dry run, a request answered with an earlier clone, or a result without a slot count never does.
 */
export function topUpDue(
  result: ProvisionResult,
  source: { lowWaterSlots?: number | undefined; keepsWarmClones: boolean },
): TopUpDue | undefined {
  if (result.reused || result.dryRun || result.freeCapacity === undefined) return undefined;
  if (result.claimedWarmClone && source.keepsWarmClones) {
    return { kind: 'warm-clone-claimed', clusterId: result.claimedWarmClone };
  }
  const lowWaterSlots = source.lowWaterSlots ?? DEFAULT_LOW_WATER_SLOTS;
  return result.freeCapacity < lowWaterSlots
    ? { kind: 'few-free-slots', freeSlots: result.freeCapacity, lowWaterSlots }
    : undefined;
}
