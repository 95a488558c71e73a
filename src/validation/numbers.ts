// Counts with their limits. AWS makes at most 15 copy-on-write clones per clone group; a 16th
// request is not refused but silently becomes a slow, fully billed full copy.
import { ValidationError } from '../util/errors.ts';
import { describeValue } from './raw.ts';

export const MAX_CLONES_PER_CLONE_GROUP = 15;

/** Full copies one maintenance run may be asked to keep ready for one source. */
export const MAX_COPIES_PER_TARGET = 20;

/**
 * The largest targetCloneSlots accepted: 20 copies' worth of slots. Every 15 slots above the free
 * capacity is another full copy (hours to make, billed in full), so a larger target is a typo.
 */
export const MAX_TARGET_CLONE_SLOTS = MAX_CLONES_PER_CLONE_GROUP * MAX_COPIES_PER_TARGET;

/** A typed whole number in [min, max] (no upper limit when max is left out); `why` explains the limits. */
export function wholeNumberIn(
  value: unknown,
  field: string,
  min: number,
  max = Number.POSITIVE_INFINITY,
  why?: string,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.POSITIVE_INFINITY ? `of at least ${min}` : `from ${min} to ${max}`;
    const reason = why ? ` (${why})` : '';
    throw new ValidationError(field, `must be a whole number ${range}${reason}, got ${describeValue(value)}`);
  }
  return value;
}

export function checkMaxClonesPerSource(value: unknown, field: string): number {
  return wholeNumberIn(
    value,
    field,
    1,
    MAX_CLONES_PER_CLONE_GROUP,
    `AWS makes at most ${MAX_CLONES_PER_CLONE_GROUP} clones per clone group`,
  );
}

export function checkTargetCloneSlots(value: unknown, field: string): number {
  return wholeNumberIn(
    value,
    field,
    0,
    MAX_TARGET_CLONE_SLOTS,
    `every ${MAX_CLONES_PER_CLONE_GROUP} slots above the free capacity is a billed full copy; ` +
      `${MAX_TARGET_CLONE_SLOTS} is ${MAX_COPIES_PER_TARGET} copies`,
  );
}

/** Warm clones kept ready per source: each holds a slot and runs an instance while it waits. */
export const MAX_WARM_CLONES = 50;

/** A fixed number of warm clones, or `demand`: as many as the coming hours' requests (see planner/warm). */
export function checkWarmClones(value: unknown, field: string): number | 'demand' {
  if (value === 'demand') return value;
  return wholeNumberIn(
    value,
    field,
    0,
    MAX_WARM_CLONES,
    'or "demand"; each warm clone is a running instance billed while it waits',
  );
}
