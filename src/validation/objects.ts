// Objects given as configuration (a request, a maintenance entry, ResourceProperties): only known keys,
// so a typo fails loudly instead of being ignored, and never a key that reaches Object.prototype.
import { ValidationError } from '../util/errors.ts';
import type { Problems } from './problems.ts';
import { describeValue } from './raw.ts';

/** Keys that would change or shadow an object's prototype when copied with assignment. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Every key of T, listed once: a key added to T and not here is a compile error. */
export type KnownKeys<T> = Readonly<Record<keyof Required<T>, true>>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Reports every own key of `obj` that is forbidden or not in `known`, named by `nameOf(key)`.
 * `what` is how the edge calls its keys ("key", "property", "option").
 */
export function checkKeys(
  obj: Record<string, unknown>,
  known: Readonly<Record<string, true>>,
  nameOf: (key: string) => string,
  problems: Problems,
  what = 'key',
): void {
  for (const key of Object.keys(obj)) {
    if (FORBIDDEN_KEYS.has(key)) {
      problems.add(nameOf(key), `"${key}" is not allowed as a ${what} (it is a JavaScript object property)`);
    } else if (!Object.hasOwn(known, key)) {
      problems.add(nameOf(key), `unknown ${what} (allowed: ${Object.keys(known).join(', ')})`);
    }
  }
}

/** Reads one field of a checked object through its rule; a required field that is absent is reported. */
export type FieldReader<T> = <R>(
  key: keyof T & string,
  rule: (value: unknown, field: string) => R,
  required?: boolean,
) => R | undefined;

/**
 * Checks that `value` is an object with only known keys and returns a reader for its fields; every
 * problem goes to `problems`. `subject` names the object itself when it is not one.
 */
export function fieldReader<T extends object>(
  value: T,
  subject: string,
  known: KnownKeys<T>,
  nameOf: (key: string) => string,
  problems: Problems,
  what = 'key',
): FieldReader<T> {
  if (!isPlainObject(value)) {
    throw new ValidationError(subject, `must be an object, got ${describeValue(value)}`);
  }
  checkKeys(value, known, nameOf, problems, what);
  return (key, rule, required = false) => {
    const field = value[key];
    if (required && (field === undefined || field === '')) {
      problems.add(nameOf(key), 'is required');
      return undefined;
    }
    return field === undefined ? undefined : problems.check(() => rule(field, nameOf(key)));
  };
}
