// The Custom::AuroraClone resource driven the way CloudFormation drives it, against the bundle and
// the emulator: create, update (every case), delete, duplicates, refusals and validation errors.
import assert from 'node:assert/strict';
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
});
