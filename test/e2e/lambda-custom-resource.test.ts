// The Custom::AuroraClone resource driven the way CloudFormation drives it, against the bundle and
// the emulator: create, update (every case), delete, duplicates, refusals and validation errors.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TAG } from '../../src/model/tags.ts';
import { type CfnHarness, eventually, startCfnHarness } from '../helpers/cfn-harness.ts';

const SOURCE = 'prod';

describe('Custom::AuroraClone through the Lambda bundle', () => {
  let h: CfnHarness;

  before(async () => {
    h = await startCfnHarness();
    h.emulator.createSourceCluster({
      id: SOURCE,
      engine: 'aurora-postgresql',
      instanceClass: 'db.r6g.large',
      masterUsername: 'postgres',
      databaseName: 'app',
    });
  });
  after(async () => {
    await h?.stop();
  });

  const clusters = () => h.emulator.rds.clusters().filter((c) => c.status !== 'deleting');
  const tagsOf = (id: string) =>
    Object.fromEntries((h.emulator.rds.cluster(id)?.tags ?? []).map((t) => [t.Key, t.Value]));

  it('Create makes an available clone and answers SUCCESS with its attributes; Delete removes it', async () => {
    // Prepare
    const before = clusters().length;
    // Act
    const created = await h.send('Create', { SourceClusterId: SOURCE, ClusterId: 'ci-clone-1' });
    // Assess
    assert.equal(created.body.Status, 'SUCCESS', created.body.Reason);
    const data = created.body.Data!;
    assert.match(created.body.PhysicalResourceId, /^arn:aws:rds:us-east-1:\d{12}:cluster:ci-clone-1$/);
    assert.equal(data.Arn, created.body.PhysicalResourceId);
    assert.equal(data.ClusterId, 'ci-clone-1');
    assert.equal(data.SourceClusterId, SOURCE);
    assert.ok(data.Endpoint.includes('ci-clone-1'));
    assert.ok(data.ReaderEndpoint.length > 0);
    assert.match(data.Port, /^\d+$/);
    assert.ok(!Number.isNaN(Date.parse(data.DataTimestamp)));
    assert.equal(data.PasswordSecret, '');
    const clone = h.emulator.rds.cluster('ci-clone-1')!;
    assert.equal(clone.status, 'available', 'WaitForAvailable (default) answers once the clone is available');
    const writer = h.emulator.rds.instances().find((i) => i.clusterId === 'ci-clone-1');
    assert.equal(writer?.status, 'available');
    assert.equal(clusters().length, before + 1);
    assert.equal(tagsOf('ci-clone-1')[TAG.role], 'clone');
    assert.equal(tagsOf('ci-clone-1')[TAG.manager], 'clone-stack');

    const deleted = await h.send(
      'Delete',
      { SourceClusterId: SOURCE, ClusterId: 'ci-clone-1' },
      {
        physicalResourceId: created.body.PhysicalResourceId,
      },
    );
    assert.equal(deleted.body.Status, 'SUCCESS', deleted.body.Reason);
    assert.equal(deleted.body.PhysicalResourceId, created.body.PhysicalResourceId);
    await eventually(
      () =>
        !h.emulator.rds.cluster('ci-clone-1') || h.emulator.rds.cluster('ci-clone-1')?.status === 'deleting',
      10_000,
      'clone deleted',
    );
    assert.equal(clusters().length, before);
    h.assertLogsFreeOf([]);
  });

  it('InstanceClass db.serverless makes a Serverless v2 clone', async () => {
    const created = await h.send('Create', {
      SourceClusterId: SOURCE,
      ClusterId: 'sls-cfn',
      InstanceClass: 'db.serverless',
    });
    assert.equal(created.body.Status, 'SUCCESS', created.body.Reason);
    assert.equal(
      h.emulator.rds.instances().find((i) => i.clusterId === 'sls-cfn')?.instanceClass,
      'db.serverless',
    );
    assert.ok(h.emulator.rds.cluster('sls-cfn')?.serverlessV2);
  });

  it('a Create delivered three times, also concurrently, makes one cluster and gives every delivery the same answer', async () => {
    // Prepare
    const event = h.event('Create', { SourceClusterId: SOURCE, WaitForAvailable: false });
    const before = clusters().length;
    // Act: Lambda's retries and CloudFormation's redeliveries, at once and after the fact
    await Promise.all([h.deliver(event), h.deliver(event), h.deliver(event)]);
    const first = await h.answerTo(event, 60_000, 3);
    await h.deliver(event);
    await h.answerTo(event, 60_000, 4);
    // Assess
    const answers = h.responses.for(String(event.RequestId));
    assert.ok(
      answers.every((a) => a.body.Status === 'SUCCESS'),
      answers.map((a) => a.body.Reason).join('; '),
    );
    assert.equal(new Set(answers.map((a) => a.body.PhysicalResourceId)).size, 1);
    assert.equal(clusters().length, before + 1, 'one cluster for one request');
    const id = first.body.Data!.ClusterId;
    assert.equal(clusters().filter((c) => tagsOf(c.id)[TAG.request] === tagsOf(id)[TAG.request]).length, 1);
  });

  describe('Update', () => {
    const props = { SourceClusterId: SOURCE, ClusterId: 'upd-clone', Tags: { team: 'data' }, CopyOk: true };
    let created: Awaited<ReturnType<CfnHarness['send']>>;

    before(async () => {
      created = await h.send('Create', props);
      assert.equal(created.body.Status, 'SUCCESS', created.body.Reason);
    });

    it('with identical properties keeps the clone and returns the same Data', async () => {
      const before = clusters().length;
      const r = await h.send('Update', props, {
        physicalResourceId: created.body.PhysicalResourceId,
        oldProperties: props,
      });
      assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
      assert.equal(r.body.PhysicalResourceId, created.body.PhysicalResourceId);
      assert.deepEqual(r.body.Data, created.body.Data);
      assert.equal(clusters().length, before);
    });

    it('with only CopyCreatedSince changed to before the clone’s data timestamp keeps the clone', async () => {
      const before = clusters().length;
      const since = new Date(Date.parse(created.body.Data!.DataTimestamp) - 60_000).toISOString();
      const r = await h.send(
        'Update',
        { ...props, CopyCreatedSince: since },
        {
          physicalResourceId: created.body.PhysicalResourceId,
          oldProperties: props,
        },
      );
      assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
      assert.equal(r.body.PhysicalResourceId, created.body.PhysicalResourceId);
      assert.equal(clusters().length, before);
    });

    it('with only CopyCreatedSince changed to after the clone’s data timestamp makes a new clone', async () => {
      const since = new Date(Date.parse(created.body.Data!.DataTimestamp) + 1).toISOString();
      await new Promise((r) => setTimeout(r, 20));
      const r = await h.send(
        'Update',
        { ...props, CopyCreatedSince: since },
        {
          physicalResourceId: created.body.PhysicalResourceId,
          oldProperties: props,
        },
      );
      assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
      assert.notEqual(
        r.body.PhysicalResourceId,
        created.body.PhysicalResourceId,
        'a replacement has a new physical id',
      );
      assert.ok(Date.parse(r.body.Data!.DataTimestamp) > Date.parse(since));
      assert.match(r.body.Data!.ClusterId, /^upd-clone-/, 'the taken ClusterId gets a suffix');
      // CloudFormation then deletes the replaced clone.
      const d = await h.send('Delete', props, { physicalResourceId: created.body.PhysicalResourceId });
      assert.equal(d.body.Status, 'SUCCESS', d.body.Reason);
      assert.equal(h.emulator.rds.cluster(r.body.Data!.ClusterId)?.status, 'available');
    });

    it('with another property changed makes a new clone', async () => {
      const first = await h.send('Create', { ...props, ClusterId: 'upd-tags' });
      const r = await h.send(
        'Update',
        { ...props, ClusterId: 'upd-tags', Tags: { team: 'web' } },
        {
          physicalResourceId: first.body.PhysicalResourceId,
          oldProperties: { ...props, ClusterId: 'upd-tags' },
        },
      );
      assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
      assert.notEqual(r.body.PhysicalResourceId, first.body.PhysicalResourceId);
      assert.equal(tagsOf(r.body.Data!.ClusterId).team, 'web');
    });

    it('with a bad property fails naming it and keeps the old physical id', async () => {
      const r = await h.send(
        'Update',
        { ...props, MaxClonesPerSource: 99 },
        {
          physicalResourceId: created.body.PhysicalResourceId,
          oldProperties: props,
        },
      );
      assert.equal(r.body.Status, 'FAILED');
      assert.match(r.body.Reason!, /MaxClonesPerSource/);
      assert.equal(r.body.PhysicalResourceId, created.body.PhysicalResourceId);
    });
  });

  describe('Delete', () => {
    it('of a physical id that is not a cluster ARN (a failed Create) succeeds without touching anything', async () => {
      const before = h.emulator.rds.clusters().map((c) => `${c.id}:${c.status}`);
      const r = await h.send(
        'Delete',
        { SourceClusterId: SOURCE },
        {
          physicalResourceId: 'aurora-clone-manager:create-failed:0d8f',
        },
      );
      assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
      assert.equal(r.body.PhysicalResourceId, 'aurora-clone-manager:create-failed:0d8f');
      assert.deepEqual(
        h.emulator.rds.clusters().map((c) => `${c.id}:${c.status}`),
        before,
      );
    });

    it('of a failed Create’s marker deletes the clone that Create’s restore left, and no other', async () => {
      // Prepare: a Create whose clone exists while CloudFormation holds only the FAILED marker, as
      // when the answer went at the deadline with the restore on its way and Lambda froze the
      // container before the clone was deleted; and another request's clone
      const requestId = randomUUID();
      const unreported = await h.send(
        'Create',
        { SourceClusterId: SOURCE, WaitForAvailable: 'false' },
        { requestId },
      );
      const other = await h.send('Create', { SourceClusterId: SOURCE, WaitForAvailable: 'false' });
      const unreportedId = unreported.body.Data!.ClusterId;
      const otherId = other.body.Data!.ClusterId;
      // Act
      const r = await h.send(
        'Delete',
        { SourceClusterId: SOURCE },
        { physicalResourceId: `aurora-clone-manager:create-failed:${requestId}` },
      );
      // Assess
      assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
      assert.equal(r.body.PhysicalResourceId, `aurora-clone-manager:create-failed:${requestId}`);
      await eventually(
        () =>
          !h.emulator.rds.cluster(unreportedId) ||
          h.emulator.rds.cluster(unreportedId)?.status === 'deleting',
        10_000,
        'the unreported clone deleted',
      );
      assert.notEqual(h.emulator.rds.cluster(otherId)?.status, 'deleting');
      assert.ok(h.emulator.rds.cluster(otherId), 'the other request’s clone stays');
      await h.send('Delete', {}, { physicalResourceId: other.body.PhysicalResourceId });
    });

    it('of a cluster the manager does not own is refused and leaves it alone', async () => {
      const source = h.emulator.rds.cluster(SOURCE)!;
      const r = await h.send('Delete', { SourceClusterId: SOURCE }, { physicalResourceId: source.arn });
      assert.equal(r.body.Status, 'FAILED');
      assert.match(r.body.Reason!, /refus/i);
      assert.match(r.body.Reason!, new RegExp(SOURCE));
      assert.equal(h.emulator.rds.cluster(SOURCE)?.status, 'available');
    });

    it('of a clone that is already gone succeeds', async () => {
      const c = await h.send('Create', { SourceClusterId: SOURCE, WaitForAvailable: 'false' });
      const first = await h.send('Delete', {}, { physicalResourceId: c.body.PhysicalResourceId });
      assert.equal(first.body.Status, 'SUCCESS', first.body.Reason);
      await eventually(() => !h.emulator.rds.cluster(c.body.Data!.ClusterId), 15_000, 'clone gone');
      const again = await h.send('Delete', {}, { physicalResourceId: c.body.PhysicalResourceId });
      assert.equal(again.body.Status, 'SUCCESS', again.body.Reason);
    });
  });

  describe('validation: nothing is created and the Reason names the property', () => {
    const cases: [string, Record<string, unknown>, RegExp, { resourceType?: string }?][] = [
      ['missing SourceClusterId', { ClusterId: 'x1' }, /SourceClusterId: is required/],
      [
        'bad SourceClusterId',
        { SourceClusterId: 'prod_db' },
        /SourceClusterId: .*letters, digits and hyphens/,
      ],
      [
        'ClusterId with two hyphens',
        { SourceClusterId: SOURCE, ClusterId: 'a--b' },
        /ClusterId: .*consecutive hyphens/,
      ],
      [
        'ClusterId starting with a digit',
        { SourceClusterId: SOURCE, ClusterId: '1abc' },
        /ClusterId: .*start with a letter/,
      ],
      [
        'ClusterId too long',
        { SourceClusterId: SOURCE, ClusterId: `a${'b'.repeat(63)}` },
        /ClusterId: .*at most 63/,
      ],
      [
        'bad CopyCreatedSince',
        { SourceClusterId: SOURCE, CopyCreatedSince: 'yesterday' },
        /CopyCreatedSince: .*ISO-8601/,
      ],
      ['bad MaxCopyAge', { SourceClusterId: SOURCE, MaxCopyAge: '3 days' }, /MaxCopyAge: .*duration/],
      ['bad TimeToLive', { SourceClusterId: SOURCE, TimeToLive: 'forever' }, /TimeToLive: .*duration/],
      [
        'MaxClonesPerSource over 15',
        { SourceClusterId: SOURCE, MaxClonesPerSource: 16 },
        /MaxClonesPerSource: .*1 to 15/,
      ],
      [
        'MaxClonesPerSource not a number',
        { SourceClusterId: SOURCE, MaxClonesPerSource: 'ten' },
        /MaxClonesPerSource/,
      ],
      [
        'CopyOk not a boolean',
        { SourceClusterId: SOURCE, CopyOk: 'yes' },
        /CopyOk: must be "true" or "false"/,
      ],
      [
        'WaitForAvailable not a boolean',
        { SourceClusterId: SOURCE, WaitForAvailable: 'maybe' },
        /WaitForAvailable/,
      ],
      ['bad InstanceClass', { SourceClusterId: SOURCE, InstanceClass: 'r6g.large' }, /InstanceClass: /],
      [
        'bad principal',
        { SourceClusterId: SOURCE, SetPassword: true, AccessPrincipalArns: 'ci-role' },
        /AccessPrincipalArns\[0\]: /,
      ],
      [
        'reserved tag key',
        { SourceClusterId: SOURCE, Tags: { 'aws:owner': 'me' } },
        /^Tags: key "aws:owner" uses the reserved prefix "aws:"/,
      ],
      [
        'the manager’s own tag key',
        { SourceClusterId: SOURCE, Tags: [{ Key: `${TAG.role}`, Value: 'copy' }] },
        /^Tags: key "aurora-clone-manager:role" uses the reserved prefix "aurora-clone-manager:"/,
      ],
      [
        'bad SecretPrefix',
        { SourceClusterId: SOURCE, SetPassword: true, SecretPrefix: 'my prefix' },
        /SecretPrefix: /,
      ],
      ['bad ServiceTimeout', { SourceClusterId: SOURCE, ServiceTimeout: 0 }, /ServiceTimeout: .*1 to 3600/],
      [
        'SetPassword with ManageMasterUserPassword',
        { SourceClusterId: SOURCE, SetPassword: true, ManageMasterUserPassword: true },
        /^ManageMasterUserPassword: SetPassword and ManageMasterUserPassword cannot both be true/,
      ],
      ['an unknown property (a typo)', { SourceClusterId: SOURCE, CopyOK: true }, /CopyOK: unknown property/],
      [
        'several problems at once',
        { SourceClusterId: SOURCE, CopyOk: 'y', MaxCopyAge: 'x' },
        /CopyOk: .*; MaxCopyAge: /,
      ],
      [
        'another resource type',
        { SourceClusterId: SOURCE },
        /ResourceType: unknown resource type "Custom::Other"/,
        { resourceType: 'Custom::Other' },
      ],
    ];
    for (const [name, props, reason, options] of cases) {
      it(name, async () => {
        const before = h.emulator.rds.clusters().length;
        const r = await h.send('Create', props, options ?? {});
        assert.equal(r.body.Status, 'FAILED');
        assert.match(r.body.Reason!, reason);
        assert.doesNotMatch(
          r.body.PhysicalResourceId,
          /^arn:/,
          'a failed Create reports a marker, not a cluster',
        );
        assert.equal(h.emulator.rds.clusters().length, before);
      });
    }

    it('a bad function environment fails the request naming the variable', async () => {
      h.setEnv({ MAX_CLONES_PER_SOURCE: '99' });
      try {
        const r = await h.send('Create', { SourceClusterId: SOURCE });
        assert.equal(r.body.Status, 'FAILED');
        assert.match(r.body.Reason!, /MAX_CLONES_PER_SOURCE: must be a whole number from 1 to 15/);
      } finally {
        h.setEnv({ MAX_CLONES_PER_SOURCE: undefined });
      }
    });

    it('string values are parsed: "true", numbers, comma-separated lists and the SecretpPrefix spelling', async () => {
      const r = await h.send('Create', {
        SourceClusterId: SOURCE,
        CopyOk: 'true',
        PurgeObsoleteCopies: 'false',
        MaxClonesPerSource: '15',
        MaxCopyAge: 'P3D',
        NoFailOnExistingCluster: 'true',
        WaitForAvailable: 'false',
        SetPassword: 'true',
        SecretpPrefix: '/legacy-prefix/',
        AccessPrincipalArns: `arn:aws:iam::${'0'.repeat(12)}:role/a, arn:aws:iam::${'0'.repeat(12)}:role/b`,
        Tags: [{ Key: 'team', Value: 'qa' }],
      });
      assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
      assert.match(r.body.Data!.PasswordSecret, /:secret:\/legacy-prefix\/password\//);
      assert.equal(tagsOf(r.body.Data!.ClusterId).team, 'qa');
    });
  });

  it('when the answer cannot be delivered the invocation fails, Lambda retries it, and the request still gets one answer and one cluster', async () => {
    // Prepare: S3 refuses the first five PUTs (all of the first invocation's attempts)
    const event = h.event('Create', { SourceClusterId: SOURCE, WaitForAvailable: false });
    h.responses.failNext(String(event.RequestId), 5);
    const before = clusters().length;
    const runsBefore = h.services.lambda.invocations(h.functionName).length;
    // Act
    await h.deliver(event);
    const r = await h.answerTo(event, 60_000);
    // Assess
    assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
    const runs = h.services.lambda.invocations(h.functionName).slice(runsBefore);
    assert.deepEqual(
      runs.map((x) => [x.attempt, x.outcome]),
      [
        [1, 'error'],
        [2, 'success'],
      ],
    );
    assert.equal(clusters().length, before + 1);
  });

  it('when the source has no free slot it waits for a full copy and clones that (CopyOk default)', async () => {
    // Prepare: the root already has clones, and one clone per source is allowed
    assert.ok(clusters().some((c) => tagsOf(c.id)[TAG.role] === 'clone'));
    // Act
    const r = await h.send('Create', {
      SourceClusterId: SOURCE,
      ClusterId: 'via-copy',
      MaxClonesPerSource: 1,
    });
    // Assess
    assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
    const copyId = r.body.Data!.SourceClusterId;
    assert.notEqual(copyId, SOURCE);
    assert.equal(tagsOf(copyId)[TAG.role], 'copy');
    assert.equal(h.emulator.rds.cluster('via-copy')?.status, 'available');
  });

  it('with CopyOk false and no free slot, answers FAILED saying why', async () => {
    const before = clusters().length;
    const r = await h.send('Create', {
      SourceClusterId: SOURCE,
      MaxClonesPerSource: 1,
      CopyOk: false,
      MaxCopyAge: 'PT1S',
    });
    assert.equal(r.body.Status, 'FAILED');
    assert.match(r.body.Reason!, /copyOk|CopyOk/);
    assert.ok(clusters().length <= before, 'nothing was created');
  });

  it('an exception inside the engine answers FAILED with the engine’s message', async () => {
    const r = await h.send('Create', { SourceClusterId: 'no-such-db' });
    assert.equal(r.body.Status, 'FAILED');
    assert.match(r.body.Reason!, /source cluster no-such-db does not exist/);
  });
});
