import { randomUUID } from 'node:crypto';
import type { Clock } from '../util/clock.ts';
import { LeaseBusyError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { backoffDelay } from '../util/retry.ts';
import type { LeaseState, LeaseStore } from './lease.ts';

export interface LeaseOptions {
  store: LeaseStore;
  clock: Clock;
  logger: Logger;
  /** How long a holder may keep the lease before others may take it (a crashed holder frees it then). */
  ttlMs?: number;
  /** How long to wait for the lease before giving up. */
  acquireTimeoutMs?: number;
}

/**
 * Runs `fn` while holding the lease on `key`; `fn` returns its result and the lease state to write
 * back. The critical section must stay short (a few API calls), well under ttlMs.
 */
export async function withLease<T>(
  key: string,
  options: LeaseOptions,
  fn: (state: LeaseState) => Promise<{ result: T; state: LeaseState }>,
): Promise<T> {
  const owner = randomUUID();
  const ttl = options.ttlMs ?? 120_000;
  const deadline = options.clock.now().getTime() + (options.acquireTimeoutMs ?? 600_000);
  for (let attempt = 0; ; attempt++) {
    const lease = await options.store.tryAcquire(key, owner, options.clock.now(), ttl);
    if (lease) {
      let next = lease.state;
      try {
        const { result, state } = await fn(lease.state);
        next = state;
        return result;
      } finally {
        const released = await lease.release(next);
        if (!released)
          options.logger.error('lease expired while held: raise the lease ttl', { key, ttlMs: ttl });
      }
    }
    if (options.clock.now().getTime() >= deadline) {
      throw new LeaseBusyError(`the lease on ${key} stayed busy; another request holds it`, { key });
    }
    await options.clock.sleep(25 + backoffDelay(Math.min(attempt, 6), 20, 1_000));
  }
}
