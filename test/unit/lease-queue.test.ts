// A request that finds the lease busy waits in its queue and stops waiting when the holder says it
// served it (docs/concurrency.md); the in-process store behaves as the DynamoDB one does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InProcessLeaseStore, isHeld, type QueuedRequest } from '../../src/lease/lease.ts';
import { MAX_QUEUED, withLease, withLeaseOrServed } from '../../src/lease/with-lease.ts';
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

  it(`a waiter does not join a queue of ${MAX_QUEUED}: it waits for the lease as before`, async () => {
    const store = new InProcessLeaseStore();
    for (let i = 0; i < MAX_QUEUED; i++) await store.enqueue('k', waiting(`q${i}`));
    const h = holder(store, () => []);
    const w = withLeaseOrServed('k', { store, clock: systemClock, logger }, waiting('late'), async (s) => ({
      result: 'own',
      state: { ...s, queued: [] },
    }));
    await settle();
    const queued = (await store.peek('k')).queued ?? [];
    assert.equal(queued.length, MAX_QUEUED);
    assert.ok(!queued.some((q) => q.requestKey === 'late'));
    h.open();
    assert.deepEqual(await w, { held: 'own' });
  });
});
