// behaviour.md §7: deleting a clone or copy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeleteStep } from '../../../src/model/plan.ts';
import { planDelete } from '../../../src/planner/delete.ts';
import { ClusterNotFoundError, NotManagedError } from '../../../src/util/errors.ts';
import { clone, clones, cluster, copy, inventory, MANAGER_ID, NOW, root } from '../../helpers/builders.ts';

describe('delete: refusals', () => {
  it('refuses the root', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const inv = inventory(r, ...clones(2, r));
    // Act / Assess
    assert.throws(() => planDelete(inv, 'prod', MANAGER_ID), NotManagedError);
    assert.throws(
      () => planDelete(inv, r.arn, MANAGER_ID),
      /refusing to touch cluster prod: it is not tagged/,
    );
  });

  it('refuses an untagged cluster', () => {
    const inv = inventory(cluster({ id: 'somebodys-db' }));
    assert.throws(() => planDelete(inv, 'somebodys-db', MANAGER_ID), NotManagedError);
  });

  it("refuses another manager's clone", () => {
    const r = root({ id: 'prod' });
    const theirs = clone({ id: 'theirs', of: r, manager: 'other' });
    assert.throws(
      () => planDelete(inventory(r, theirs), 'theirs', MANAGER_ID),
      /theirs: it belongs to manager other, not test-manager/,
    );
  });

  it('refuses a managed cluster that is itself the root of a pool', () => {
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-c', of: r });
    const misused = cluster({ id: 'grandchild', role: 'clone', source: c, rootArn: c.arn });
    assert.throws(() => planDelete(inventory(r, c, misused), 'prod-c', MANAGER_ID), /root of a pool/);
  });
});

describe('delete: plans', () => {
  it('deletes a clone and its instances, found by id or ARN', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const mine = clone({ id: 'mine', of: r, instances: 2, owner: 'ci' });
    const inv = inventory(r, mine);
    // Act
    const byId = planDelete(inv, 'mine', MANAGER_ID);
    const byArn = planDelete(inv, mine.arn, MANAGER_ID);
    // Assess
    assert.deepEqual(byId, byArn);
    assert.equal(byId.operation, 'delete');
    assert.equal(byId.rootClusterId, 'prod');
    assert.equal(byId.createdAt, NOW.toISOString());
    const step = byId.steps[0] as DeleteStep;
    assert.equal(byId.steps.length, 1);
    assert.equal(step.kind, 'delete');
    assert.equal(step.role, 'clone');
    assert.equal(step.arn, mine.arn);
    assert.deepEqual(step.instanceIds, ['mine-instance-1', 'mine-instance-2']);
    assert.match(step.reason, /clone mine \(owner ci\)/);
  });

  it('deletes a copy even with clones left, and notes that they keep their data', () => {
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-c', of: r });
    const p = planDelete(inventory(r, c, ...clones(2, c)), 'prod-c', MANAGER_ID);
    assert.equal((p.steps[0] as DeleteStep).liveClones, 2);
    assert.ok(p.notes.some((n) => /2 clone\(s\) of copy prod-c remain/.test(n)));
  });

  it('accepts a clone with legacy tags and no manager tag', () => {
    const r = root({ id: 'prod' });
    const old = clone({ id: 'old', of: r, legacy: true, manager: null });
    const p = planDelete(inventory(r, old), 'old', MANAGER_ID);
    assert.equal(p.steps.length, 1);
  });

  it('refuses a cluster that does not exist, naming it', () => {
    assert.throws(
      () => planDelete(inventory(root({ id: 'prod' })), 'gone-clone', MANAGER_ID),
      (e: unknown) =>
        e instanceof ClusterNotFoundError && /cluster gone-clone does not exist/.test(e.message),
    );
  });

  it('with ignoreMissing, treats a cluster that is already gone as success with no steps', () => {
    const p = planDelete(inventory(root({ id: 'prod' })), 'gone-clone', MANAGER_ID, NOW, {
      ignoreMissing: true,
    });
    assert.deepEqual(p.steps, []);
    assert.match(p.notes[0] ?? '', /gone-clone does not exist \(already deleted\)/);
  });

  it('does nothing for a cluster already being deleted', () => {
    const r = root({ id: 'prod' });
    const p = planDelete(
      inventory(r, clone({ id: 'going', of: r, status: 'deleting' })),
      'going',
      MANAGER_ID,
    );
    assert.deepEqual(p.steps, []);
    assert.match(p.notes[0] ?? '', /already being deleted/);
  });
});
