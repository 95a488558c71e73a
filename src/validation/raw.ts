// Values as edges receive them: CLI flags and environment variables are strings, CloudFormation sends
// every property as a string ("true", "7"), library callers pass typed values but may be plain
// JavaScript. Turning text into booleans, numbers and lists happens here, once.
import { ValidationError } from '../util/errors.ts';

/** A short description of a value for messages: "3", "\"yes\"", a list, an object. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a Date';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return String(value);
}

/** Absent: not given, null, or an empty string (an unset template parameter or environment variable). */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export function stringValue(value: unknown, field: string): string {
  if (typeof value !== 'string')
    throw new ValidationError(field, `must be a string, got ${describeValue(value)}`);
  return value;
}

/** A typed boolean (library, JSON config). */
export function booleanValue(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean')
    throw new ValidationError(field, `must be true or false, got ${describeValue(value)}`);
  return value;
}

/** Text as CloudFormation sends it: strings trimmed, numbers and booleans turned into their text. */
export function textOf(value: unknown, field: string): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ValidationError(field, `must be a string, got ${describeValue(value)}`);
}

/** "true"/"false" in any case (or a boolean). */
export function parseBoolean(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new ValidationError(field, `must be "true" or "false", got ${describeValue(value)}`);
}

/** A whole number written as text ("7", "-1"), or a number; its range is the caller's rule. */
export function parseWholeNumber(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined || !/^-?\d+$/.test(text)) {
    throw new ValidationError(field, `${describeValue(value)} is not a whole number`);
  }
  return Number(text);
}

/** A list of strings, or one comma-separated string (CloudFormation's CommaDelimitedList); blanks dropped. */
export function parseList(value: unknown, field: string): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (!items) {
    throw new ValidationError(
      field,
      `must be a list or a comma-separated string, got ${describeValue(value)}`,
    );
  }
  return items.map((item, i) => textOf(item, `${field}[${i}]`)).filter((item) => item !== '');
}
