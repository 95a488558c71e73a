import { randomUUID } from 'node:crypto';
import type { Clock } from '../util/clock.ts';
import { LeaseBusyError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { backoffDelay, withRetries } from '../util/retry.ts';
import type { HeldLease, LeaseState, LeaseStore } from './lease.ts';

export interface LeaseOptions {
  store: LeaseStore;
  clock: Clock;
  logger: Logger;
  /** How long a holder may keep the lease before others may take it (a crashed holder frees it then). */
  ttlMs?: number;
  /** How long to wait for the lease before giving up. */
  acquireTimeoutMs?: number;
}

/** What the holder knows about its hold: a process paused past it must not act on what it read. */
export interface Hold {
  /** Time left before others may take the lease, by this process's clock. */
  remainingMs(): number;
  /**
   * Runs `work` that sends what the count was made for (restores, claims): while it runs, the lease
   * must not be given back early (releaseIdleLeases), or another holder could count before AWS shows it.
   */
  sending<T>(work: () => Promise<T>): Promise<T>;
}

/** The default time a holder may keep the lease before others may take it. */
export const DEFAULT_LEASE_TTL_MS = 120_000;

/**
 * Runs `fn` while holding the lease on `key`; `fn` returns its result and the lease state to write
 * back. The critical section must stay short (a few API calls), well under ttlMs.
 */
export async function withLease<T>(
  key: string,
  options: LeaseOptions,
  fn: (state: LeaseState, hold: Hold) => Promise<{ result: T; state: LeaseState }>,
): Promise<T> {
  const owner = randomUUID();
  const ttl = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const deadline = options.clock.now().getTime() + (options.acquireTimeoutMs ?? 600_000);
  for (let attempt = 0; ; attempt++) {
    // The SDK's own retries share a per-client quota that a long wait can spend; a throttled
    // acquire is retried here too, so waiting for the lease never fails on a passing fault.
    const asked = options.clock.now().getTime();
    // The SDK's clients are shared by the whole process, and so is their retry quota: under heavy
    // throttling they stop retrying early, so this loop is the one that must not give up soon.
    const lease = await withRetries(() => options.store.tryAcquire(key, owner, new Date(asked), ttl), {
      clock: options.clock,
      attempts: 12,
      maxDelayMs: 5_000,
    });
    if (lease) {
      let next = lease.state;
      const entry: HeldEntry = { lease, state: lease.state, sending: 0 };
      held.add(entry);
      const hold: Hold = {
        remainingMs: () => asked + ttl - options.clock.now().getTime(),
        sending: async (work) => {
          entry.sending++;
          try {
            return await work();
          } finally {
            entry.sending--;
          }
        },
      };
      try {
        const { result, state } = await fn(lease.state, hold);
        next = state;
        return result;
      } finally {
        // Given back already when the process was interrupted before sending anything.
        if (held.delete(entry)) await release(lease, next, key, ttl, options);
        wakeNext(key);
      }
    }
    if (options.clock.now().getTime() >= deadline) {
      throw new LeaseBusyError(`the lease on ${key} stayed busy; another request holds it`, { key });
    }
    // A holder in this process wakes the next waiter as it releases; holders elsewhere are noticed at
    // the next attempt, a few hundred ms at most.
    const released = nextRelease(key);
    await Promise.race([
      options.clock.sleep(25 + backoffDelay(Math.min(attempt, 4), 20, MAX_WAIT_STEP_MS)),
      released.promise,
    ]);
    released.cancel();
  }
}

interface HeldEntry {
  lease: HeldLease;
  /** The state as taken: what an early release writes back (nothing was done under it). */
  state: LeaseState;
  sending: number;
}

// The leases this process holds now, for an interrupted CLI to give back before it exits.
const held = new Set<HeldEntry>();

/**
 * Gives back the leases this process holds that are not sending anything (an interrupted command
 * exits next): others need not wait out their TTL. Leases under which a restore may be on its way
 * stay taken until their TTL, so nobody counts before AWS shows the new cluster. Best effort.
 */
export async function releaseIdleLeases(): Promise<{ released: number; kept: number }> {
  let released = 0;
  let kept = 0;
  for (const entry of [...held]) {
    if (entry.sending > 0) {
      kept++;
      continue;
    }
    held.delete(entry);
    if (await entry.lease.release(entry.state).catch(() => false)) released++;
  }
  return { released, kept };
}

/** The longest a waiter sleeps between two attempts to take a lease held by another process. */
const MAX_WAIT_STEP_MS = 300;

// Waiters of this process, first come first woken, per lease key: a release wakes one, not a herd
// that would all try at once and all but one go back to sleep.
const waiters = new Map<string, (() => void)[]>();

function nextRelease(key: string): { promise: Promise<void>; cancel(): void } {
  let wake!: () => void;
  const promise = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const queue = waiters.get(key) ?? [];
  queue.push(wake);
  waiters.set(key, queue);
  return {
    promise,
    cancel: () => {
      const q = waiters.get(key);
      if (!q) return;
      const i = q.indexOf(wake);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) waiters.delete(key);
    },
  };
}

function wakeNext(key: string): void {
  const q = waiters.get(key);
  const wake = q?.shift();
  if (q && q.length === 0) waiters.delete(key);
  wake?.();
}

/**
 * A release that keeps failing must not undo work already done under the lease (a clone already
 * restored): it is logged, and the lease frees itself when its TTL runs out.
 */
async function release(
  lease: HeldLease,
  state: LeaseState,
  key: string,
  ttlMs: number,
  options: LeaseOptions,
) {
  try {
    const released = await withRetries(() => lease.release(state), { clock: options.clock });
    if (!released) options.logger.error('lease expired while held: raise the lease ttl', { key, ttlMs });
  } catch (err) {
    options.logger.error('lease release failed; it frees itself when its ttl runs out', {
      key,
      ttlMs,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
