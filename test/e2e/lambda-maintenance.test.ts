// Scheduled pool maintenance through the bundle: the config comes from SSM, a bad config fails
// loudly with the path of the bad field, and one failing source does not stop the others.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { TAG } from '../../src/model/tags.ts';
import { ACCOUNT, type CfnHarness, REGION, startCfnHarness } from '../helpers/cfn-harness.ts';

const PARAMETER = '/clone-stack/maintenance-config';
const MAINTAIN = { source: 'aurora-clone-manager', action: 'maintain' };
const SCHEDULED_EVENT = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: ACCOUNT,
  time: '2026-11-25T03:00:00Z',
  region: REGION,
  resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/clone-stack-maintenance`],
  detail: {},
};

interface Summary {
  parameter: string;
  ok: boolean;
  reports: { clusterId: string; ok: boolean; error?: string; created: string[]; deleted: string[] }[];
}

describe('scheduled maintenance through the Lambda bundle', () => {
  let h: CfnHarness;
  let ssm: SSMClient;

  before(async () => {
    h = await startCfnHarness();
    h.emulator.createSourceCluster({
      id: 'prod',
      engine: 'aurora-postgresql',
      instanceClass: 'db.r6g.large',
    });
    h.emulator.createSourceCluster({ id: 'billing', engine: 'aurora-mysql', instanceClass: 'db.r6g.large' });
    ssm = new SSMClient({
      endpoint: h.emulator.url,
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  after(async () => {
    ssm?.destroy();
    await h?.stop();
  });

  const putConfig = (value: unknown, name = PARAMETER) =>
    ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: typeof value === 'string' ? value : JSON.stringify(value),
        Type: 'String',
        Overwrite: true,
      }),
    );
  const copiesOf = (root: string) =>
    h.emulator.rds
      .clusters()
      .filter((c) => c.tags.some((t) => t.Key === TAG.role && t.Value === 'copy'))
      .filter((c) =>
        c.tags.some((t) => t.Key === TAG.rootArn && t.Value === h.emulator.rds.cluster(root)?.arn),
      );

  it('tops the pool up from the SSM config (default parameter /<stack>/maintenance-config)', async () => {
    // Prepare: 20 slots wanted, the root alone gives 15
    await putConfig([{ clusterId: 'prod', targetCloneSlots: 20, maxClonesPerSource: 15 }]);
    // Act
    const out = await h.invoke(MAINTAIN);
    // Assess
    assert.equal(out.functionError, undefined, JSON.stringify(out.payload));
    const summary = out.payload as Summary;
    assert.equal(summary.parameter, PARAMETER);
    assert.equal(summary.ok, true);
    assert.equal(summary.reports[0]!.created.length, 1);
    assert.equal(copiesOf('prod').length, 1);
  });

  it('the EventBridge Scheduled Event shape runs it too, and a satisfied pool is left alone', async () => {
    const out = await h.invoke(SCHEDULED_EVENT);
    assert.equal(out.functionError, undefined, JSON.stringify(out.payload));
    const summary = out.payload as Summary;
    assert.equal(summary.ok, true);
    assert.deepEqual(summary.reports[0]!.created, []);
    assert.equal(copiesOf('prod').length, 1);
  });

  it('one failing source does not stop the others', async () => {
    await putConfig([
      { clusterId: 'gone-db', targetCloneSlots: 5 },
      { clusterId: 'billing', targetCloneSlots: 16 },
    ]);
    const out = await h.invoke(MAINTAIN);
    assert.equal(out.functionError, undefined, JSON.stringify(out.payload));
    const summary = out.payload as Summary;
    assert.equal(summary.ok, false);
    assert.equal(summary.reports[0]!.ok, false);
    assert.match(summary.reports[0]!.error!, /gone-db/);
    assert.equal(summary.reports[1]!.ok, true, summary.reports[1]!.error);
    assert.equal(copiesOf('billing').length, 1);
  });

  it('a bad config fails the invocation with the path of every bad field, and changes nothing', async () => {
    await putConfig([
      { clusterId: 'prod', targetCloneSlots: 20 },
      { clusterId: 'billing', targetCloneSlots: -3, copyInstanceClas: 'db.r6g.large' },
    ]);
    const before = h.emulator.rds.clusters().length;
    const out = await h.invoke(MAINTAIN);
    assert.equal(out.functionError, 'Unhandled');
    const message = (out.payload as { errorMessage: string }).errorMessage;
    assert.match(message, /\[1\]\.targetCloneSlots: must be a whole number/);
    assert.match(message, /\[1\]\.copyInstanceClas: unknown key/);
    assert.match(message, new RegExp(PARAMETER));
    assert.equal(h.emulator.rds.clusters().length, before);
  });

  it("a fresh stack's empty config ([], the template's default) is a run with nothing to do, not a failure", async () => {
    await putConfig([]);
    const out = await h.invoke(SCHEDULED_EVENT);
    assert.equal(out.functionError, undefined, JSON.stringify(out.payload));
    assert.deepEqual(out.payload, { parameter: PARAMETER, ok: true, reports: [] });
  });

  it('a config that is not JSON, or a missing parameter, fails naming the parameter', async () => {
    await putConfig('[{"clusterId": "prod",');
    const notJson = await h.invoke(MAINTAIN);
    assert.equal(notJson.functionError, 'Unhandled');
    assert.match(
      (notJson.payload as { errorMessage: string }).errorMessage,
      /maintenance-config: is not JSON/,
    );

    h.setEnv({ MAINTENANCE_CONFIG_SSM: '/nowhere/config' });
    try {
      const missing = await h.invoke(MAINTAIN);
      assert.equal(missing.functionError, 'Unhandled');
      assert.match((missing.payload as { errorMessage: string }).errorMessage, /ParameterNotFound/);
    } finally {
      h.setEnv({ MAINTENANCE_CONFIG_SSM: undefined });
    }
  });

  it('an event of no known kind fails loudly', async () => {
    const out = await h.invoke({ hello: 'world' });
    assert.equal(out.functionError, 'Unhandled');
    assert.match(
      (out.payload as { errorMessage: string }).errorMessage,
      /not a CloudFormation custom resource request/,
    );
  });
});
