// A stack's Custom::AuroraClone gets a warm clone the maintenance run made, renamed to its ClusterId,
// instead of waiting for a restore; the Lambda then starts maintenance at once to replace it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { TAG } from '../../src/model/tags.ts';
import { type CfnHarness, eventually, REGION, startCfnHarness } from '../helpers/cfn-harness.ts';

const MAINTAIN = { source: 'aurora-clone-manager', action: 'maintain' };

describe('Custom::AuroraClone and warm clones', () => {
  let h: CfnHarness;
  let ssm: SSMClient;

  before(async () => {
    h = await startCfnHarness();
    h.emulator.createSourceCluster({
      id: 'prod',
      engine: 'aurora-postgresql',
      instanceClass: 'db.r6g.large',
    });
    ssm = new SSMClient({
      endpoint: h.emulator.url,
      region: REGION,
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    });
    await ssm.send(
      new PutParameterCommand({
        Name: '/clone-stack/maintenance-config',
        Value: JSON.stringify([{ clusterId: 'prod', targetCloneSlots: 0, warmClones: 1 }]),
        Type: 'String',
        Overwrite: true,
      }),
    );
  });
  after(async () => {
    ssm?.destroy();
    await h?.stop();
  });

  const warmOnes = () =>
    h.emulator.rds
      .clusters()
      .filter((c) => c.status === 'available' && c.tags.some((t) => t.Key === TAG.warm));

  it('Create claims the warm clone under the asked name, and the pool gets a new one by itself', async () => {
    // Prepare: the scheduled run made one warm clone.
    const out = await h.invoke(MAINTAIN);
    assert.equal(out.functionError, undefined, JSON.stringify(out.payload));
    const [warm] = await eventually(
      () => (warmOnes().length === 1 ? warmOnes() : false),
      20_000,
      'a warm clone',
    );
    const warmResource = warm!.resourceId;
    // Act
    const created = await h.send('Create', { SourceClusterId: 'prod', ClusterId: 'stack-db' });
    // Assess: the clone is the warm one, renamed, tagged for this stack, warm no more.
    assert.equal(created.body.Status, 'SUCCESS', created.body.Reason);
    assert.equal(created.body.Data?.ClusterId, 'stack-db');
    assert.match(created.body.Data?.Endpoint ?? '', /^stack-db\./);
    const mine = h.emulator.rds.cluster('stack-db')!;
    assert.equal(mine.resourceId, warmResource, 'the same cluster, not a new restore');
    assert.ok(!mine.tags.some((t) => t.Key === TAG.warm));
    assert.equal(h.emulator.rds.cluster(warm!.id), undefined);
    // The Lambda started maintenance for prod on its own: a new warm clone replaces the claimed one.
    await eventually(() => warmOnes().length === 1, 30_000, 'a replacement warm clone');
    assert.equal(h.emulator.stats().rds.accidentalFullCopies, 0);
  });
});
