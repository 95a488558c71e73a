// The maintenance config: a JSON list of MaintenanceSource (from a file, an SSM parameter or a library
// call), validated in stages (shape, then every field) with every problem named by its path, e.g.
// `--config [0].copyInstanceClass` or `/stack/maintenance-config [2].targetCloneSlots`.
import type { MaintenanceSource } from '../model/api.ts';
import type { MaintenancePolicy } from '../model/policy.ts';
import { formatDuration } from '../util/duration.ts';
import { ValidationError } from '../util/errors.ts';
import { LIBRARY_DEFAULTS, type PoolDefaults } from './defaults.ts';
import { checkDuration } from './durations.ts';
import { type FieldKey, type FieldNames, namer } from './fields.ts';
import { checkClusterId } from './identifiers.ts';
import { checkInstanceClass } from './instance-class.ts';
import { checkMaxClonesPerSource, checkTargetCloneSlots, checkWarmClones } from './numbers.ts';
import { fieldReader, isPlainObject, type KnownKeys } from './objects.ts';
import { Problems } from './problems.ts';
import { booleanValue } from './raw.ts';

const SOURCE_KEYS: KnownKeys<MaintenanceSource> = {
  clusterId: true,
  targetCloneSlots: true,
  maxCopyAge: true,
  maxClonesPerSource: true,
  copyInstanceClass: true,
  purgeObsoleteCopies: true,
  deleteExpiredClones: true,
  maxCloneSlots: true,
  demandWindow: true,
  lowWaterSlots: true,
  warmClones: true,
  warmCloneTtl: true,
  warmCloneInstanceClass: true,
  pauseWhenIdle: true,
  dryRun: true,
};

/** Default ceiling of the demand-sized target: three copies' worth of slots over the floor's. */
const DEFAULT_CEILING_COPIES = 3;
/** Default demand window: a full copy's typical build time on AWS (2 h) plus the hourly schedule. */
export const DEFAULT_DEMAND_WINDOW_MS = 3 * 3_600_000;
/** Longest demand window: longer, "the same hours" of two days overlap. */
const MAX_DEMAND_WINDOW_MS = 24 * 3_600_000;
/** Default low-water mark: a third of a copy's slots. */
export const DEFAULT_LOW_WATER_SLOTS = 5;
/** Warm clones older than this are replaced, so the data a claim gets stays recent. */
export const DEFAULT_WARM_CLONE_TTL_MS = 12 * 3_600_000;

/**
 * One maintenance entry against the deployment's defaults. Fields are named `<path>.<key>` unless
 * `fields` names them otherwise (the CLI's single-source form names its flags).
 */
export function validateMaintenanceSource(
  source: MaintenanceSource,
  defaults: PoolDefaults,
  path: string,
  fields: FieldNames = {},
): MaintenancePolicy {
  const name = namer(fields, (key) => `${path}.${key}`);
  const problems = new Problems();
  const take = fieldReader(source, path, SOURCE_KEYS, (key) => name(key as FieldKey), problems);
  const clusterId = take('clusterId', checkClusterId, true);
  const targetCloneSlots = take('targetCloneSlots', checkTargetCloneSlots, true);
  const maxCopyAgeMs = take('maxCopyAge', checkDuration);
  const maxClonesPerSource = take('maxClonesPerSource', checkMaxClonesPerSource);
  const copyInstanceClass = take('copyInstanceClass', checkInstanceClass);
  const purgeObsoleteCopies = take('purgeObsoleteCopies', booleanValue);
  const deleteExpiredClones = take('deleteExpiredClones', booleanValue);
  const maxCloneSlots = take('maxCloneSlots', checkTargetCloneSlots);
  const demandWindowMs = take('demandWindow', checkDuration);
  const lowWaterSlots = take('lowWaterSlots', checkTargetCloneSlots);
  const warmClones = take('warmClones', checkWarmClones);
  const warmCloneTtlMs = take('warmCloneTtl', checkDuration);
  const warmCloneInstanceClass = take('warmCloneInstanceClass', checkInstanceClass);
  const pauseWhenIdle = take('pauseWhenIdle', booleanValue);
  take('dryRun', booleanValue);
  if (pauseWhenIdle && copyInstanceClass !== 'db.serverless' && warmCloneInstanceClass !== 'db.serverless') {
    problems.add(
      name('pauseWhenIdle' as FieldKey),
      'only Serverless v2 writers pause: set copyInstanceClass or warmCloneInstanceClass to db.serverless',
    );
  }
  if (demandWindowMs !== undefined && demandWindowMs > MAX_DEMAND_WINDOW_MS) {
    problems.add(
      name('demandWindow' as FieldKey),
      `${formatDuration(demandWindowMs)} is longer than a day (P1D): the hours ahead are compared with the same hours of each of the last 7 days`,
    );
  }
  if (maxCloneSlots !== undefined && targetCloneSlots !== undefined && maxCloneSlots < targetCloneSlots) {
    problems.add(
      name('maxCloneSlots' as FieldKey),
      `${maxCloneSlots} is below targetCloneSlots ${targetCloneSlots}: the ceiling must not be under the floor`,
    );
  }
  problems.throwIfAny();

  const policy: MaintenancePolicy = {
    clusterId: clusterId!,
    targetCloneSlots: targetCloneSlots!,
    maxClonesPerSource: maxClonesPerSource ?? defaults.maxClonesPerSource,
    maxCopyAgeMs: maxCopyAgeMs ?? defaults.maxCopyAgeMs,
    purgeObsoleteCopies: purgeObsoleteCopies ?? true,
    deleteExpiredClones: deleteExpiredClones ?? true,
    maxCloneSlots:
      maxCloneSlots ??
      Math.max(
        targetCloneSlots!,
        DEFAULT_CEILING_COPIES * (maxClonesPerSource ?? defaults.maxClonesPerSource),
      ),
    demandWindowMs: demandWindowMs ?? DEFAULT_DEMAND_WINDOW_MS,
    lowWaterSlots: lowWaterSlots ?? DEFAULT_LOW_WATER_SLOTS,
    warmClones: warmClones ?? 0,
    warmCloneTtlMs: warmCloneTtlMs ?? DEFAULT_WARM_CLONE_TTL_MS,
    pauseWhenIdle: pauseWhenIdle ?? false,
  };
  if (copyInstanceClass !== undefined) policy.copyInstanceClass = copyInstanceClass;
  if (warmCloneInstanceClass !== undefined) policy.warmCloneInstanceClass = warmCloneInstanceClass;
  return policy;
}

/**
 * Validates parsed JSON; `field` prefixes every path (e.g. `--config`, the SSM parameter's name).
 * Throws ValidationError(s) listing every problem of every entry. An empty list is refused unless
 * `allowEmpty`: a deployed stack's parameter starts as `[]` (no pools yet), a file given to the
 * CLI that lists nothing is a mistake.
 */
export function parseMaintenanceConfig(
  data: unknown,
  field: string,
  { allowEmpty = false }: { allowEmpty?: boolean } = {},
): MaintenanceSource[] {
  if (!Array.isArray(data)) {
    throw new ValidationError(
      field,
      'must be a JSON list of sources, e.g. [{"clusterId": "prod", "targetCloneSlots": 20}]',
    );
  }
  if (data.length === 0 && !allowEmpty) throw new ValidationError(field, 'lists no sources');
  const problems = new Problems();
  const seen = new Set<string>();
  data.forEach((entry: unknown, i) => {
    const at = `${field} [${i}]`;
    problems.check(() => validateMaintenanceSource(entry as MaintenanceSource, LIBRARY_DEFAULTS, at));
    const id = isPlainObject(entry) && typeof entry.clusterId === 'string' ? entry.clusterId : undefined;
    if (id === undefined) return;
    // RDS identifiers are case-insensitive: Prod and prod are one cluster.
    if (seen.has(id.toLowerCase())) problems.add(`${at}.clusterId`, `"${id}" is listed twice`);
    seen.add(id.toLowerCase());
  });
  problems.throwIfAny();
  return data as MaintenanceSource[];
}
