// Passing faults must not fail work that is already done or merely waiting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitUntil } from '../../src/executor/wait.ts';
import { type HeldLease, InProcessLeaseStore, type LeaseStore } from '../../src/lease/lease.ts';
import { withLease } from '../../src/lease/with-lease.ts';
import { ManualClock, systemClock } from '../../src/util/clock.ts';
import { WaitTimeoutError } from '../../src/util/errors.ts';
import type { Logger } from '../../src/util/log.ts';

function throttling(): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: 'Throttling',
    $metadata: { httpStatusCode: 400 },
  });
}

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, debug() {}, info() {}, warn() {}, error: (msg) => errors.push(msg) };
}

describe('withLease', () => {
  it('returns the work done under the lease even when releasing it keeps failing', async () => {
    // Prepare: a store whose release always fails
    const inner = new InProcessLeaseStore();
    const store: LeaseStore = {
      peek: (key) => inner.peek(key),
      async tryAcquire(key, owner, now, ttl) {
        const lease = await inner.tryAcquire(key, owner, now, ttl);
        return lease && ({ ...lease, release: async () => Promise.reject(throttling()) } satisfies HeldLease);
      },
    };
    const logger = recordingLogger();
    // Act
    const result = await withLease(
      'root#prod',
      { store, clock: new ManualClock(), logger },
      async (state) => ({
        result: 'clone made',
        state,
      }),
    );
    // Assess
    assert.equal(result, 'clone made');
    assert.deepEqual(logger.errors, ['lease release failed; it frees itself when its ttl runs out']);
  });

  it('keeps trying to acquire when the lease store is throttled', async () => {
    // Prepare: the first two acquire calls are throttled
    const inner = new InProcessLeaseStore();
    let calls = 0;
    const store: LeaseStore = {
      peek: (key) => inner.peek(key),
      tryAcquire: (...args) => (++calls <= 2 ? Promise.reject(throttling()) : inner.tryAcquire(...args)),
    };
    // Act
    const result = await withLease(
      'k',
      { store, clock: new ManualClock(), logger: recordingLogger() },
      async (s) => ({
        result: 42,
        state: s,
      }),
    );
    // Assess
    assert.equal(result, 42);
    assert.equal(calls, 3);
  });

  it('lets a second holder in only after the first released', async () => {
    // Real time: with a manual clock the waiter's sleeps would carry it past the lease TTL.
    const store = new InProcessLeaseStore();
    const clock = systemClock;
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = withLease('k', { store, clock, logger: recordingLogger() }, async (s) => {
      order.push('first in');
      await gate;
      order.push('first out');
      return { result: 1, state: s };
    });
    const second = withLease('k', { store, clock, logger: recordingLogger() }, async (s) => {
      order.push('second in');
      return { result: 2, state: s };
    });
    await new Promise((r) => setTimeout(r, 10));
    release();
    await Promise.all([first, second]);
    assert.deepEqual(order, ['first in', 'first out', 'second in']);
  });
});

describe('waitUntil', () => {
  const options = (clock: ManualClock) => ({
    clock,
    minMs: 100,
    maxMs: 1000,
    timeoutMs: 60_000,
    what: 'clone x',
  });

  it('treats a throttled status check as one more poll', async () => {
    // Prepare
    const answers: (Error | string)[] = [throttling(), 'creating', throttling(), 'available'];
    const seen: string[] = [];
    // Act
    const status = await waitUntil(
      async () => {
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return { done: next === 'available', status: next ?? 'none' };
      },
      { ...options(new ManualClock()), onPoll: (s) => seen.push(s) },
    );
    // Assess
    assert.equal(status, 'available');
    assert.equal(seen.length, 4);
    assert.match(seen[0] ?? '', /Throttling, retrying/);
  });

  it('stops at once on an error that retrying cannot fix', async () => {
    const notFound = Object.assign(new Error('gone'), {
      name: 'DBClusterNotFoundFault',
      $metadata: { httpStatusCode: 404 },
    });
    await assert.rejects(
      waitUntil(() => Promise.reject(notFound), options(new ManualClock())),
      /gone/,
    );
  });

  it('gives up after the timeout, saying the last status', async () => {
    await assert.rejects(
      waitUntil(async () => ({ done: false, status: 'creating' }), options(new ManualClock())),
      (e: unknown) => e instanceof WaitTimeoutError && /clone x was still creating/.test(e.message),
    );
  });
});
