// behaviour.md §6: pool maintenance.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Inventory } from '../../../src/model/inventory.ts';
import type { CopyStep, DeleteStep, LeaseState, Plan, WriterStep } from '../../../src/model/plan.ts';
import type { MaintenancePolicy } from '../../../src/model/policy.ts';
import { planMaintenance } from '../../../src/planner/maintain.ts';
import {
  clone,
  clones,
  cluster,
  copy,
  hoursAgo,
  inventory,
  MANAGER_ID,
  NOW,
  root,
} from '../../helpers/builders.ts';
import { DAY_MS, maintenancePolicy, SETTLED } from './policies.ts';

const STAMP = '20261125t100000z';

/** The floor decides: demand has been counted for weeks, with no request lately. */
function plan(inv: Inventory, overrides: Partial<MaintenancePolicy> = {}, lease: LeaseState = SETTLED): Plan {
  return planMaintenance({
    inventory: inv,
    policy: maintenancePolicy(overrides),
    lease,
    managerId: MANAGER_ID,
    now: NOW,
  });
}

/** The plan's steps, each copy's writer left out (the test below checks that every copy has one). */
function kinds(p: Plan): string[] {
  return p.steps.filter((s) => s.kind !== 'copy-writer').map((s) => `${s.kind} ${s.clusterId}`);
}

function writerOf(p: Plan, clusterId: string): WriterStep {
  const w = p.steps.find((s) => s.kind === 'copy-writer' && s.clusterId === clusterId);
  assert.ok(w, `copy ${clusterId} has a writer step`);
  return w as WriterStep;
}

describe('maintenance: reaching the target', () => {
  it('creates ceil(deficit / maxClonesPerSource) copies named <source>-<timestamp>-<i>', () => {
    // Prepare: the root has 10 free slots.
    const r = root({ id: 'prod', instanceClass: 'db.r6g.xlarge' });
    const inv = inventory(r, ...clones(5, r));
    // Act
    const exact = plan(inv, { targetCloneSlots: 40 });
    const oneMore = plan(inv, { targetCloneSlots: 41 });
    // Assess
    assert.deepEqual(kinds(exact), [`copy prod-${STAMP}-1`, `copy prod-${STAMP}-2`]);
    assert.deepEqual(kinds(oneMore), [
      `copy prod-${STAMP}-1`,
      `copy prod-${STAMP}-2`,
      `copy prod-${STAMP}-3`,
    ]);
    const first = exact.steps[0] as CopyStep;
    assert.equal(writerOf(exact, first.clusterId).instanceClass, 'db.r6g.xlarge');
    assert.equal(first.rootClusterId, 'prod');
    assert.equal(writerOf(exact, first.clusterId).instanceId, `prod-${STAMP}-1-writer`);
    assert.match(
      first.reason,
      /free capacity 10 is 30 short of the target 40; 2 copies of 15 slots each \(ceil\(30\/15\)\)/,
    );
    assert.equal(exact.capacityBefore, 10);
    assert.equal(exact.capacityAfter, 40);
    assert.equal(oneMore.capacityAfter, 55);
  });

  it('makes each copy’s writer right after its restore, both under the lease, before any deletion', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const expired = clone({ id: 'gone-soon', of: r, expiresAt: hoursAgo(1) });
    // Act
    const p = plan(inventory(r, expired), { targetCloneSlots: 31 });
    // Assess
    assert.deepEqual(
      p.steps.map((s) => [s.kind, s.clusterId, s.underLease ?? false]),
      [
        ['copy', `prod-${STAMP}-1`, true],
        ['copy-writer', `prod-${STAMP}-1`, true],
        ['copy', `prod-${STAMP}-2`, true],
        ['copy-writer', `prod-${STAMP}-2`, true],
        ['delete', 'gone-soon', false],
      ],
    );
  });

  it('makes no copy when the free capacity already meets the target', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-c', of: r, ageDays: 1 });
    // Act
    const p = plan(inventory(r, c, ...clones(3, c)), { targetCloneSlots: 27 });
    // Assess
    assert.deepEqual(p.steps, []);
    assert.equal(p.capacityAfter, 27);
    assert.ok(p.notes.some((n) => /already meets the target 27/.test(n)));
  });

  it('counts copies still being created, so a second run does not make them again', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const making = [1, 2].map((i) => copy({ id: `prod-making-${i}`, of: r, status: 'creating' }));
    // Act
    const p = plan(inventory(r, ...making), { targetCloneSlots: 45 });
    // Assess
    assert.deepEqual(p.steps, []);
  });

  it('uses copyInstanceClass when given', () => {
    const r = root({ id: 'prod', instanceClass: 'db.r6g.8xlarge' });
    const p = plan(inventory(r), { targetCloneSlots: 16, copyInstanceClass: 'db.t4g.medium' });
    assert.equal(writerOf(p, p.steps[0]?.clusterId ?? '').instanceClass, 'db.t4g.medium');
  });

  it('counts with a smaller maxClonesPerSource', () => {
    const r = root({ id: 'prod' });
    const p = plan(inventory(r, ...clones(2, r)), { targetCloneSlots: 10, maxClonesPerSource: 5 });
    assert.equal(p.capacityBefore, 3);
    assert.equal(kinds(p).length, 2);
    assert.equal(p.capacityAfter, 13);
  });
});

describe('maintenance: purging obsolete copies', () => {
  it('fills the deficit the purged copies leave: the new copies under the lease first, the purge after', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const old = copy({ id: 'prod-old', of: r, ageDays: 4 });
    // Act
    const p = plan(inventory(r, old, ...clones(15, r)), { targetCloneSlots: 15 });
    // Assess
    assert.deepEqual(kinds(p), [`copy prod-${STAMP}-1`, 'delete prod-old']);
    assert.equal((p.steps.at(-1) as DeleteStep).role, 'copy');
  });

  it('never deletes the root or a cluster without the manager’s copy role, however old', () => {
    // Prepare
    const r = root({ id: 'prod', ageDays: 900 });
    const oldClone = clone({ id: 'old-clone', of: r, ageDays: 30 });
    const byHand = cluster({ id: 'prod-copy-by-hand', ageDays: 30 });
    const theirs = copy({ id: 'theirs', of: r, ageDays: 30, manager: 'other' });
    // Act
    const p = plan(inventory(r, oldClone, byHand, theirs), { targetCloneSlots: 0 });
    // Assess
    assert.deepEqual(p.steps, []);
  });

  it('does not purge with purgeObsoleteCopies false', () => {
    const r = root({ id: 'prod' });
    const p = plan(inventory(r, copy({ id: 'prod-old', of: r, ageDays: 4 })), {
      targetCloneSlots: 0,
      purgeObsoleteCopies: false,
    });
    assert.deepEqual(p.steps, []);
  });
});

describe('maintenance: copies nothing uses', () => {
  /** Demand counted for weeks, with `n` requests yesterday from 11:00 (the next hours' demand). */
  function busyYesterday(n: number): LeaseState {
    return { ...SETTLED, demand: { ...SETTLED.demand, '2026-11-24T11:00:00.000Z': n } };
  }

  it('purges them, oldest first, when the hours ahead need none of their slots', () => {
    // Prepare: the root has 10 free slots; two copies with no clone on them; no demand at these hours.
    const r = root({ id: 'prod' });
    const older = copy({ id: 'prod-older', of: r, ageHours: 20 });
    const newer = copy({ id: 'prod-newer', of: r, ageHours: 5 });
    // Act
    const p = plan(inventory(r, newer, older, ...clones(5, r)), { targetCloneSlots: 0 });
    // Assess
    assert.deepEqual(kinds(p), ['delete prod-older', 'delete prod-newer']);
    const purge = p.steps[0] as DeleteStep;
    assert.equal(purge.role, 'copy');
    assert.match(
      purge.reason,
      /^nothing uses it, and without it 25 free slots are left, enough for the 0 the next 6h may need \(data 20h old\)/,
    );
    assert.equal(p.capacityAfter, 10);
  });

  it('keeps as many as the next hours may need, and never goes below the floor', () => {
    const r = root({ id: 'prod' });
    const older = copy({ id: 'prod-older', of: r, ageHours: 20 });
    const newer = copy({ id: 'prod-newer', of: r, ageHours: 5 });
    const inv = inventory(r, newer, older, ...clones(5, r));
    // 20 requests yesterday from 11:00: 10 free on the root + one copy's 15 cover them.
    assert.deepEqual(kinds(plan(inv, { targetCloneSlots: 0 }, busyYesterday(20))), ['delete prod-older']);
    assert.deepEqual(kinds(plan(inv, { targetCloneSlots: 26 })), []);
  });

  it('keeps a copy with a clone on it, one a request waits for, and the one the next request would be cloned from', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const used = copy({ id: 'prod-used', of: r, ageHours: 20 });
    const waitedFor = copy({ id: 'prod-waited-for', of: r, ageHours: 10 });
    const next = copy({ id: 'prod-next', of: r, ageHours: 1 });
    const lease: LeaseState = {
      ...SETTLED,
      reservations: [
        {
          requestKey: 'k',
          sourceArn: waitedFor.arn,
          clusterId: 'k-clone',
          expiresAt: new Date(NOW.getTime() + 60_000).toISOString(),
        },
      ],
    };
    // Act: the root is full, so a request would be cloned from the newest copy.
    const p = plan(
      inventory(r, used, waitedFor, next, ...clones(15, r), clone({ of: used })),
      {
        targetCloneSlots: 0,
      },
      lease,
    );
    // Assess
    assert.deepEqual(kinds(p), []);
    assert.ok(
      p.notes.includes(
        'copy prod-next kept although nothing uses it: the next request would be cloned from it',
      ),
      p.notes.join('\n'),
    );
  });

  it('keeps them all with a fixed target (floor = ceiling) or with purging off', () => {
    const r = root({ id: 'prod' });
    const inv = inventory(r, copy({ id: 'prod-idle', of: r, ageHours: 20 }));
    assert.deepEqual(kinds(plan(inv, { targetCloneSlots: 0, maxCloneSlots: 0 })), []);
    assert.deepEqual(kinds(plan(inv, { targetCloneSlots: 0, purgeObsoleteCopies: false })), []);
  });
});

describe('maintenance: expired clones', () => {
  it('deletes clones whose expires-at has passed and counts the slots they free', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const expired = clones(5, r, { expiresAt: hoursAgo(1) });
    const live = clones(10, r, { idPrefix: 'live', expiresAt: new Date(NOW.getTime() + DAY_MS) });
    // Act
    const p = plan(inventory(r, ...expired, ...live), { targetCloneSlots: 5 });
    // Assess
    assert.deepEqual(
      kinds(p),
      expired.map((c) => `delete ${c.id}`),
    );
    assert.match(
      p.steps[0]?.reason ?? '',
      /expired at 2026-11-25T09:00:00.000Z \(1h ago\); releases its slot on prod/,
    );
    assert.equal(p.capacityBefore, 0);
    assert.equal(p.capacityAfter, 5);
  });

  it("leaves another manager's expired clones alone", () => {
    const r = root({ id: 'prod' });
    const theirs = clone({ id: 'theirs', of: r, expiresAt: hoursAgo(1), manager: 'other' });
    const p = plan(inventory(r, theirs), { targetCloneSlots: 0 });
    assert.deepEqual(p.steps, []);
    assert.ok(p.notes.some((n) => /theirs left alone/.test(n)));
  });

  it('does not delete expired clones with deleteExpiredClones false', () => {
    const r = root({ id: 'prod' });
    const p = plan(inventory(r, clone({ of: r, id: 'x', expiresAt: hoursAgo(1) })), {
      targetCloneSlots: 0,
      deleteExpiredClones: false,
    });
    assert.deepEqual(p.steps, []);
  });

  it('purges an obsolete copy whose only clones expire in the same run, clones first', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const old = copy({ id: 'prod-old', of: r, ageDays: 4 });
    const last = clone({ id: 'last', of: old, expiresAt: hoursAgo(2) });
    // Act
    const p = plan(inventory(r, old, last), { targetCloneSlots: 0 });
    // Assess
    assert.deepEqual(kinds(p), ['delete last', 'delete prod-old']);
  });
});

describe('maintenance: what a crash left without a writer', () => {
  it('gives a copy its writer and deletes a clone once they have had none for the grace period', () => {
    // Prepare: both restored 20 minutes ago by a request that died before creating their writers.
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-halfmade', of: r, ageHours: 1, instances: 0 });
    c.createdAt = minutesAgo(20);
    const k = clone({ id: 'halfmade-clone', of: r, instances: 0 });
    k.createdAt = minutesAgo(20);
    // Act: a fixed target of 20 free slots, so the copy's 15 are needed.
    const p = plan(inventory(r, c, k), { targetCloneSlots: 20, maxCloneSlots: 20 });
    // Assess
    assert.deepEqual(
      p.steps.map((s) => [s.kind, s.clusterId]),
      [
        ['copy-writer', 'prod-halfmade'],
        ['delete', 'halfmade-clone'],
      ],
    );
    assert.equal((p.steps[1] as DeleteStep).purpose, 'abandoned');
    assert.match(p.steps[0]?.reason ?? '', /no writer instance for 20m/);
  });

  it('with a target that follows demand, deletes a copy without a writer and nothing on it, and makes a new one if needed', () => {
    // Prepare: a copy whose writer is gone: a crash, or more likely a purge under way (its instance
    // deleted, the cluster next), which a writer would undo.
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-going', of: r, ageHours: 5, instances: 0 });
    // Act
    const quiet = plan(inventory(r, c), { targetCloneSlots: 0 });
    const busy = plan(inventory(r, c), { targetCloneSlots: 20 });
    // Assess
    assert.deepEqual(kinds(quiet), ['delete prod-going']);
    assert.match(
      quiet.steps[0]?.reason ?? '',
      /^it has no writer \(its purge may be under way\) and nothing uses it/,
    );
    assert.deepEqual(kinds(busy), [`copy prod-${STAMP}-1`, 'delete prod-going']);
  });

  it('leaves them alone while their maker may still be at work', () => {
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-new', of: r, instances: 0 });
    c.createdAt = minutesAgo(2);
    const k = clone({ id: 'new-clone', of: r, instances: 0 });
    k.createdAt = minutesAgo(2);
    assert.deepEqual(plan(inventory(r, c, k), { targetCloneSlots: 0 }).steps, []);
  });
});

function minutesAgo(m: number): Date {
  return new Date(NOW.getTime() - m * 60_000);
}
