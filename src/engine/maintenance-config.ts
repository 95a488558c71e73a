// The maintenance config (a JSON list of MaintenanceSource), validated in stages: shape, then every
// field, collecting all problems with their path, unknown keys included, so a typo fails loudly.

import type { MaintenanceSource } from '../model/api.ts';
import { parseDuration } from '../util/duration.ts';
import { ValidationError, ValidationErrors } from '../util/errors.ts';
import { identifierProblem } from '../util/identifiers.ts';

type Check = (value: unknown) => string | undefined;

const isBool: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const intRange =
  (min: number, max?: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && (max === undefined || v <= max)
      ? undefined
      : max === undefined
        ? `must be a whole number ≥ ${min}`
        : `must be a whole number from ${min} to ${max}`;

const FIELDS: Record<keyof MaintenanceSource, { required?: boolean; check: Check }> = {
  clusterId: {
    required: true,
    check: (v) => (typeof v === 'string' ? identifierProblem(v) : 'must be a cluster identifier (string)'),
  },
  targetCloneSlots: { required: true, check: intRange(0) },
  maxCopyAge: {
    check: (v) =>
      typeof v === 'string' && parseDuration(v) !== undefined
        ? undefined
        : 'must be a duration such as P3D or 12h',
  },
  maxClonesPerSource: { check: intRange(1, 15) },
  copyInstanceClass: {
    check: (v) =>
      typeof v === 'string' && /^db\.[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(v)
        ? undefined
        : 'must be a DB instance class such as db.r6g.large',
  },
  purgeObsoleteCopies: { check: isBool },
  deleteExpiredClones: { check: isBool },
  dryRun: { check: isBool },
};

/** Validate parsed JSON; `field` prefixes every path (e.g. `--config`). Throws ValidationErrors listing every problem. */
export function parseMaintenanceConfig(data: unknown, field: string): MaintenanceSource[] {
  if (!Array.isArray(data)) {
    throw new ValidationError(
      field,
      'must be a JSON list of sources, e.g. [{"clusterId": "prod", "targetCloneSlots": 20}]',
    );
  }
  if (data.length === 0) throw new ValidationError(field, 'lists no sources');
  const errors: ValidationError[] = [];
  const seen = new Set<string>();
  data.forEach((entry, i) => {
    const at = `${field} [${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      errors.push(new ValidationError(at, 'must be an object'));
      return;
    }
    const obj = entry as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (!(key in FIELDS)) {
        errors.push(
          new ValidationError(`${at}.${key}`, `unknown key (allowed: ${Object.keys(FIELDS).join(', ')})`),
        );
      }
    }
    for (const [key, spec] of Object.entries(FIELDS)) {
      const value = obj[key];
      if (value === undefined) {
        if (spec.required) errors.push(new ValidationError(`${at}.${key}`, 'is required'));
        continue;
      }
      const problem = spec.check(value);
      if (problem)
        errors.push(new ValidationError(`${at}.${key}`, `${problem} (got ${JSON.stringify(value)})`));
    }
    if (typeof obj.clusterId === 'string') {
      if (seen.has(obj.clusterId))
        errors.push(new ValidationError(`${at}.clusterId`, `"${obj.clusterId}" is listed twice`));
      seen.add(obj.clusterId);
    }
  });
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new ValidationErrors(errors);
  return data as MaintenanceSource[];
}
