// AWS tag rules, for the user's own tags and for the values the manager tags with (owner, request key).
// The manager's own tags share the resource's limit of 50, so the user gets what they leave.
import { TAG, TAG_PREFIX } from '../model/tags.ts';
import { ValidationError } from '../util/errors.ts';
import { isPlainObject } from './objects.ts';
import { Problems } from './problems.ts';
import { describeValue, stringValue } from './raw.ts';

export const MAX_TAGS_PER_RESOURCE = 50;
/**
 * Every tag the manager may set on one cluster with a user's tags (see model/tags.ts managedTagList);
 * not-a-clone is the user's, and warm is only on clones no user has tagged yet (it goes before theirs come).
 */
export const MANAGER_TAG_COUNT = Object.keys(TAG).filter((k) => k !== 'notAClone' && k !== 'warm').length;
export const MAX_USER_TAGS = MAX_TAGS_PER_RESOURCE - MANAGER_TAG_COUNT;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

/** AWS reserves aws:; the manager reads its own prefix and the first implementation's (y.aurora.*, y.clone-manager-stack). */
export const RESERVED_TAG_PREFIXES: readonly string[] = ['aws:', TAG_PREFIX, 'y.aurora.', 'y.clone-manager'];

/** The characters AWS allows in tag keys and values. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const ALLOWED = 'letters, digits, spaces and _ . : / = + - @';

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

export function tagKeyProblem(key: string): string | undefined {
  const shown = `key "${shorten(key)}"`;
  if (key.length === 0) return 'a key is empty';
  if (key.length > MAX_TAG_KEY_LENGTH) return `${shown} is longer than ${MAX_TAG_KEY_LENGTH} characters`;
  if (!TAG_TEXT.test(key)) return `${shown} may contain only ${ALLOWED}`;
  if (key === '__proto__') return `${shown} is not allowed`;
  const reserved = RESERVED_TAG_PREFIXES.find((p) => key.toLowerCase().startsWith(p));
  if (reserved) return `${shown} uses the reserved prefix "${reserved}"`;
  return undefined;
}

export function tagValueProblem(value: string): string | undefined {
  if (value.length > MAX_TAG_VALUE_LENGTH) return `is longer than ${MAX_TAG_VALUE_LENGTH} characters`;
  if (!TAG_TEXT.test(value)) return `may contain only ${ALLOWED}`;
  return undefined;
}

/** The user's tags (a map of key to value); every bad key or value is reported, all at once. */
export function checkTags(value: unknown, field: string): Record<string, string> {
  if (!isPlainObject(value)) {
    throw new ValidationError(field, `must be a map of tag keys to values, got ${describeValue(value)}`);
  }
  const problems = new Problems();
  const entries = Object.entries(value);
  if (entries.length > MAX_USER_TAGS) {
    problems.add(
      field,
      `has ${entries.length} tags; at most ${MAX_USER_TAGS} (AWS allows ${MAX_TAGS_PER_RESOURCE} per cluster and the manager needs up to ${MANAGER_TAG_COUNT})`,
    );
  }
  for (const [key, v] of entries) {
    const keyProblem = tagKeyProblem(key);
    if (keyProblem) problems.add(field, keyProblem);
    else if (typeof v !== 'string')
      problems.add(field, `value of "${shorten(key)}" must be a string, got ${describeValue(v)}`);
    else {
      const valueProblem = tagValueProblem(v);
      if (valueProblem) problems.add(field, `value of "${shorten(key)}" ${valueProblem}`);
    }
  }
  problems.throwIfAny();
  return Object.fromEntries(entries) as Record<string, string>;
}

/** A value the manager tags with: 1–256 characters AWS allows in tag values. */
function checkTagValueText(value: unknown, field: string): string {
  const text = stringValue(value, field);
  if (text.length === 0) throw new ValidationError(field, 'must not be empty');
  const problem = tagValueProblem(text);
  if (problem) throw new ValidationError(field, `"${shorten(text)}" ${problem} (it becomes a tag value)`);
  return text;
}

/** Who asked for the clone, recorded in its `owner` tag. */
export function checkOwner(value: unknown, field: string): string {
  return checkTagValueText(value, field);
}

/** The idempotency key, recorded in the clone's `request` tag. */
export function checkRequestKey(value: unknown, field: string): string {
  return checkTagValueText(value, field);
}
