// The demand model (hourly counts in the lease item) and warm clones: what a user notices is how many
// free slots maintenance keeps, how many warm clones it makes, and which request gets which warm clone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClaimStep, DemandCounts, Plan } from '../../../src/model/plan.ts';
import { TAG } from '../../../src/model/tags.ts';
import {
  countingSince,
  demandTarget,
  recordRequest,
  sameHoursDemand,
  startCounting,
} from '../../../src/planner/demand.ts';
import { planMaintenance } from '../../../src/planner/maintain.ts';
import { planProvision } from '../../../src/planner/provision.ts';
import {
  clone,
  clones,
  copy,
  daysAgo,
  hoursAgo,
  inventory,
  MANAGER_ID,
  NOW,
  root,
} from '../../helpers/builders.ts';
import { DAY_MS, HOUR_MS, maintenancePolicy, provisionPolicy, SETTLED } from './policies.ts';

/**
 * `counts[i]` requests in the hour that started `i` hours before NOW's hour (NOW is 10:00), demand
 * counted for weeks: e.g. `{ 23: 20 }` is 20 requests yesterday at 11:00.
 */
function demandOf(counts: Record<number, number>): DemandCounts {
  const hour = Math.floor(NOW.getTime() / HOUR_MS) * HOUR_MS;
  return {
    ...SETTLED.demand,
    ...Object.fromEntries(
      Object.entries(counts).map(([ago, n]) => [new Date(hour - Number(ago) * HOUR_MS).toISOString(), n]),
    ),
  };
}

const policy = {
  targetCloneSlots: 10,
  maxCloneSlots: 40,
  demandWindowMs: 3 * HOUR_MS,
  maxClonesPerSource: 15,
};

describe('demand: the hours ahead', () => {
  it('counts each request in its hour, keeps when counting began, and forgets what is more than 8 days old', () => {
    // Prepare: counted for a month, 4 requests 200 hours ago.
    const old = demandOf({ 200: 4 });
    // Act
    const d = recordRequest(recordRequest(old, NOW), NOW);
    // Assess
    assert.equal(d['2026-11-25T10:00:00.000Z'], 2);
    assert.equal(Object.keys(d).filter((k) => k.startsWith('20')).length, 1);
    assert.deepEqual(countingSince(d), daysAgo(30));
    // A source's first request starts its clock.
    assert.deepEqual(countingSince(recordRequest(undefined, NOW)), NOW);
  });

  it('reads the hours ahead from the same hours of the last 7 days, give or take one window', () => {
    // 20 yesterday at 11:00 (within the next 3 h), 30 yesterday at 16:00 (not), 40 eight days ago.
    const d = demandOf({ 23: 20, 18: 30, 191: 40 });
    assert.equal(sameHoursDemand(d, NOW, 3 * HOUR_MS).requests, 20);
    // A week ago at 08:00–10:00 (12 + 5 in one window starting within 3 h of 10:00).
    assert.equal(sameHoursDemand(demandOf({ 170: 12, 169: 5 }), NOW, 3 * HOUR_MS).requests, 17);
    // Further ahead: 16:00 is within the next two windows.
    assert.equal(sameHoursDemand(d, NOW, 3 * HOUR_MS, 3 * HOUR_MS).requests, 30);
    assert.equal(sameHoursDemand(undefined, NOW, HOUR_MS).requests, 0);
  });

  it('keeps the target between the floor and the ceiling, and says why', () => {
    const busy = demandTarget(policy, demandOf({ 23: 20, 22: 5 }), NOW);
    assert.equal(busy.target, 25);
    assert.equal(
      busy.reason,
      'target 25 free slots for the next 3h: the busiest 3h around these hours on the last 7 days had 25 requests (2026-11-24 10:00–13:00 UTC)',
    );
    assert.match(demandTarget(policy, demandOf({ 23: 2 }), NOW).reason, /; raised to the floor 10$/);
    assert.match(demandTarget(policy, demandOf({ 23: 99 }), NOW).reason, /; capped at the ceiling 40$/);
    // Nothing at these hours (only at night): the floor.
    assert.equal(demandTarget(policy, demandOf({ 12: 30 }), NOW).target, 10);
  });

  it("a new source keeps the root's and one spare copy's slots until its demand has been counted for a week", () => {
    const fresh = demandTarget(policy, undefined, NOW);
    assert.equal(fresh.target, 30);
    assert.match(
      fresh.reason,
      /demand counted for no time yet, under a week: at least 30, the root's slots and one spare copy's/,
    );
    const sixDays = demandTarget(policy, startCounting(undefined, daysAgo(6)), NOW);
    assert.equal(sixDays.target, 30);
    assert.equal(demandTarget(policy, startCounting(undefined, daysAgo(7)), NOW).target, 10);
    // Within the ceiling, above the floor.
    assert.equal(demandTarget({ ...policy, maxCloneSlots: 20 }, undefined, NOW).target, 20);
    assert.equal(demandTarget({ ...policy, targetCloneSlots: 35 }, undefined, NOW).target, 35);
  });

  it('a fixed target (floor = ceiling) does not follow demand', () => {
    const fixed = demandTarget({ ...policy, maxCloneSlots: 10 }, demandOf({ 23: 30 }), NOW);
    assert.deepEqual(fixed, {
      target: 10,
      keep: 10,
      followsDemand: false,
      reason:
        'target 10 free slots, fixed (maxCloneSlots = targetCloneSlots): copies are kept until obsolete',
    });
  });

  it('makes the copies a burst seen at these hours yesterday asks for, and none for a burst at other hours', () => {
    const r = root({ id: 'prod' });
    const inv = inventory(r, ...clones(5, r));
    const copiesFor = (demand: DemandCounts) =>
      planMaintenance({
        inventory: inv,
        policy: maintenancePolicy({ targetCloneSlots: 10 }),
        lease: { reservations: [], demand },
        managerId: MANAGER_ID,
        now: NOW,
      });
    // 10 free on the root; yesterday 20 + 12 requests between 11:00 and 13:00: 22 short, so 2 copies of 15.
    const busy = copiesFor(demandOf({ 23: 20, 22: 12 }));
    assert.equal(busy.steps.filter((s) => s.kind === 'copy').length, 2);
    assert.ok(busy.notes.some((n) => n.startsWith('target 32 free slots for the next 3h')));
    // The same burst yesterday evening: nothing to make this morning.
    assert.equal(copiesFor(demandOf({ 14: 20, 13: 12 })).steps.length, 0);
  });

  it('the first maintenance run of a source makes its spare copy and starts its demand clock', () => {
    const r = root({ id: 'prod' });
    const p = planMaintenance({
      inventory: inventory(r),
      policy: maintenancePolicy({ targetCloneSlots: 0 }),
      lease: { reservations: [] },
      managerId: MANAGER_ID,
      now: NOW,
    });
    assert.equal(p.steps.filter((s) => s.kind === 'copy').length, 1);
    assert.deepEqual(countingSince(p.lease?.demand), NOW);
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
    assert.equal(fresh.lease?.demand?.['2026-11-25T10:00:00.000Z'], 1);
    assert.equal(sameHoursDemand(fresh.lease?.demand, new Date(NOW.getTime() + DAY_MS), HOUR_MS).requests, 1);
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
      lease: SETTLED,
      managerId: MANAGER_ID,
      now: NOW,
    });
    // Free: root 0, copy 5. Wanted: 5 free + 4 warm to make = 9: one copy.
    assert.equal(p.warmToMake, 4);
    assert.equal(p.steps.filter((s) => s.kind === 'copy').length, 1);
    assert.ok(p.notes.includes('warm clones: 2 ready, 6 wanted: 4 to make after the copies'));
  });

  it('warmClones demand: as many as the busiest hour around the coming hours, none at night', () => {
    const r = root({ id: 'prod' });
    const c = copy({ of: r, id: 'prod-copy', ageHours: 2 });
    const ready = clones(3, r, { idPrefix: 'prod-warm', warm: 'db.r6g.large', expiresAt });
    const plan = (demand: DemandCounts) =>
      planMaintenance({
        inventory: inventory(r, c, ...ready),
        policy: maintenancePolicy({ targetCloneSlots: 5, warmClones: 'demand' }),
        lease: { reservations: [], demand },
        managerId: MANAGER_ID,
        now: NOW,
      });
    // Yesterday 8 requests in the hour after this one: 8 wanted, 3 ready, 5 to make.
    const day = plan(demandOf({ 23: 8, 22: 2 }));
    assert.equal(day.warmToMake, 5);
    assert.ok(day.notes.some((n) => n.startsWith('warmClones demand: 8 wanted')));
    assert.equal(day.steps.filter((s) => s.kind === 'tag').length, 0);
    // The same requests yesterday evening: none wanted now; the 3 ready ones are retired under the lease.
    const night = plan(demandOf({ 14: 8 }));
    const retired = night.steps.filter((s) => s.kind === 'tag');
    assert.equal(night.warmToMake, undefined);
    assert.deepEqual(
      retired.map((t) => [t.clusterId, t.underLease, t.tags]),
      ready.map((w) => [w.id, true, [{ Key: TAG.expiresAt, Value: NOW.toISOString() }]]),
    );
    assert.ok(night.notes.includes('warm clones: 3 ready, 0 wanted (3 retired now)'));
  });

  it('warmClones demand, on a source counted for under a week: the busiest hour counted so far', () => {
    const r = root({ id: 'prod' });
    const c = copy({ of: r, id: 'prod-copy', ageHours: 2 });
    // Counting began a day ago; 6 requests yesterday evening, none at these hours.
    const demand: DemandCounts = {
      ...recordRequest(undefined, new Date(NOW.getTime() - DAY_MS)),
      [new Date(Math.floor(NOW.getTime() / HOUR_MS) * HOUR_MS - 14 * HOUR_MS).toISOString()]: 6,
    };
    const p = planMaintenance({
      inventory: inventory(r, c),
      policy: maintenancePolicy({ targetCloneSlots: 5, warmClones: 'demand' }),
      lease: { reservations: [], demand },
      managerId: MANAGER_ID,
      now: NOW,
    });
    assert.equal(p.warmToMake, 6);
    assert.ok(
      p.notes.includes(
        'warmClones demand: 6 wanted, demand counted for under a week: the busiest hour counted so far had 6',
      ),
    );
  });

  it('a fixed number of warm clones is never retired early: the extra ones go when they expire', () => {
    const r = root({ id: 'prod' });
    const ready = clones(3, r, { idPrefix: 'prod-warm', warm: 'db.r6g.large', expiresAt });
    const p = planMaintenance({
      inventory: inventory(r, ...ready),
      policy: maintenancePolicy({ targetCloneSlots: 5, warmClones: 1 }),
      lease: SETTLED,
      managerId: MANAGER_ID,
      now: NOW,
    });
    assert.equal(p.steps.filter((s) => s.kind === 'tag').length, 0);
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
      lease: SETTLED,
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
