import type { Clock } from '../util/clock.ts';
import { errorCode, WaitTimeoutError } from '../util/errors.ts';
import { backoffDelay, isRetryableAwsError } from '../util/retry.ts';

export interface WaitOptions {
  clock: Clock;
  /** First delay between polls; doubles up to maxMs, with jitter. */
  minMs: number;
  maxMs: number;
  timeoutMs: number;
  what: string;
  onPoll?: (status: string, elapsedMs: number) => void;
}

/**
 * Polls `check` until it returns done. `check` returns a status word for progress output and whether
 * the wait is over; throwing stops the wait.
 */
export async function waitUntil(
  check: () => Promise<{ done: boolean; status: string }>,
  options: WaitOptions,
) {
  const start = options.clock.now().getTime();
  for (let attempt = 0; ; attempt++) {
    // A throttled or failed status check is one more poll, not the end of the wait.
    const { done, status } = await check().catch((err: unknown) => {
      if (!isRetryableAwsError(err)) throw err;
      return { done: false, status: `unknown (${errorCode(err) ?? 'error'}, retrying)` };
    });
    const elapsed = options.clock.now().getTime() - start;
    options.onPoll?.(status, elapsed);
    if (done) return status;
    if (elapsed >= options.timeoutMs) {
      throw new WaitTimeoutError(
        `${options.what} was still ${status} after ${Math.round(elapsed / 1000)} s`,
        {
          status,
        },
      );
    }
    // Half fixed, half jittered: polls stay spread out without ever collapsing to zero.
    const cap = Math.min(options.maxMs, options.minMs * 2 ** Math.min(attempt, 10));
    await options.clock.sleep(Math.floor(cap / 2) + backoffDelay(0, Math.ceil(cap / 2), cap));
  }
}
