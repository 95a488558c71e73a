// What a refused input looks like to a user: one ValidationError(s), exit code 2, one line, naming the field.
import assert from 'node:assert/strict';
import { type AcmError, ValidationError, ValidationErrors } from '../../../src/util/errors.ts';

/** The error `fn` throws; it must be a validation error of one line. */
export function refusal(fn: () => unknown): ValidationError | ValidationErrors {
  try {
    fn();
  } catch (err) {
    assert.ok(
      err instanceof ValidationError || err instanceof ValidationErrors,
      `not a validation error: ${err}`,
    );
    assert.equal((err as AcmError).exitCode, 2);
    assert.doesNotMatch(err.message, /\n/, 'one line');
    return err;
  }
  assert.fail('expected the input to be refused');
}

/** The single problem `fn` reports: its field must be `field`; returns the message. */
export function problem(fn: () => unknown, field: string): string {
  const err = refusal(fn);
  assert.ok(err instanceof ValidationError, `expected one problem, got: ${err.message}`);
  assert.equal(err.field, field);
  assert.ok(err.message.startsWith(`${field}: `), err.message);
  return err.message;
}

/** The fields of every problem `fn` reports, sorted. */
export function fieldsOf(fn: () => unknown): string[] {
  const err = refusal(fn);
  return (err instanceof ValidationErrors ? err.errors.map((e) => e.field) : [err.field]).sort();
}
