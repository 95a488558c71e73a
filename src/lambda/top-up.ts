// Maintenance runs on a schedule, but a burst can use a source's spare slots (or claim its warm
// clones) well before the next run: a provision that leaves its source under the config's low-water
// mark, or that claimed a warm clone, starts a maintenance run for that source at once, in a
// separate asynchronous invocation. Best effort: the clone is made whatever happens here.
import type { ProvisionResult } from '../model/api.ts';
import { topUpDue } from '../planner/top-up.ts';
import type { LambdaContext } from './context.ts';
import { EVENT_SOURCE } from './continuation.ts';
import type { Deps } from './deps.ts';
import { loadMaintenanceConfig, type MaintenanceEvent } from './maintenance.ts';

/** Why this provision should start maintenance now, as the log says it, or undefined. */
export function topUpReason(
  result: ProvisionResult,
  entry: { lowWaterSlots?: number; warmClones?: number | 'demand' },
): string | undefined {
  const due = topUpDue(result, {
    lowWaterSlots: entry.lowWaterSlots,
    keepsWarmClones: entry.warmClones === 'demand' || (entry.warmClones ?? 0) > 0,
  });
  if (!due) return undefined;
  return due.kind === 'warm-clone-claimed'
    ? `warm clone ${due.clusterId} was claimed: a new one replaces it`
    : `${due.freeSlots} free clone slots left, under the low-water mark ${due.lowWaterSlots}`;
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
