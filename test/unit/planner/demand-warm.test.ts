// The demand model (hourly counts in the lease item) and warm clones: what a user notices is how many
// free slots maintenance keeps, how many warm clones it makes, and which request gets which warm clone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClaimStep, DemandCounts, Plan } from '../../../src/model/plan.ts';
import { TAG } from '../../../src/model/tags.ts';
import { busiestWindow, demandTarget, recordRequest } from '../../../src/planner/demand.ts';
import { planMaintenance } from '../../../src/planner/maintain.ts';
import { planProvision } from '../../../src/planner/provision.ts';
import { clone, clones, copy, hoursAgo, inventory, MANAGER_ID, NOW, root } from '../../helpers/builders.ts';
import { HOUR_MS, maintenancePolicy, provisionPolicy } from './policies.ts';

/** `counts[i]` requests in the hour that started `i` hours before NOW's hour. */
function demandOf(counts: Record<number, number>): DemandCounts {
  const hour = Math.floor(NOW.getTime() / HOUR_MS) * HOUR_MS;
  return Object.fromEntries(
    Object.entries(counts).map(([ago, n]) => [new Date(hour - Number(ago) * HOUR_MS).toISOString(), n]),
  );
}

describe('demand', () => {
  it('counts each request in its hour and forgets what is more than 8 days old', () => {
    const old = demandOf({ 200: 4 });
    const d = recordRequest(recordRequest(old, NOW), NOW);
    assert.deepEqual(Object.values(d), [2]);
    assert.equal(Object.keys(d)[0], '2026-11-25T10:00:00.000Z');
  });

  it('finds the busiest window of the last week, not older', () => {
    const d = demandOf({ 1: 3, 2: 5, 3: 4, 30: 2, 200: 50 });
    assert.equal(busiestWindow(d, NOW, 3 * HOUR_MS), 12);
    assert.equal(busiestWindow(d, NOW, HOUR_MS), 5);
    assert.equal(busiestWindow(undefined, NOW, HOUR_MS), 0);
  });

  it('keeps the target between the floor and the ceiling, and says why', () => {
    const policy = { targetCloneSlots: 10, maxCloneSlots: 40, demandWindowMs: 3 * HOUR_MS };
    assert.deepEqual(demandTarget(policy, demandOf({ 1: 20, 2: 5 }), NOW), {
      target: 25,
      reason: 'target 25 free slots: the busiest 3h of the last week had 25 requests',
    });
    assert.equal(demandTarget(policy, demandOf({ 1: 2 }), NOW).target, 10);
    assert.match(demandTarget(policy, demandOf({ 1: 99 }), NOW).reason, /capped at the ceiling 40/);
  });

  it('makes the copies a burst seen last week asks for, where a fixed target would make none', () => {
    const r = root({ id: 'prod' });
    const inv = inventory(r, ...clones(5, r));
    const quiet = planMaintenance({
      inventory: inv,
      policy: maintenancePolicy({ targetCloneSlots: 10 }),
      managerId: MANAGER_ID,
      now: NOW,
    });
    assert.equal(quiet.steps.filter((s) => s.kind === 'copy').length, 0);
    const busy = planMaintenance({
      inventory: inv,
      policy: maintenancePolicy({ targetCloneSlots: 10 }),
      lease: { reservations: [], demand: demandOf({ 30: 20, 31: 12 }) },
      managerId: MANAGER_ID,
      now: NOW,
    });
    // 10 free on the root; the busiest 3 h had 32 requests: 22 short, so 2 copies of 15.
    assert.equal(busy.steps.filter((s) => s.kind === 'copy').length, 2);
    assert.ok(busy.notes.includes('target 32 free slots: the busiest 3h of the last week had 32 requests'));
  });

  it('records a new request in the lease state the plan writes back, not a repeated one', () => {
    const r = root({ id: 'prod' });
    const lease = { reservations: [], demand: demandOf({ 5: 1 }) };
    const fresh = planProvision({
      inventory: inventory(r),
      request: provisionPolicy({ requestKey: 'k1' }),
      lease,
      managerId: MANAGER_ID,
      now: NOW,
    });
    assert.deepEqual(Object.values(fresh.lease?.demand ?? {}).sort(), [1, 1]);
    const again = planProvision({
      inventory: inventory(r, clone({ of: r, request: 'k1' })),
      request: provisionPolicy({ requestKey: 'k1' }),
      lease,
      managerId: MANAGER_ID,
      now: NOW,
    });
    assert.deepEqual(again.lease?.demand, lease.demand);
  });
});

describe('warm clones', () => {
  const expiresAt = new Date(NOW.getTime() + 6 * HOUR_MS);

  function claimOf(p: Plan): ClaimStep | undefined {
    return p.steps.find((s): s is ClaimStep => s.kind === 'claim');
  }

  it('a request takes a warm clone instead of restoring, with its own owner, key and expiry, under the lease', () => {
    const r = root({ id: 'prod' });
    const older = clone({ of: r, id: 'prod-warm-1', warm: 'db.r6g.large', expiresAt, ageHours: 5 });
    const newer = clone({ of: r, id: 'prod-warm-2', warm: 'db.r6g.large', expiresAt, ageHours: 1 });
    const p = planProvision({
      inventory: inventory(r, older, newer),
      request: provisionPolicy({ requestKey: 'pr-7', owner: 'ci', ttlMs: 2 * HOUR_MS, wait: true }),
      managerId: MANAGER_ID,
      now: NOW,
    });
    // The one that waited longest: the newest may be one a claim's top-up has just started.
    assert.deepEqual(
      p.steps.map((s) => `${s.kind} ${s.clusterId}`),
      ['claim prod-warm-1', 'wait prod-warm-1'],
    );
    const claim = claimOf(p)!;
    assert.equal(claim.underLease, true);
    assert.deepEqual(claim.removeKeys, [TAG.warm]);
    const tags = Object.fromEntries(claim.tags.map((t) => [t.Key, t.Value]));
    assert.equal(tags[TAG.owner], 'ci');
    assert.equal(tags[TAG.request], 'pr-7');
    assert.equal(tags[TAG.expiresAt], new Date(NOW.getTime() + 2 * HOUR_MS).toISOString());
    assert.equal(tags[TAG.warm], undefined);
    assert.equal(p.capacityAfter, p.capacityBefore, 'a claim uses no new slot');
  });

  it('renames the warm clone when the request names its clone', () => {
    const r = root({ id: 'prod' });
    const p = planProvision({
      inventory: inventory(r, clone({ of: r, id: 'prod-warm-1', warm: 'db.r6g.large', expiresAt })),
      request: provisionPolicy({ clusterId: 'pr-7' }),
      managerId: MANAGER_ID,
      now: NOW,
    });
    assert.equal(claimOf(p)?.newClusterId, 'pr-7');
    // Without a TTL the claimed clone keeps no expiry of its warm days.
    assert.deepEqual(claimOf(p)?.removeKeys, [TAG.warm, TAG.expiresAt]);
  });

  it('is not claimed when it does not fit: another class, older data than asked, own settings, another manager', () => {
    const r = root({ id: 'prod' });
    const warm = clone({ of: r, id: 'prod-warm-1', warm: 'db.r6g.large', expiresAt, ageHours: 3 });
    const cases = [
      provisionPolicy({ instanceClass: 'db.r6g.xlarge' }),
      provisionPolicy({ copyCreatedSince: hoursAgo(1) }),
      provisionPolicy({ password: { setPassword: true } }),
      provisionPolicy({ dbSubnetGroupName: 'other' }),
    ];
    for (const request of cases) {
      const p = planProvision({ inventory: inventory(r, warm), request, managerId: MANAGER_ID, now: NOW });
      assert.equal(claimOf(p), undefined);
      assert.ok(p.steps.some((s) => s.kind === 'clone'));
      assert.ok(
        p.notes.some((n) => n.startsWith('1 warm clone(s) not claimed')),
        p.notes.join('\n'),
      );
    }
    const theirs = clone({
      of: r,
      id: 'prod-warm-2',
      warm: 'db.r6g.large',
      expiresAt,
      manager: 'other-stack',
    });
    const p = planProvision({
      inventory: inventory(r, theirs),
      request: provisionPolicy(),
      managerId: MANAGER_ID,
      now: NOW,
    });
    assert.equal(claimOf(p), undefined);
  });

  it('an expired or claimed warm clone is not taken', () => {
    const r = root({ id: 'prod' });
    const expired = clone({ of: r, id: 'prod-warm-1', warm: 'db.r6g.large', expiresAt: hoursAgo(1) });
    const claimed = clone({ of: r, id: 'prod-warm-2', owner: 'someone', request: 'k' });
    const p = planProvision({
      inventory: inventory(r, expired, claimed),
      request: provisionPolicy(),
      managerId: MANAGER_ID,
      now: NOW,
    });
    assert.equal(claimOf(p), undefined);
  });

  it('maintenance sizes the copies for the warm clones still to make, and counts the ready ones', () => {
    const r = root({ id: 'prod' });
    const c = copy({ of: r, id: 'prod-copy', ageHours: 2 });
    const ready = clones(2, r, { idPrefix: 'prod-warm', warm: 'db.r6g.large', expiresAt });
    const p = planMaintenance({
      inventory: inventory(r, c, ...clones(13, r), ...ready, ...clones(10, c)),
      policy: maintenancePolicy({ targetCloneSlots: 5, warmClones: 6 }),
      managerId: MANAGER_ID,
      now: NOW,
    });
    // Free: root 0, copy 5. Wanted: 5 free + 4 warm to make = 9: one copy.
    assert.equal(p.warmToMake, 4);
    assert.equal(p.steps.filter((s) => s.kind === 'copy').length, 1);
    assert.ok(p.notes.includes('warm clones: 2 ready, 6 wanted: 4 to make after the copies'));
  });
});

describe('copies about to age out', () => {
  it('are not counted: their replacement is made before they stop counting', () => {
    const r = root({ id: 'prod' });
    // Free slots: root 0, the copy 15; it turns obsolete (3 days) in 2 hours, inside the 3-hour window.
    const c = copy({ of: r, id: 'prod-old', ageHours: 70 });
    const p = planMaintenance({
      inventory: inventory(r, c, ...clones(15, r)),
      policy: maintenancePolicy({ targetCloneSlots: 10 }),
      managerId: MANAGER_ID,
      now: NOW,
    });
    assert.equal(p.steps.filter((s) => s.kind === 'copy').length, 1);
    assert.ok(
      p.notes.some((n) =>
        /^15 free slots on copies that turn obsolete within the demand window are not counted/.test(n),
      ),
    );
    assert.equal(p.capacityAfter, 30, 'the old copy still counts until it turns obsolete');
  });
});
