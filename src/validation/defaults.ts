// The pool numbers a request or maintenance entry falls back to when it does not set its own.
import { DEFAULT_MAX_CLONES_PER_SOURCE, DEFAULT_MAX_COPY_AGE } from '../model/api.ts';
import { checkDuration } from './durations.ts';

export interface PoolDefaults {
  maxClonesPerSource: number;
  maxCopyAgeMs: number;
  /** The present, for rules about instants (copyCreatedSince must be in the past); default: the system clock. */
  now?: Date;
}

/** The built-in numbers (15 clones per source, copies obsolete after P3D), for edges that only validate. */
export const LIBRARY_DEFAULTS: Readonly<PoolDefaults> = {
  maxClonesPerSource: DEFAULT_MAX_CLONES_PER_SOURCE,
  maxCopyAgeMs: checkDuration(DEFAULT_MAX_COPY_AGE, 'maxCopyAge'),
};
