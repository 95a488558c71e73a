// Scheduled pool maintenance: read the JSON config from SSM, validate it (every problem reported
// with its path), then maintain each source on its own, so one failing source does not stop the
// others. A bad or missing config throws: the invocation fails loudly (metrics, DLQ).
import type { MaintenanceReport, MaintenanceSource } from '../model/api.ts';
import { AcmError, errorMessage, ValidationError } from '../util/errors.ts';
import { EVENT_SOURCE } from './continuation.ts';
import type { Deps } from './deps.ts';

export interface MaintenanceEvent {
  source: typeof EVENT_SOURCE;
  action: 'maintain';
  /** Only these sources of the config (a provision that left its source low starts this); default all. */
  sources?: string[];
}

/** The sources an event asks for, when it names some. */
export function eventSources(event: unknown): string[] | undefined {
  const sources = (event as { sources?: unknown } | null)?.sources;
  return Array.isArray(sources) && sources.every((s) => typeof s === 'string') ? sources : undefined;
}

export function isMaintenanceEvent(event: unknown): boolean {
  const e = event as { source?: unknown; action?: unknown; 'detail-type'?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.source === EVENT_SOURCE && e.action === 'maintain') return true;
  // An EventBridge schedule target without a custom Input delivers the Scheduled Event itself.
  return e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event';
}

export interface MaintenanceSummary {
  parameter: string;
  ok: boolean;
  reports: MaintenanceReport[];
}

export async function loadMaintenanceConfig(
  deps: Deps,
): Promise<{ parameter: string; sources: MaintenanceSource[] }> {
  const parameter = deps.env.maintenanceConfigSsm;
  if (!parameter) {
    throw new ValidationError(
      'MAINTENANCE_CONFIG_SSM',
      'is not set (nor STACK_NAME, which gives /<stack>/maintenance-config)',
    );
  }
  return { parameter, sources: await deps.engine.loadMaintenanceConfig(parameter, deps.options) };
}

export async function runMaintenance(deps: Deps, only?: string[]): Promise<MaintenanceSummary> {
  const config = await loadMaintenanceConfig(deps);
  const parameter = config.parameter;
  const wanted = only && new Set(only.map((s) => s.toLowerCase()));
  const sources = wanted
    ? config.sources.filter((s) => wanted.has(s.clusterId.toLowerCase()))
    : config.sources;
  deps.logger.info('maintenance started', { parameter, sources: sources.map((s) => s.clusterId) });
  const reports: MaintenanceReport[] = [];
  // One source at a time: each takes its source's lease and makes AWS calls of its own.
  for (const source of sources) {
    let report: MaintenanceReport;
    try {
      const [r] = await deps.engine.maintainPool([source], deps.options);
      if (!r) throw new AcmError(`maintenance returned no report for ${source.clusterId}`);
      report = r;
    } catch (err) {
      report = {
        clusterId: source.clusterId,
        ok: false,
        error: errorMessage(err),
        dryRun: source.dryRun ?? false,
        created: [],
        deleted: [],
      };
    }
    const { plan: _plan, ...loggable } = report;
    if (report.ok) deps.logger.info('source maintained', { ...loggable });
    else deps.logger.error('source maintenance failed', { ...loggable });
    reports.push(report);
  }
  const ok = reports.every((r) => r.ok);
  deps.logger.info('maintenance finished', {
    ok,
    failed: reports.filter((r) => !r.ok).map((r) => r.clusterId),
  });
  return { parameter, ok, reports };
}
