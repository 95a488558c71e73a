// A request that finds the lease busy waits in its queue and stops waiting when the holder says it
// served it (docs/concurrency.md); the in-process store behaves as the DynamoDB one does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InProcessLeaseStore, isHeld, type QueuedRequest } from '../../src/lease/lease.ts';
import { FOLLOW_MS, MAX_QUEUED, withLease, withLeaseOrServed } from '../../src/lease/with-lease.ts';
import { systemClock } from '../../src/util/clock.ts';
import { provisionPolicy } from './planner/policies.ts';

const logger = { debug() {}, info() {}, warn() {}, error() {} };

function waiting(key: string): QueuedRequest {
  return {
    requestKey: key,
    ticket: `t-${key}`,
    managerId: 'm',
    at: new Date().toISOString(),
    idSuffix: key,
    policy: provisionPolicy({ requestKey: key }),
  };
}

/** Holds the lease until `open` is called; meanwhile lets the test look at the queue. */
function holder(store: InProcessLeaseStore, serve: (queued: QueuedRequest[]) => string[]) {
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const done = withLease('k', { store, clock: systemClock, logger }, async (state) => {
    await gate;
    const now = await store.peek('k');
    const keys = serve(now.queued ?? []);
    return {
      result: keys,
      state: {
        ...state,
        queued: (now.queued ?? []).filter((q) => !keys.includes(q.requestKey)),
        served: keys.map((requestKey) => ({
          requestKey,
          ticket: `t-${requestKey}`,
          clusterId: `c-${requestKey}`,
          at: new Date().toISOString(),
          by: 'h',
        })),
      },
    };
  });
  return { open, done };
}

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('waiting in the lease queue', () => {
  it('a waiter the holder served stops waiting with its clone, without taking the lease', async () => {
    const store = new InProcessLeaseStore();
    const h = holder(store, (q) => q.map((r) => r.requestKey));
    let ran = false;
    const w = withLeaseOrServed('k', { store, clock: systemClock, logger }, waiting('a'), async (s) => {
      ran = true;
      return { result: 'own', state: s };
    });
    await settle();
    assert.deepEqual(
      (await store.peek('k')).queued?.map((q) => q.requestKey),
      ['a'],
    );
    h.open();
    const outcome = await w;
    assert.ok('served' in outcome);
    assert.deepEqual([outcome.served.clusterId, outcome.served.by], ['c-a', 'h']);
    assert.equal(ran, false);
    assert.deepEqual((await store.peek('k')).queued ?? [], []);
  });

  it('a served waiter does not take the free lease; the next waiter gets it at once', async () => {
    // Prepare: `a` and `b` wait; the holder serves `a` only; the store records who takes the lease
    const store = new InProcessLeaseStore();
    const takers: string[] = [];
    const tryAcquire = store.tryAcquire.bind(store);
    store.tryAcquire = async (key, owner, now, ttl, options) => {
      const attempt = await tryAcquire(key, owner, now, ttl, options);
      if (isHeld(attempt)) takers.push(options?.unlessServed?.requestKey ?? 'holder');
      return attempt;
    };
    const h = holder(store, () => ['a']);
    const wait = (key: string) =>
      withLeaseOrServed('k', { store, clock: systemClock, logger }, waiting(key), async (s) => ({
        result: 'own',
        state: s,
      }));
    const a = wait('a');
    const b = wait('b');
    await settle();
    // Act
    h.open();
    const [outA, outB] = await Promise.all([a, b]);
    // Assess
    assert.ok('served' in outA);
    assert.deepEqual(outB, { held: 'own' });
    assert.deepEqual(takers, ['holder', 'b'], 'the served waiter never took the lease');
  });

  it('a waiter not served gets the lease in turn and leaves the queue', async () => {
    const store = new InProcessLeaseStore();
    const h = holder(store, () => []);
    const w = withLeaseOrServed('k', { store, clock: systemClock, logger }, waiting('a'), async (s) => ({
      result: 'own',
      state: s,
    }));
    await settle();
    h.open();
    assert.deepEqual(await w, { held: 'own' });
    assert.deepEqual((await store.peek('k')).queued ?? [], []);
  });

  it('a request that joins behind another of a burst is served without reading; the first reads, holds and serves it', async () => {
    // Prepare: `a` and `b` arrive together; each counts the reads it would make before the lease
    const store = new InProcessLeaseStore();
    const reads: string[] = [];
    const options = { store, clock: systemClock, logger };
    const request = (key: string) =>
      withLeaseOrServed(
        'k',
        options,
        waiting(key),
        async (state) => {
          const queued = (await store.peek('k')).queued ?? [];
          const others = queued.filter((q) => q.requestKey !== key);
          return {
            result: 'own',
            state: {
              ...state,
              served: others.map((q) => ({
                requestKey: q.requestKey,
                ticket: q.ticket,
                clusterId: `c-${q.requestKey}`,
                at: new Date().toISOString(),
                by: key,
              })),
            },
          };
        },
        async () => {
          reads.push(key);
        },
      );
    // Act
    const [a, b] = await Promise.all([request('a'), request('b')]);
    // Assess
    assert.deepEqual(a, { held: 'own' });
    assert.ok('served' in b);
    assert.equal(b.served.by, 'a');
    assert.deepEqual(reads, ['a'], 'only the first of the burst read the account');
  });

  /** A request that takes the lease for itself; `readAfterMs`: when it read the account. */
  async function timedRequest(store: InProcessLeaseStore, key: string) {
    const started = Date.now();
    let readAfterMs = -1;
    const outcome = await withLeaseOrServed(
      'k',
      { store, clock: systemClock, logger },
      waiting(key),
      async (s) => ({ result: 'own', state: s }),
      async () => {
        readAfterMs = Date.now() - started;
      },
    );
    return { outcome, readAfterMs };
  }

  it(`a request of a burst that nobody serves within ${FOLLOW_MS} ms reads and takes the lease itself`, async () => {
    // Prepare: `a` joined just before and never asks for the lease (its process stopped)
    const store = new InProcessLeaseStore();
    await store.enqueue('k', waiting('a'));
    // Act
    const b = await timedRequest(store, 'b');
    // Assess
    assert.deepEqual(b.outcome, { held: 'own' });
    assert.ok(b.readAfterMs >= FOLLOW_MS, `it read after ${b.readAfterMs} ms`);
  });

  it('a request alone in the queue reads at once', async () => {
    const store = new InProcessLeaseStore();
    const a = await timedRequest(store, 'a');
    assert.deepEqual(a.outcome, { held: 'own' });
    assert.ok(a.readAfterMs >= 0 && a.readAfterMs < FOLLOW_MS, `it read after ${a.readAfterMs} ms`);
    assert.deepEqual((await store.peek('k')).queued ?? [], [], 'its entry left with its release');
  });

  for (const when of ['after a refused attempt', 'before reading the account'] as const) {
    it(`a waiter that finds a queue of ${MAX_QUEUED} ${when} stays out of it and waits for the lease as before`, async () => {
      const store = new InProcessLeaseStore();
      for (let i = 0; i < MAX_QUEUED; i++) await store.enqueue('k', waiting(`q${i}`));
      const h = holder(store, () => []);
      const w = withLeaseOrServed(
        'k',
        { store, clock: systemClock, logger },
        waiting('late'),
        async (s) => ({ result: 'own', state: { ...s, queued: [] } }),
        when === 'before reading the account' ? async () => {} : undefined,
      );
      await settle();
      const queued = (await store.peek('k')).queued ?? [];
      assert.equal(queued.length, MAX_QUEUED);
      assert.ok(!queued.some((q) => q.requestKey === 'late'));
      h.open();
      assert.deepEqual(await w, { held: 'own' });
    });
  }

  it('a holder whose lease ran out before its release still takes its own entry out of the queue', async () => {
    // Prepare: `a` joins, takes a lease of 50 ms and stays past it; `b` takes the lease meanwhile
    const store = new InProcessLeaseStore();
    const options = { store, clock: systemClock, logger, ttlMs: 50 };
    const a = withLeaseOrServed(
      'k',
      options,
      waiting('a'),
      async (s) => {
        await new Promise((r) => setTimeout(r, 120));
        return { result: 'own', state: s };
      },
      async () => {},
    );
    await new Promise((r) => setTimeout(r, 80));
    const b = await withLease('k', options, async (s) => ({ result: 'b', state: s }));
    // Act
    await a;
    // Assess
    assert.equal(b, 'b');
    assert.deepEqual((await store.peek('k')).queued ?? [], []);
  });
});
