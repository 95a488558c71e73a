import { type Clock, systemClock } from './clock.ts';
import { AwsCallError, errorCode } from './errors.ts';

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  clock?: Clock;
  isRetryable?: (err: unknown) => boolean;
  random?: () => number;
}

const RETRYABLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalFailure',
  'ServiceUnavailable',
  'ProvisionedThroughputExceededException',
]);

export function isRetryableAwsError(err: unknown): boolean {
  if (err instanceof AwsCallError) return err.retryable;
  const code = errorCode(err);
  if (code && RETRYABLE_CODES.has(code)) return true;
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500;
}

/** Full-jitter exponential backoff: delay = random(0, min(max, base * 2^attempt)). */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
) {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  const retryable = options.isRetryable ?? isRetryableAwsError;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt + 1 >= attempts || !retryable(err)) throw err;
      await clock.sleep(backoffDelay(attempt, base, max, options.random));
    }
  }
}
