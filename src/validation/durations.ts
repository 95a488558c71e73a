// Durations (maxCopyAge, ttl): ISO-8601 (P3D, PT8H) or the short forms (8h, 3d), or milliseconds from
// library callers. Capped, so a typo such as 9999999999w is a clear error instead of a RangeError
// later, when an expiry date is computed from it.
import { parseDuration } from '../util/duration.ts';
import { ValidationError } from '../util/errors.ts';
import { describeValue } from './raw.ts';

export const MAX_DURATION_DAYS = 3650;
export const MAX_DURATION_MS = MAX_DURATION_DAYS * 86_400_000;

const FORMS = 'ISO-8601 such as P3D or PT8H, or 8h, 30m, 3d';

/** Milliseconds of a positive duration of at most 10 years. */
export function checkDuration(value: unknown, field: string): number {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) {
      throw new ValidationError(field, `must be a positive duration in milliseconds, got ${value}`);
    }
    ms = value;
  } else if (typeof value === 'string') {
    const parsed = parseDuration(value);
    if (parsed === undefined) throw new ValidationError(field, `"${value}" is not a duration (${FORMS})`);
    ms = parsed;
  } else {
    throw new ValidationError(field, `must be a duration (${FORMS}), got ${describeValue(value)}`);
  }
  if (ms > MAX_DURATION_MS) {
    const shown = typeof value === 'string' ? `"${value}"` : `${value} ms`;
    throw new ValidationError(
      field,
      `${shown} is longer than 10 years (P${MAX_DURATION_DAYS}D), the longest duration accepted`,
    );
  }
  return ms;
}
