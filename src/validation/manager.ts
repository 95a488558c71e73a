// The settings of one manager deployment (ManagerOptions): its name and the pool numbers every
// request falls back to.
import { DEFAULT_MANAGER_ID, type ManagerOptions } from '../model/api.ts';
import { ValidationError } from '../util/errors.ts';
import { checkTableName } from './aws-settings.ts';
import { LIBRARY_DEFAULTS } from './defaults.ts';
import { checkDuration } from './durations.ts';
import { type FieldKey, type FieldNames, namer } from './fields.ts';
import { checkManagerId } from './identifiers.ts';
import { checkMaxClonesPerSource } from './numbers.ts';
import { fieldReader, type KnownKeys } from './objects.ts';
import { Problems } from './problems.ts';
import { booleanValue, describeValue } from './raw.ts';

const OPTION_KEYS: KnownKeys<ManagerOptions> = {
  aws: true,
  clients: true,
  managerId: true,
  maxClonesPerSource: true,
  maxCopyAge: true,
  leaseTable: true,
  createLeaseTable: true,
  clock: true,
  logger: true,
  onProgress: true,
  pollMinMs: true,
  pollMaxMs: true,
  waitTimeoutMs: true,
};

function checkMilliseconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(field, `must be a number of milliseconds ≥ 0, got ${describeValue(value)}`);
  }
  return value;
}

function checkLeaseTable(value: unknown, field: string): string | false {
  return value === false ? false : checkTableName(value, field);
}

/** The deployment's name and pool numbers, defaults applied; every bad option named in one pass. */
export function validateManagerOptions(
  options: ManagerOptions,
  fields: FieldNames = {},
): { managerId: string; maxClonesPerSource: number; maxCopyAgeMs: number } {
  const name = namer(fields);
  const problems = new Problems();
  const take = fieldReader(
    options,
    'options',
    OPTION_KEYS,
    (key) => name(key as FieldKey),
    problems,
    'option',
  );
  const managerId = take('managerId', checkManagerId);
  const maxClonesPerSource = take('maxClonesPerSource', checkMaxClonesPerSource);
  const maxCopyAgeMs = take('maxCopyAge', checkDuration);
  take('leaseTable', checkLeaseTable);
  take('createLeaseTable', booleanValue);
  take('pollMinMs', checkMilliseconds);
  take('pollMaxMs', checkMilliseconds);
  take('waitTimeoutMs', checkMilliseconds);
  problems.throwIfAny();
  return {
    managerId: managerId ?? DEFAULT_MANAGER_ID,
    maxClonesPerSource: maxClonesPerSource ?? LIBRARY_DEFAULTS.maxClonesPerSource,
    maxCopyAgeMs: maxCopyAgeMs ?? LIBRARY_DEFAULTS.maxCopyAgeMs,
  };
}
