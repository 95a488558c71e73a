// Maintenance runs on a schedule, but a burst can use a source's spare slots (or claim its warm
// clones) well before the next run: a provision that leaves its source under the config's low-water
// mark, or that claimed a warm clone, starts a maintenance run for that source at once, in a
// separate asynchronous invocation. Best effort: the clone is made whatever happens here.
import type { ProvisionResult } from '../model/api.ts';
import { DEFAULT_LOW_WATER_SLOTS } from '../validation/index.ts';
import type { LambdaContext } from './context.ts';
import { EVENT_SOURCE } from './continuation.ts';
import type { Deps } from './deps.ts';
import { loadMaintenanceConfig, type MaintenanceEvent } from './maintenance.ts';

/** Why this provision should start maintenance now, or undefined. */
export function topUpReason(
  result: ProvisionResult,
  entry: { lowWaterSlots?: number; warmClones?: number | 'demand' },
): string | undefined {
  if (result.reused || result.dryRun || result.freeCapacity === undefined) return undefined;
  if (result.claimedWarmClone && (entry.warmClones === 'demand' || (entry.warmClones ?? 0) > 0)) {
    return `warm clone ${result.claimedWarmClone} was claimed: a new one replaces it`;
  }
  const low = entry.lowWaterSlots ?? DEFAULT_LOW_WATER_SLOTS;
  return result.freeCapacity < low
    ? `${result.freeCapacity} free clone slots left, under the low-water mark ${low}`
    : undefined;
}

export async function topUpIfLow(
  result: ProvisionResult,
  rootClusterId: string,
  deps: Deps,
  context: LambdaContext,
): Promise<void> {
  if (!context.functionName || result.freeCapacity === undefined || result.reused) return;
  try {
    const { sources } = await loadMaintenanceConfig(deps);
    const entry = sources.find((s) => s.clusterId.toLowerCase() === rootClusterId.toLowerCase());
    const why = entry && topUpReason(result, entry);
    if (!entry || !why) return;
    const event: MaintenanceEvent = { source: EVENT_SOURCE, action: 'maintain', sources: [entry.clusterId] };
    await deps.engine.invokeAsync(context.functionName, event, deps.options);
    deps.logger.info('maintenance started now', { source: entry.clusterId, why });
  } catch (err) {
    deps.logger.warn('could not start maintenance early; the schedule will run it', {
      source: rootClusterId,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
