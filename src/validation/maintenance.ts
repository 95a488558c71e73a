// The maintenance config: a JSON list of MaintenanceSource (from a file, an SSM parameter or a library
// call), validated in stages (shape, then every field) with every problem named by its path, e.g.
// `--config [0].copyInstanceClass` or `/stack/maintenance-config [2].targetCloneSlots`.
import type { MaintenanceSource } from '../model/api.ts';
import type { MaintenancePolicy } from '../model/policy.ts';
import { ValidationError } from '../util/errors.ts';
import { LIBRARY_DEFAULTS, type PoolDefaults } from './defaults.ts';
import { checkDuration } from './durations.ts';
import { type FieldKey, type FieldNames, namer } from './fields.ts';
import { checkClusterId } from './identifiers.ts';
import { checkInstanceClass } from './instance-class.ts';
import { checkMaxClonesPerSource, checkTargetCloneSlots } from './numbers.ts';
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
  dryRun: true,
};

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
  take('dryRun', booleanValue);
  problems.throwIfAny();

  const policy: MaintenancePolicy = {
    clusterId: clusterId!,
    targetCloneSlots: targetCloneSlots!,
    maxClonesPerSource: maxClonesPerSource ?? defaults.maxClonesPerSource,
    maxCopyAgeMs: maxCopyAgeMs ?? defaults.maxCopyAgeMs,
    purgeObsoleteCopies: purgeObsoleteCopies ?? true,
    deleteExpiredClones: deleteExpiredClones ?? true,
  };
  if (copyInstanceClass !== undefined) policy.copyInstanceClass = copyInstanceClass;
  return policy;
}

/**
 * Validates parsed JSON; `field` prefixes every path (e.g. `--config`, the SSM parameter's name).
 * Throws ValidationError(s) listing every problem of every entry.
 */
export function parseMaintenanceConfig(data: unknown, field: string): MaintenanceSource[] {
  if (!Array.isArray(data)) {
    throw new ValidationError(
      field,
      'must be a JSON list of sources, e.g. [{"clusterId": "prod", "targetCloneSlots": 20}]',
    );
  }
  if (data.length === 0) throw new ValidationError(field, 'lists no sources');
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
