// behaviour.md §5: provisioning a clone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Inventory } from '../../../src/model/inventory.ts';
import type { CloneStep, CopyStep, DeleteStep, Plan, Step, WriterStep } from '../../../src/model/plan.ts';
import type { ProvisionPolicy } from '../../../src/model/policy.ts';
import { requestIdSuffix } from '../../../src/planner/names.ts';
import { planProvision } from '../../../src/planner/provision.ts';
import {
  ClusterExistsError,
  NoCapacityError,
  SourceNotFoundError,
  SourcesRefusedError,
  ValidationError,
} from '../../../src/util/errors.ts';
import { identifierProblem } from '../../../src/util/identifiers.ts';
import {
  clone,
  clones,
  cluster,
  copy,
  daysAgo,
  hoursAgo,
  inventory,
  MANAGER_ID,
  NOW,
  root,
} from '../../helpers/builders.ts';
import { HOUR_MS, provisionPolicy } from './policies.ts';

const STAMP = '20261125t100000z';

function plan(inv: Inventory, overrides: Partial<ProvisionPolicy> = {}, idSuffix?: string): Plan {
  return planProvision({
    inventory: inv,
    request: provisionPolicy(overrides),
    managerId: MANAGER_ID,
    now: NOW,
    ...(idSuffix ? { idSuffix } : {}),
  });
}

function writerOf(p: Plan, clusterId?: string): WriterStep {
  const step = p.steps.find(
    (s) =>
      (s.kind === 'clone-writer' || s.kind === 'copy-writer') && (!clusterId || s.clusterId === clusterId),
  );
  assert.ok(step, 'the plan has a writer step');
  return step as WriterStep;
}

function cloneStep(p: Plan): CloneStep {
  const step = p.steps.find((s) => s.kind === 'clone');
  assert.ok(step, 'the plan has a clone step');
  return step as CloneStep;
}

describe('provision: choosing the source', () => {
  it('clones the root when it has a free slot, with the root writer instance class', () => {
    // Prepare
    const r = root({ id: 'prod', instanceClass: 'db.r7g.xlarge' });
    // Act
    const p = plan(inventory(r, ...clones(3, r)));
    // Assess
    assert.deepEqual(
      p.steps.map((s) => s.kind),
      ['clone', 'clone-writer'],
    );
    const step = cloneStep(p);
    assert.equal(step.sourceClusterId, 'prod');
    assert.equal(step.sourceArn, r.arn);
    assert.equal(step.rootArn, r.arn);
    assert.equal(step.underLease, true);
    assert.equal(writerOf(p).instanceClass, 'db.r7g.xlarge');
    assert.equal(writerOf(p).underLease, undefined);
    assert.equal(step.dataTimestamp, NOW.toISOString());
    assert.match(step.reason, /root prod has 12 of 15 slots free/);
    assert.equal(p.capacityBefore, 12);
    assert.equal(p.capacityAfter, 11);
  });

  it('clones the newest fresh copy when the root is full, and says why the others were skipped', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const older = copy({ id: 'prod-older', of: r, ageDays: 2 });
    const newer = copy({ id: 'prod-newer', of: r, ageHours: 6 });
    const stale = copy({ id: 'prod-stale', of: r, ageDays: 5 });
    // Act
    const p = plan(inventory(r, older, newer, stale, ...clones(15, r)));
    // Assess
    const step = cloneStep(p);
    assert.equal(step.sourceClusterId, 'prod-newer');
    assert.equal(step.dataTimestamp, hoursAgo(6).toISOString());
    const skipped = Object.fromEntries(p.sources.map((s) => [s.clusterId, s.skipped]));
    assert.equal(skipped['prod-newer'], undefined);
    assert.match(skipped['prod'] ?? '', /no free slot \(15\/15 used\)/);
    assert.match(skipped['prod-older'] ?? '', /cloneable, but prod-newer comes first/);
    assert.match(skipped['prod-stale'] ?? '', /obsolete/);
  });

  it('takes the first implementation’s miscounted case right: root full, copy with 3 clones, creating copy', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const used = copy({ id: 'prod-used', of: r, ageHours: 5 });
    const making = copy({ id: 'prod-making', of: r, status: 'creating' });
    // Act
    const p = plan(inventory(r, used, making, ...clones(15, r), ...clones(3, used)), { copyOk: false });
    // Assess
    assert.equal(cloneStep(p).sourceClusterId, 'prod-used');
    assert.equal(p.capacityBefore, 27);
    assert.equal(p.capacityAfter, 26);
  });

  it('uses the instance class of the request over the root writer’s', () => {
    const r = root({ id: 'prod', instanceClass: 'db.r7g.4xlarge' });
    const p = plan(inventory(r), { instanceClass: 'db.t4g.medium' });
    assert.equal(writerOf(p).instanceClass, 'db.t4g.medium');
  });

  it('requires an instance class when the root has no writer instance, and clones a copy of it then', () => {
    // Prepare
    const r = root({ id: 'prod', instances: 0 });
    const c = copy({ id: 'prod-c', of: r, ageHours: 1 });
    // Act / Assess
    assert.throws(
      () => plan(inventory(r, c)),
      (err: unknown) => err instanceof ValidationError && err.field === 'instanceClass',
    );
    const p = plan(inventory(r, c), { instanceClass: 'db.r6g.large' });
    assert.equal(cloneStep(p).sourceClusterId, 'prod-c');
    assert.equal(writerOf(p).instanceClass, 'db.r6g.large');
    assert.match(p.sources[0]?.skipped ?? '', /no DB instance: AWS cannot restore from it/);
  });

  it('says at once that a root without an instance can neither be cloned nor copied (no restore loop)', () => {
    const r = root({ id: 'prod', instances: 0 });
    assert.throws(
      () => plan(inventory(r), { instanceClass: 'db.r6g.large' }),
      (err: unknown) =>
        err instanceof SourcesRefusedError &&
        /prod has no DB instance: AWS can neither clone nor copy/.test(err.message),
    );
  });

  it('fails with "source cluster X does not exist" when the root is missing', () => {
    assert.throws(() => plan(inventory(root({ id: 'staging' }))), SourceNotFoundError);
  });
});

describe('provision: no free slot', () => {
  it('with copyOk false, fails saying each source’s slots and ages and what would help', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const full = copy({ id: 'prod-full', of: r, ageDays: 1 });
    const stale = copy({ id: 'prod-stale', of: r, ageDays: 4 });
    const inv = inventory(r, full, stale, ...clones(15, r), ...clones(15, full));
    // Act
    let error: unknown;
    try {
      plan(inv, { copyOk: false });
    } catch (err) {
      error = err;
    }
    // Assess
    assert.ok(error instanceof NoCapacityError);
    const message = error.message;
    assert.match(message, /no free clone slot for source prod and copyOk is false/);
    assert.match(message, /prod \(root, available, 15\/15 used, 0 free, current data\)/);
    assert.match(message, /prod-full \(copy, available, 15\/15 used, 0 free, data 1d old\)/);
    assert.match(message, /prod-stale \(copy, available, 0\/15 used, 15 free, data 4d old\): obsolete/);
    assert.match(message, /copyOk/);
    assert.match(message, /targetCloneSlots/);
    assert.equal(error.context.clusterId, 'prod');
  });

  it('suggests earlier copyCreatedSince when copies were skipped only for it', () => {
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-c', of: r, ageHours: 10 });
    assert.throws(
      () => plan(inventory(r, c, ...clones(15, r)), { copyOk: false, copyCreatedSince: hoursAgo(2) }),
      /earlier copyCreatedSince/,
    );
  });

  it('with copyOk true, plans a copy of the root and a clone of that copy', () => {
    // Prepare
    const r = root({ id: 'prod', instanceClass: 'db.r6g.2xlarge' });
    // Act
    const p = plan(inventory(r, ...clones(15, r)), { requestKey: 'req-1' });
    // Assess
    assert.deepEqual(
      p.steps.map((s) => s.kind),
      ['copy', 'copy-writer', 'wait-copy', 'clone', 'clone-writer'],
    );
    const [copyStep, , waitStep, cloneOfCopy] = p.steps as [CopyStep, WriterStep, Step, CloneStep];
    assert.equal(copyStep.clusterId, `prod-${STAMP}-copy`);
    assert.equal(copyStep.rootClusterId, 'prod');
    assert.equal(writerOf(p, copyStep.clusterId).instanceClass, 'db.r6g.2xlarge');
    assert.deepEqual(
      p.steps.map((s) => s.underLease ?? false),
      [true, true, false, true, false],
    );
    assert.equal(waitStep.kind === 'wait-copy' && waitStep.clusterId, copyStep.clusterId);
    assert.deepEqual(
      p.lease?.reservations.map((r) => [r.sourceArn, r.clusterId]),
      [[cloneOfCopy.sourceArn, cloneOfCopy.clusterId]],
    );
    assert.match(
      copyStep.reason,
      /no source can take a clone now \(root: no free slot \(15\/15 used\), no copies\)/,
    );
    assert.equal(cloneOfCopy.clusterId, `prod-${STAMP}`);
    assert.equal(cloneOfCopy.sourceClusterId, copyStep.clusterId);
    assert.equal(cloneOfCopy.sourceArn, r.arn.replace(/prod$/, copyStep.clusterId));
    assert.equal(cloneOfCopy.sourceCreatedInPlan, true);
    assert.equal(p.capacityBefore, 0);
    assert.equal(p.capacityAfter, 14);
  });

  it('makes a copy when the root has slots but is not available, and says why', () => {
    const r = root({ id: 'prod', status: 'stopped' });
    const p = plan(inventory(r));
    assert.deepEqual(
      p.steps.map((s) => s.kind),
      ['copy', 'copy-writer', 'wait-copy', 'clone', 'clone-writer'],
    );
    assert.match(p.steps[0]?.reason ?? '', /root: status is stopped, not available/);
  });

  it('waits for a copy that is still being made and has room, rather than making another', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const making = copy({ id: 'prod-making', of: r, status: 'creating' });
    // Act
    const p = plan(inventory(r, making, ...clones(15, r)), { requestKey: 'req-9' });
    // Assess
    assert.deepEqual(
      p.steps.map((s) => s.kind),
      ['wait-copy', 'clone', 'clone-writer'],
    );
    assert.match(p.steps[0]?.reason ?? '', /prod-making is still being made and has a free slot/);
    assert.equal(cloneStep(p).sourceClusterId, 'prod-making');
    assert.deepEqual(
      p.lease?.reservations.map((x) => [x.requestKey, x.sourceArn]),
      [['req-9', making.arn]],
    );
  });

  it('makes a copy when the copies being made are full of other requests’ reservations', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const making = copy({ id: 'prod-making', of: r, status: 'creating' });
    const reservations = Array.from({ length: 15 }, (_, i) => ({
      requestKey: `other-${i}`,
      sourceArn: making.arn,
      clusterId: `waiting-${i}`,
      expiresAt: hoursAgo(-1).toISOString(),
    }));
    // Act
    const p = planProvision({
      inventory: inventory(r, making, ...clones(15, r)),
      request: provisionPolicy({ requestKey: 'mine' }),
      lease: { reservations },
      managerId: MANAGER_ID,
      now: NOW,
    });
    // Assess
    assert.equal(p.steps[0]?.kind, 'copy');
    assert.equal(p.lease?.reservations.length, 16);
  });

  it('clones the copy it waited for once it is available, under the reserved name, and drops the reservation', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const ready = copy({ id: 'prod-ready', of: r, ageHours: 1 });
    const mine = {
      requestKey: 'mine',
      sourceArn: ready.arn,
      clusterId: 'my-clone',
      expiresAt: hoursAgo(-1).toISOString(),
    };
    // Act
    const p = planProvision({
      inventory: inventory(r, ready, ...clones(15, r), ...clones(14, ready)),
      request: provisionPolicy({ requestKey: 'mine' }),
      lease: { reservations: [mine] },
      managerId: MANAGER_ID,
      now: NOW,
    });
    // Assess
    assert.deepEqual(
      p.steps.map((s) => [s.kind, s.clusterId]),
      [
        ['clone', 'my-clone'],
        ['clone-writer', 'my-clone'],
      ],
    );
    assert.equal(cloneStep(p).sourceClusterId, 'prod-ready');
    assert.deepEqual(p.lease?.reservations, []);
  });

  it('clones the copy it waited for even when the copy grew older than maxCopyAge meanwhile, and no one purges it', () => {
    // Prepare: a copy took 6 hours to make; maxCopyAge is 1 hour; this request and another wait for it.
    const r = root({ id: 'prod' });
    const slow = copy({ id: 'prod-slow', of: r, ageHours: 6 });
    const until = hoursAgo(-1).toISOString();
    const mine = { requestKey: 'mine', sourceArn: slow.arn, clusterId: 'my-clone', expiresAt: until };
    const theirs = { requestKey: 'theirs', sourceArn: slow.arn, clusterId: 'their-clone', expiresAt: until };
    // Act
    const p = planProvision({
      inventory: inventory(r, slow, ...clones(15, r)),
      request: provisionPolicy({ requestKey: 'mine', maxCopyAgeMs: HOUR_MS }),
      lease: { reservations: [mine, theirs] },
      managerId: MANAGER_ID,
      now: NOW,
    });
    // Assess
    assert.deepEqual(
      p.steps.map((s) => [s.kind, s.clusterId]),
      [
        ['clone', 'my-clone'],
        ['clone-writer', 'my-clone'],
      ],
    );
    assert.match(cloneStep(p).reason, /which this request waited for/);
    assert.ok(
      p.notes.some((n) => /prod-slow kept: requests are waiting for it/.test(n)),
      p.notes.join('\n'),
    );
  });

  it('plans without a source that refused a restore, and names every refusal when none is left', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-c', of: r, ageHours: 2 });
    const inv = inventory(r, c);
    // Act
    const p = planProvision({
      inventory: inv,
      request: provisionPolicy({ requestKey: 'k' }),
      refused: { [r.arn]: 'InvalidDBClusterStateFault: no instance' },
      managerId: MANAGER_ID,
      now: NOW,
    });
    // Assess
    assert.equal(cloneStep(p).sourceClusterId, 'prod-c');
    assert.throws(
      () =>
        planProvision({
          inventory: inv,
          request: provisionPolicy({ requestKey: 'k' }),
          refused: { [r.arn]: 'no instance', [c.arn]: 'stopped' },
          managerId: MANAGER_ID,
          now: NOW,
        }),
      (err: unknown) =>
        err instanceof SourcesRefusedError && /prod: no instance; prod-c: stopped/.test(err.message),
    );
  });
});

describe('provision: idempotency', () => {
  it('reuses the clone an earlier request with the same key made', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const earlier = clone({ of: r, id: 'made-before', request: 'req-1' });
    // Act
    const p = plan(inventory(r, earlier, ...clones(15, r)), { requestKey: 'req-1', copyOk: false });
    // Assess
    assert.deepEqual(p.steps, [
      {
        kind: 'reuse',
        clusterId: 'made-before',
        arn: earlier.arn,
        reason: 'request req-1 already made clone made-before (status available); nothing new is created',
      },
    ]);
  });

  it('does not reuse a clone of another manager or one being deleted', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const theirs = clone({ of: r, id: 'theirs', request: 'req-1', manager: 'other' });
    const going = clone({ of: r, id: 'going', request: 'req-1', status: 'deleting' });
    // Act
    const p = plan(inventory(r, theirs, going), { requestKey: 'req-1' });
    // Assess
    assert.equal(cloneStep(p).clusterId, `prod-${STAMP}`);
  });
});

describe('provision: naming', () => {
  it('uses the given cluster id', () => {
    const r = root({ id: 'prod' });
    assert.equal(cloneStep(plan(inventory(r), { clusterId: 'ci-run-42' })).clusterId, 'ci-run-42');
  });

  it('fails with "cluster X already exists" when the id is taken (case-insensitively)', () => {
    const r = root({ id: 'prod' });
    const taken = cluster({ id: 'ci-run-42' });
    assert.throws(() => plan(inventory(r, taken), { clusterId: 'CI-run-42' }), ClusterExistsError);
    assert.throws(
      () => plan(inventory(r, taken), { clusterId: 'ci-run-42' }),
      /cluster ci-run-42 already exists/,
    );
  });

  it('appends a timestamp with noFailOnExistingCluster', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const taken = cluster({ id: 'ci-run-42' });
    // Act
    const p = plan(inventory(r, taken), { clusterId: 'ci-run-42', noFailOnExistingCluster: true });
    // Assess
    assert.equal(cloneStep(p).clusterId, `ci-run-42-${STAMP}`);
    assert.ok(p.notes.some((n) => n.includes('ci-run-42 already exists')));
  });

  it('generates <source>-<UTC timestamp> when no id is given', () => {
    const r = root({ id: 'prod' });
    const p = plan(inventory(r));
    assert.equal(cloneStep(p).clusterId, 'prod-20261125t100000z');
    assert.equal(writerOf(p).instanceId, 'prod-20261125t100000z-writer');
  });

  it('keeps generated names within 63 characters and valid for a long source id', () => {
    // Prepare
    const longId = `prod-${'a'.repeat(50)}-db1`;
    const r = root({ id: longId });
    // Act
    const direct = plan(inventory(r), { sourceClusterId: longId });
    const viaCopy = plan(inventory(r, ...clones(15, r)), { sourceClusterId: longId });
    // Assess
    const ids = [...direct.steps, ...viaCopy.steps].flatMap((s) =>
      s.kind === 'clone' || s.kind === 'copy'
        ? [s.clusterId]
        : s.kind === 'clone-writer' || s.kind === 'copy-writer'
          ? [s.instanceId]
          : [],
    );
    assert.equal(ids.length, 6);
    for (const id of ids) assert.equal(identifierProblem(id), undefined, id);
    assert.ok(ids.every((id) => id.length <= 63));
    assert.notEqual(viaCopy.steps[0]?.clusterId, viaCopy.steps[3]?.clusterId);
  });

  it('adds a counter when a generated name is already taken', () => {
    const r = root({ id: 'prod' });
    const taken = cluster({ id: `prod-${STAMP}` });
    assert.equal(cloneStep(plan(inventory(r, taken))).clusterId, `prod-${STAMP}-2`);
  });

  it('gives requests of the same second different names, and the same request the same name', () => {
    // Prepare: processes (or deployments) that cannot see each other's restore yet
    const inv = inventory(root({ id: 'prod' }));
    const named = (key?: string) =>
      cloneStep(plan(inv, key ? { requestKey: key } : {}, requestIdSuffix(NOW, key))).clusterId;
    // Act
    const keyed = ['ci-1', 'ci-2', 'ci-3', 'ci-4'].map(named);
    const later = requestIdSuffix(new Date(NOW.getTime() + 5_000), 'ci-1');
    const unkeyed = [named(), named(), named()];
    // Assess: a request key names its clusters whenever it is planned (a dry run and its real run)
    assert.equal(new Set(keyed).size, 4, keyed.join(', '));
    assert.equal(named('ci-1'), keyed[0]);
    assert.equal(`prod-${later}`, keyed[0]);
    for (const n of keyed) assert.match(n, /^prod-[0-9a-f]{10}$/);
    // without one, the time and a random part
    assert.equal(new Set(unkeyed).size, 3, unkeyed.join(', '));
    for (const n of unkeyed) assert.match(n, /^prod-20261125t100000z-[0-9a-f]{5}$/);
  });

  it('uses the injected id suffix instead of the timestamp', () => {
    const r = root({ id: 'prod' });
    assert.equal(cloneStep(plan(inventory(r), {}, 'abc123')).clusterId, 'prod-abc123');
  });

  it('rejects an invalid cluster id naming the field, before anything else', () => {
    const r = root({ id: 'prod' });
    for (const bad of ['1abc', 'a--b', 'ends-', 'has_underscore', 'x'.repeat(64)]) {
      assert.throws(
        () => plan(inventory(r), { clusterId: bad }),
        (err: unknown) => err instanceof ValidationError && err.field === 'clusterId',
        bad,
      );
    }
  });

  it('rejects maxClonesPerSource outside 1–15', () => {
    const r = root({ id: 'prod' });
    for (const bad of [0, 16, 2.5]) {
      assert.throws(
        () => plan(inventory(r), { maxClonesPerSource: bad }),
        (err: unknown) => err instanceof ValidationError && err.field === 'maxClonesPerSource',
      );
    }
  });
});

describe('provision: purging obsolete copies', () => {
  it("deletes this manager's obsolete copies without clones, after the clone and its writer", () => {
    // Prepare
    const r = root({ id: 'prod' });
    const obsolete = copy({ id: 'prod-obsolete', of: r, ageDays: 4, instances: 2 });
    // Act
    const p = plan(inventory(r, obsolete));
    // Assess
    assert.deepEqual(
      p.steps.map((s) => s.kind),
      ['clone', 'clone-writer', 'delete'],
    );
    const del = p.steps[2] as DeleteStep;
    assert.equal(del.purpose, 'purge');
    assert.equal(del.clusterId, 'prod-obsolete');
    assert.equal(del.role, 'copy');
    assert.deepEqual(del.instanceIds, ['prod-obsolete-instance-1', 'prod-obsolete-instance-2']);
    assert.match(del.reason, /obsolete: data is 4d old/);
  });

  it('keeps an obsolete copy that still has clones, and says so', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const obsolete = copy({ id: 'prod-obsolete', of: r, ageDays: 4 });
    // Act
    const p = plan(inventory(r, obsolete, clone({ of: obsolete, id: 'still-used' })));
    // Assess
    assert.ok(p.steps.every((s) => s.kind !== 'delete'));
    assert.ok(p.notes.some((n) => /prod-obsolete kept: 1 clone\(s\) still use it/.test(n)));
  });

  it("leaves another manager's obsolete copies and clusters without the copy role alone", () => {
    // Prepare
    const r = root({ id: 'prod', createdAt: daysAgo(400) });
    const theirs = copy({ id: 'theirs', of: r, ageDays: 10, manager: 'other' });
    const oldClone = clone({ id: 'old-clone', of: r, ageDays: 10 });
    const untagged = cluster({ id: 'prod-copy-by-hand', ageDays: 10 });
    // Act
    const p = plan(inventory(r, theirs, oldClone, untagged));
    // Assess
    assert.deepEqual(
      p.steps.map((s) => s.kind),
      ['clone', 'clone-writer'],
    );
    assert.ok(p.notes.some((n) => /theirs left alone: it belongs to manager other/.test(n)));
  });

  it('does not purge with purgeObsoleteCopies false', () => {
    const r = root({ id: 'prod' });
    const obsolete = copy({ id: 'prod-obsolete', of: r, ageDays: 4 });
    const p = plan(inventory(r, obsolete), { purgeObsoleteCopies: false });
    assert.deepEqual(
      p.steps.map((s) => s.kind),
      ['clone', 'clone-writer'],
    );
  });

  it('does not purge an obsolete copy whose status does not allow deletion yet', () => {
    const r = root({ id: 'prod' });
    const busy = copy({ id: 'prod-busy', of: r, ageDays: 4, status: 'backing-up' });
    const p = plan(inventory(r, busy));
    assert.ok(p.steps.every((s) => s.kind !== 'delete'));
    assert.ok(p.notes.some((n) => /prod-busy not purged now: status is backing-up/.test(n)));
  });
});

describe('provision: determinism', () => {
  it('returns the same JSON-serialisable plan for the same input', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-c', of: r, ageDays: 1 });
    const inv = inventory(r, c, ...clones(15, r), copy({ id: 'prod-old', of: r, ageDays: 9 }));
    // Act
    const first = plan(inv);
    const second = plan(inv);
    // Assess
    assert.deepEqual(first, second);
    assert.deepEqual(JSON.parse(JSON.stringify(first)), first);
  });
});
