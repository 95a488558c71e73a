// docs/concurrency.md: a lease holder restores, in the same hold, for the requests waiting in the
// lease's queue, each counting the clones planned before it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Inventory } from '../../../src/model/inventory.ts';
import type { CloneStep, LeaseState, Plan, QueuedRequest } from '../../../src/model/plan.ts';
import type { ProvisionPolicy } from '../../../src/model/policy.ts';
import {
  BATCH_MAX,
  leaseAfterHold,
  planQueued,
  QUEUE_DROP_MS,
  QUEUE_FRESH_MS,
  queueable,
  SERVED_KEPT_MS,
} from '../../../src/planner/batch.ts';
import { planProvision } from '../../../src/planner/provision.ts';
import { clones, copy, hoursAgo, inventory, MANAGER_ID, NOW, root } from '../../helpers/builders.ts';
import { provisionPolicy } from './policies.ts';

function queued(key: string, overrides: Partial<ProvisionPolicy> = {}, at = NOW): QueuedRequest {
  return {
    requestKey: key,
    ticket: `t-${key}`,
    managerId: MANAGER_ID,
    at: at.toISOString(),
    idSuffix: `s-${key}`,
    policy: provisionPolicy({ requestKey: key, ...overrides }),
  };
}

function holderPlan(inv: Inventory, lease: LeaseState): Plan {
  return planProvision({
    inventory: inv,
    request: provisionPolicy({ requestKey: 'holder' }),
    lease,
    managerId: MANAGER_ID,
    now: NOW,
    idSuffix: 'holder',
  });
}

function batch(inv: Inventory, taken: LeaseState) {
  const own = holderPlan(inv, taken);
  return {
    own,
    plans: planQueued({ inventory: inv, own, taken, holderKey: 'holder', managerId: MANAGER_ID, now: NOW }),
  };
}

const cloneOf = (p: Plan) => p.steps.find((s): s is CloneStep => s.kind === 'clone');

describe('restoring for queued requests in the same hold', () => {
  it('gives each queued request its own clone and counts the clones planned before it', () => {
    // Prepare: the root has 3 free slots, a ready copy 15; five requests wait
    const prod = root({ id: 'prod' });
    const c1 = copy({ id: 'prod-copy-1', of: prod, createdAt: hoursAgo(2) });
    const inv = inventory(prod, ...clones(12, prod), c1);
    const taken: LeaseState = { reservations: [], queued: ['a', 'b', 'c', 'd', 'e'].map((k) => queued(k)) };
    // Act
    const { own, plans } = batch(inv, taken);
    // Assess: the holder and the first two take the root's last three slots, the rest go to the copy
    assert.equal(cloneOf(own)?.sourceClusterId, 'prod');
    assert.deepEqual(
      plans.map((p) => [p.request.requestKey, cloneOf(p.plan)?.sourceClusterId]),
      [
        ['a', 'prod'],
        ['b', 'prod'],
        ['c', 'prod-copy-1'],
        ['d', 'prod-copy-1'],
        ['e', 'prod-copy-1'],
      ],
    );
    const ids = [own, ...plans.map((p) => p.plan)].map((p) => cloneOf(p)?.clusterId);
    assert.equal(new Set(ids).size, 6, `six different clone ids: ${ids.join(', ')}`);
    assert.ok(plans.every((p) => cloneOf(p.plan)?.tags.some((t) => t.Value === p.request.requestKey)));
  });

  it('serves only what one restore under the lease can do: no copy, no secret made for it', () => {
    // Prepare: 2 free slots on the root, no copy; three requests wait, one wants a generated password
    const prod = root({ id: 'prod' });
    const inv = inventory(prod, ...clones(13, prod));
    const taken: LeaseState = {
      reservations: [],
      queued: [queued('password', { password: { setPassword: true } }), queued('a'), queued('needs-a-copy')],
    };
    // Act
    const { plans } = batch(inv, taken);
    // Assess: the last free slot goes to `a`; the one that needs a full copy plans it itself
    assert.deepEqual(
      plans.map((p) => p.request.requestKey),
      ['a'],
    );
  });

  it('leaves out the holder, requests not heard from lately, and requests already served', () => {
    const prod = root({ id: 'prod' });
    const inv = inventory(prod);
    const stale = new Date(NOW.getTime() - QUEUE_FRESH_MS - 1);
    const taken: LeaseState = {
      reservations: [],
      queued: [queued('holder'), queued('old', {}, stale), queued('done'), queued('fresh')],
      served: [
        { requestKey: 'done', ticket: 't-done', clusterId: 'prod-x', at: NOW.toISOString(), by: 'other' },
      ],
    };
    assert.deepEqual(
      batch(inv, taken).plans.map((p) => p.request.requestKey),
      ['fresh'],
    );
  });

  it(`restores for at most ${BATCH_MAX} queued requests per hold, longest waiting first`, () => {
    const prod = root({ id: 'prod' });
    // Enough copies for every request: only BATCH_MAX stops the batch.
    const copies = Array.from({ length: Math.ceil((BATCH_MAX + 4) / 15) }, (_, i) =>
      copy({ id: `prod-copy-${i + 1}`, of: prod, createdAt: hoursAgo(i + 1) }),
    );
    const inv = inventory(prod, ...copies);
    const keys = Array.from({ length: BATCH_MAX + 4 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    const taken: LeaseState = {
      reservations: [],
      queued: keys.map((k, i) => queued(k, {}, new Date(NOW.getTime() - 500 * i))).reverse(),
    };
    const served = batch(inv, taken).plans.map((p) => p.request.requestKey);
    assert.equal(served.length, BATCH_MAX);
    assert.deepEqual(served, [...keys].reverse().slice(0, BATCH_MAX));
  });

  it('on a second look at the queue, counts what the first look restored and serves only newcomers', () => {
    // Prepare: 4 free slots on the root; the first look served `a` and `b`; `a` and `c` are queued now
    const prod = root({ id: 'prod' });
    const inv = inventory(prod, ...clones(11, prod));
    const first = batch(inv, { reservations: [], queued: [queued('a'), queued('b')] });
    const now: LeaseState = { reservations: [], queued: [queued('a'), queued('c'), queued('d')] };
    // Act
    const second = planQueued({
      inventory: inv,
      own: first.own,
      before: first.plans,
      taken: now,
      holderKey: 'holder',
      managerId: MANAGER_ID,
      now: NOW,
    });
    // Assess: the root's last slot goes to `c`; `d` would need a full copy
    assert.deepEqual(
      second.map((p) => [p.request.requestKey, cloneOf(p.plan)?.sourceClusterId]),
      [['c', 'prod']],
    );
  });

  it('does not serve a request whose clone an earlier hold made already', () => {
    const prod = root({ id: 'prod' });
    const made = clones(1, prod, { idPrefix: 'prod-made', request: 'a' });
    const taken: LeaseState = { reservations: [], queued: [queued('a'), queued('b')] };
    assert.deepEqual(
      batch(inventory(prod, ...made), taken).plans.map((p) => p.request.requestKey),
      ['b'],
    );
  });

  it('is not a thing for a request that is not keyed, makes a warm clone or has a password made', () => {
    assert.equal(queueable(provisionPolicy({ requestKey: 'k' })), true);
    assert.equal(queueable(provisionPolicy()), false);
    assert.equal(queueable(provisionPolicy({ requestKey: 'k', makeWarm: true })), false);
    assert.equal(queueable(provisionPolicy({ requestKey: 'k', password: { setPassword: true } })), false);
  });
});

describe('the lease state after a hold that served queued requests', () => {
  it('counts each served request once, lists its clone, and moves it from the queue to served', () => {
    const prod = root({ id: 'prod' });
    const gone = new Date(NOW.getTime() - QUEUE_DROP_MS - 1);
    const oldServed = new Date(NOW.getTime() - SERVED_KEPT_MS - 1);
    const taken: LeaseState = {
      reservations: [],
      queued: [queued('a'), queued('b'), queued('dead', {}, gone), queued('later')],
      served: [
        { requestKey: 'long-ago', ticket: 'x', clusterId: 'x', at: oldServed.toISOString(), by: 'h0' },
        { requestKey: 'recent', ticket: 'y', clusterId: 'y', at: NOW.toISOString(), by: 'h0' },
      ],
    };
    const { own, plans } = batch(inventory(prod), { ...taken, queued: (taken.queued ?? []).slice(0, 2) });
    // Act
    const state = leaseAfterHold({
      taken,
      own: own.lease ?? taken,
      ownPlan: own,
      served: plans,
      holderKey: 'holder',
      now: NOW,
    });
    // Assess
    const hour = '2026-11-25T10:00:00.000Z';
    assert.equal(state.demand?.[hour], 3, 'the holder and the two it served');
    assert.deepEqual(
      state.queued?.map((q) => q.requestKey),
      ['later'],
    );
    assert.deepEqual(
      state.served?.map((r) => [r.requestKey, r.by]),
      [
        ['recent', 'h0'],
        ['a', 'holder'],
        ['b', 'holder'],
      ],
    );
    assert.ok(
      state.served?.slice(1).every((r) => r.freeCapacity === plans.at(-1)?.plan.capacityAfter),
      'each served request is told what the pool has left after the whole hold',
    );
    assert.equal(plans.at(-1)?.plan.capacityAfter, 12, 'the root had 15, three taken in this hold');
    const clonesMade = [own, ...plans.map((p) => p.plan)].map((p) => cloneOf(p)?.clusterId);
    assert.deepEqual(
      state.recent?.map((r) => r.clusterId),
      clonesMade,
    );
  });
});
