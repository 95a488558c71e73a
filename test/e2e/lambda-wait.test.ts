// Waiting for the clone without sitting idle near the invocation's timeout: the function hands the
// request to fresh asynchronous invocations of itself, answers once, and gives up (FAILED, with
// the clone's last status) at CloudFormation's limit. The emulator's clones take ~5 s here and the
// function may run 2 s per invocation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CfnHarness, eventually, startCfnHarness } from '../helpers/cfn-harness.ts';

const SOURCE = 'prod';
const FUNCTION_TIMEOUT_MS = 2000;

describe('WaitForAvailable across invocations', () => {
  let h: CfnHarness;

  before(async () => {
    h = await startCfnHarness({
      functionTimeoutMs: FUNCTION_TIMEOUT_MS,
      emulator: {
        timings: { cloneVolumeMs: 2500, createInstanceMs: 2500, deleteInstanceMs: 300, deleteClusterMs: 300 },
      },
    });
    h.emulator.createSourceCluster({ id: SOURCE, engine: 'aurora-mysql', instanceClass: 'db.r6g.large' });
  });
  after(async () => {
    await h?.stop();
  });

  const invocations = () => h.services.lambda.invocations(h.functionName);

  it('answers SUCCESS once the writer is available, through continuations, without any invocation timing out', async () => {
    // Prepare
    const before = invocations().length;
    // Act
    const r = await h.send('Create', { SourceClusterId: SOURCE, ClusterId: 'slow-clone' });
    // Assess
    assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
    assert.equal(h.emulator.rds.cluster('slow-clone')?.status, 'available');
    const writer = h.emulator.rds.instances().find((i) => i.clusterId === 'slow-clone');
    assert.equal(writer?.status, 'available');
    const runs = invocations().slice(before);
    assert.ok(runs.length >= 3, `expected the wait to span several invocations, got ${runs.length}`);
    assert.deepEqual(
      runs.filter((x) => x.outcome !== 'success').map((x) => x.errorMessage),
      [],
      'no invocation may fail or time out',
    );
    assert.ok(runs.every((x) => x.invocationType === 'Event'));
    assert.match(h.logs.text(), /handed off to a continuation/);
  });

  it('answers FAILED with the last status when the clone is not up within ServiceTimeout, reporting the clone so the Delete removes it', async () => {
    const r = await h.send('Create', { SourceClusterId: SOURCE, ClusterId: 'too-slow', ServiceTimeout: 3 });
    assert.equal(r.body.Status, 'FAILED');
    assert.match(
      r.body.Reason!,
      /clone too-slow was not available within 2s.*last status: (cluster creating|writer|invocation about to time out)/,
    );
    assert.match(r.body.PhysicalResourceId, /:cluster:too-slow$/);
    // CloudFormation's rollback deletes what the failed Create reported.
    const d = await h.send(
      'Delete',
      { SourceClusterId: SOURCE },
      { physicalResourceId: r.body.PhysicalResourceId },
    );
    assert.equal(d.body.Status, 'SUCCESS', d.body.Reason);
    await eventually(() => !h.emulator.rds.cluster('too-slow'), 20_000, 'too-slow deleted');
  });

  it('an Update whose replacement is not up in time answers FAILED, keeps the old clone and deletes the replacement', async () => {
    // Prepare
    const props = { SourceClusterId: SOURCE, ClusterId: 'keep-me', WaitForAvailable: false };
    const created = await h.send('Create', props);
    assert.equal(created.body.Status, 'SUCCESS', created.body.Reason);
    // Act
    const r = await h.send(
      'Update',
      { ...props, WaitForAvailable: true, Tags: { v: '2' }, ServiceTimeout: 2 },
      {
        physicalResourceId: created.body.PhysicalResourceId,
        oldProperties: props,
      },
    );
    // Assess
    assert.equal(r.body.Status, 'FAILED');
    assert.match(r.body.Reason!, /was not available within/);
    assert.equal(r.body.PhysicalResourceId, created.body.PhysicalResourceId);
    await eventually(
      () =>
        h.emulator.rds
          .clusters()
          .filter((c) => c.id.startsWith('keep-me-'))
          .every((c) => c.status === 'deleting'),
      20_000,
      'replacement deleted',
    );
    assert.ok(h.emulator.rds.cluster('keep-me'), 'the old clone stays');
    // Logged once DeleteDBCluster has answered, a moment after the emulator shows it deleting.
    await eventually(
      () => /failed update: deleted its replacement clone/.test(h.logs.text()),
      5_000,
      'logged',
    );
  });

  it('a Create answered FAILED at the timeout while its restore was on its way deletes the clone once it lands', async () => {
    // Prepare: every call slow enough that the invocation times out mid-provision, past the deadline
    h.emulator.setFaults({ latencyMs: 400, jitterMs: 0 });
    try {
      // Act
      const r = await h.send('Create', {
        SourceClusterId: SOURCE,
        ClusterId: 'late-create',
        ServiceTimeout: 1,
      });
      // Assess: CloudFormation was told FAILED without the clone; the clone that lands is deleted
      assert.equal(r.body.Status, 'FAILED');
      assert.notEqual(r.body.PhysicalResourceId, 'late-create');
      await eventually(
        () => h.emulator.rds.cluster('late-create') !== undefined,
        20_000,
        'the restore landed',
      );
      await eventually(
        () => ['deleting', undefined].includes(h.emulator.rds.cluster('late-create')?.status),
        20_000,
        'the clone nobody was told of is deleted',
      );
      await eventually(
        () => /failed create: deleted the clone restored after the FAILED answer/.test(h.logs.text()),
        5_000,
        'logged',
      );
    } finally {
      h.emulator.setFaults({ latencyMs: 0 });
    }
  });

  it('answers FAILED before the invocation times out when the work cannot finish in time', async () => {
    // Prepare: a clone to delete, then every AWS call slowed beyond the function's budget
    const c = await h.send('Create', { SourceClusterId: SOURCE, WaitForAvailable: false });
    assert.equal(c.body.Status, 'SUCCESS', c.body.Reason);
    const before = invocations().length;
    h.emulator.setFaults({ latencyMs: 2500, jitterMs: 0 });
    try {
      // Act
      const started = Date.now();
      const r = await h.send('Delete', {}, { physicalResourceId: c.body.PhysicalResourceId });
      // Assess
      assert.equal(r.body.Status, 'FAILED');
      assert.match(r.body.Reason!, /about to time out/);
      assert.equal(r.body.PhysicalResourceId, c.body.PhysicalResourceId);
      assert.ok(r.receivedAt - started < FUNCTION_TIMEOUT_MS + 2500 + 500, 'answered within the invocation');
      const runs = invocations().slice(before);
      assert.equal(runs[0]?.outcome, 'success', 'the invocation ended before its timeout');
    } finally {
      h.emulator.setFaults({ latencyMs: 0 });
    }
  });
});
