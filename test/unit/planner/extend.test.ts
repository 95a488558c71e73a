// Extending a clone's time to live: only this manager's clones, never shorter, one tag step under
// the root's lease.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TagStep } from '../../../src/model/plan.ts';
import { TAG } from '../../../src/model/tags.ts';
import { formatPlan } from '../../../src/planner/explain.ts';
import { planExtend } from '../../../src/planner/extend.ts';
import { NotManagedError } from '../../../src/util/errors.ts';
import { clone, cluster, copy, hoursAgo, MANAGER_ID, NOW, root } from '../../helpers/builders.ts';

const HOUR = 3_600_000;

function inHours(hours: number): Date {
  return new Date(NOW.getTime() + hours * HOUR);
}

function extend(c: Parameters<typeof planExtend>[0]['cluster'], ttlHours: number) {
  return planExtend({ cluster: c, ttlMs: ttlHours * HOUR, managerId: MANAGER_ID, now: NOW });
}

describe('extend: plans', () => {
  it('moves the expiry of a clone to now + ttl with one tag step under the lease of its root', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const mine = clone({ id: 'mine', of: r, expiresAt: inHours(1) });
    // Act
    const plan = extend(mine, 8);
    // Assess
    assert.equal(plan.operation, 'extend');
    assert.equal(plan.rootClusterId, 'prod');
    assert.equal(plan.createdAt, NOW.toISOString());
    assert.equal(plan.steps.length, 1);
    const step = plan.steps[0] as TagStep;
    assert.equal(step.kind, 'tag');
    assert.equal(step.arn, mine.arn);
    assert.equal(step.underLease, true);
    assert.deepEqual(step.tags, [{ Key: TAG.expiresAt, Value: inHours(8).toISOString() }]);
    assert.match(step.reason, /expires at 2026-11-25T11:00:00.000Z; now \+ 8h is 2026-11-25T18:00:00.000Z/);
    assert.match(
      formatPlan(plan),
      /tag mine: aurora-clone-manager:expires-at=2026-11-25T18:00:00.000Z \[under the lease\]/,
    );
  });

  it('extends a clone of a copy under the lease of the root, not of the copy', () => {
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-copy', of: r });
    const plan = extend(clone({ id: 'from-copy', of: c, expiresAt: inHours(1) }), 2);
    assert.equal(plan.rootClusterId, 'prod');
    assert.equal(plan.steps.length, 1);
  });

  it('extends a clone whose expiry has passed but that maintenance has not deleted yet, and says so', () => {
    const r = root({ id: 'prod' });
    const plan = extend(clone({ id: 'late', of: r, expiresAt: hoursAgo(2) }), 1);
    assert.equal((plan.steps[0] as TagStep).tags[0]?.Value, inHours(1).toISOString());
    assert.match(plan.steps[0]?.reason ?? '', /expired at .* \(2h ago\) and is not deleted yet/);
  });

  it('never shortens: a clone that expires later than now + ttl keeps its expiry, and the note says so', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const long = clone({ id: 'long', of: r, expiresAt: inHours(48) });
    // Act
    const plan = extend(long, 8);
    // Assess
    assert.deepEqual(plan.steps, []);
    assert.match(
      plan.notes[0] ?? '',
      /long already expires at 2026-11-27T10:00:00.000Z, not before now \+ 8h .*never shortens/,
    );
    assert.match(formatPlan(plan), /Steps: none/);
  });

  it('changes nothing when now + ttl is exactly the expiry it has', () => {
    const r = root({ id: 'prod' });
    assert.deepEqual(extend(clone({ id: 'same', of: r, expiresAt: inHours(8) }), 8).steps, []);
  });

  it('leaves a clone without expiry unlimited: setting one would shorten its life', () => {
    const r = root({ id: 'prod' });
    const plan = extend(clone({ id: 'forever', of: r }), 8);
    assert.deepEqual(plan.steps, []);
    assert.match(plan.notes[0] ?? '', /forever has no expiry/);
  });

  it('accepts a clone with legacy tags and no manager tag, as delete does', () => {
    const r = root({ id: 'prod' });
    const tags = { [TAG.expiresAt]: inHours(1).toISOString() };
    const old = clone({ id: 'old', of: r, legacy: true, manager: null, tags });
    assert.equal(extend(old, 8).steps.length, 1);
  });
});

describe('extend: refusals', () => {
  const r = root({ id: 'prod' });

  it('refuses the root and any cluster without the manager tags', () => {
    assert.throws(() => extend(r, 8), /refusing to touch cluster prod: it is not tagged as a clone/);
    assert.throws(() => extend(cluster({ id: 'somebodys-db' }), 8), NotManagedError);
  });

  it('refuses a copy: copies have no time to live', () => {
    const c = copy({ id: 'prod-copy', of: r, expiresAt: inHours(1) });
    assert.throws(
      () => extend(c, 8),
      (e: unknown) =>
        e instanceof NotManagedError &&
        /prod-copy: it is a copy in the pool of prod: copies have no time/.test(e.message),
    );
  });

  it("refuses another manager's clone", () => {
    const theirs = clone({ id: 'theirs', of: r, manager: 'other', expiresAt: inHours(1) });
    assert.throws(() => extend(theirs, 8), /theirs: it belongs to manager other, not test-manager/);
  });

  it('refuses a clone that is being deleted', () => {
    const going = clone({ id: 'going', of: r, status: 'deleting', expiresAt: hoursAgo(1) });
    assert.throws(() => extend(going, 8), /refusing to touch cluster going: it is being deleted/);
  });
});
