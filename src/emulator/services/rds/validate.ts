// Input rules RDS enforces before touching state, each answered with AWS's fault.

import { identifierProblem } from '../../../util/identifiers.ts';
import { faults } from './errors.ts';
import type { Tag } from './types.ts';

/** Checks an identifier and returns it lower-cased, as RDS stores it. */
export function checkIdentifier(parameter: string, value: string | undefined): string {
  if (value === undefined || value === '') throw faults.missing(parameter);
  const problem = identifierProblem(value);
  if (problem) {
    throw faults.invalidValue(
      `The parameter ${parameter} is not a valid identifier (${problem}). Identifiers must begin with a letter; ` +
        'must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.',
    );
  }
  return value.toLowerCase();
}

export function required<T>(parameter: string, value: T | undefined): T {
  if (value === undefined || value === '') throw faults.missing(parameter);
  return value;
}

/** Master password rules: printable ASCII without / " @ or space; 8–41 (MySQL) or 8–99 (PostgreSQL) characters. */
export function checkPassword(engine: string, password: string): void {
  const max = engine.includes('postgres') ? 99 : 41;
  if (password.length < 8 || password.length > max) {
    throw faults.invalidValue(
      `The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters or longer than ${max}.`,
    );
  }
  if (!/^[\x21-\x7e]+$/.test(password) || /[/"@]/.test(password)) {
    throw faults.invalidValue(
      "The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '\"', ' ' may be used.",
    );
  }
}

export const MAX_TAGS_PER_RESOURCE = 50;

export function checkTags(tags: readonly Tag[]): void {
  for (const tag of tags) {
    if (tag.Key.length < 1 || tag.Key.length > 128)
      throw faults.invalidValue('Tag keys must be 1 to 128 characters long.');
    if (tag.Key.toLowerCase().startsWith('aws:'))
      throw faults.invalidValue('Tag keys may not start with "aws:".');
    if (tag.Value.length > 256)
      throw faults.invalidValue(`The value of tag ${tag.Key} is longer than 256 characters.`);
  }
}

/** Applies tags over existing ones (same key: value replaced), enforcing the per-resource limit. */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  checkTags(added);
  const merged = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const t of added) merged.set(t.Key, t.Value);
  if (merged.size > MAX_TAGS_PER_RESOURCE) {
    throw faults.invalidValue(`A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags.`);
  }
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}
