// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JS templates
// An AuroraClone and its AuroraCloneManager synthesised in one stack, then played the way
// CloudFormation plays them against the Lambda bundle and the emulator: the function gets the
// environment the synthesised template gives it, the resource the synthesised properties; Create
// makes the clone and answers every attribute the construct's fields read, an Update with the same
// properties changes nothing, Delete removes the clone.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AuroraClone, AuroraCloneManager } from '../../src/cdk/index.ts';
import { TAG } from '../../src/model/tags.ts';
import { type CfnHarness, eventually, startCfnHarness } from '../helpers/cfn-harness.ts';

const STACK_NAME = 'clone-stack';
const SOURCE = 'prod';

// --- The app, synthesised once.
const outdir = mkdtempSync(join(tmpdir(), 'acm-cdk-e2e-'));
const app = new App({ outdir, analyticsReporting: false, builtinCloudFormationValidation: false });
const stack = new Stack(app, STACK_NAME, { env: { account: '000000000000', region: 'us-east-1' } });
const manager = new AuroraCloneManager(stack, 'Manager', {
  // The harness runs the bundle itself; the code's location does not matter here.
  code: Code.fromBucket(Bucket.fromBucketName(stack, 'Artifacts', 'artifacts'), 'lambda.zip'),
  maxCopyAge: Duration.days(2),
  maxClonesPerSource: 10,
  logLevel: 'debug',
});
const clone = new AuroraClone(stack, 'Clone', {
  manager,
  sourceClusterId: SOURCE,
  clusterId: 'cdk-clone',
  instanceClass: 'db.r6g.large',
  copyCreatedSince: new Date(Date.now() - 3_600_000),
  timeToLive: Duration.hours(8),
  tags: { team: 'data' },
});
const template = app.synth().getStackByName(STACK_NAME).template;
rmSync(outdir, { recursive: true, force: true });

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const resources = template.Resources as Record<string, { Type: string; Properties: Record<string, Json> }>;
const byType = (type: string) => Object.entries(resources).find(([, r]) => r.Type === type)!;

/** A value as CloudFormation resolves it in this stack (the forms the function's environment uses). */
function resolved(value: Json): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if (value['Ref'] === 'AWS::StackName') return STACK_NAME;
    if (typeof value['Ref'] === 'string' && resources[value['Ref']]?.Type === 'AWS::SSM::Parameter') {
      return resolved(resources[value['Ref']]!.Properties['Name']!);
    }
    if (typeof value['Fn::Sub'] === 'string')
      return value['Fn::Sub'].replaceAll('${AWS::StackName}', STACK_NAME);
  }
  throw new Error(`no value for ${JSON.stringify(value)} in this test`);
}

const [, fn] = byType('AWS::Lambda::Function');
const functionEnv = Object.fromEntries(
  Object.entries((fn.Properties['Environment'] as { Variables: Record<string, Json> }).Variables).map(
    ([k, v]) => [k, resolved(v)],
  ),
);
const cloneId = stack.getLogicalId(clone.resource.node.defaultChild as never);
const { ServiceToken: _serviceToken, ...cloneProperties } = resources[cloneId]!.Properties;
const cloneType = resources[cloneId]!.Type;

describe('AuroraClone from a synthesised template, through the Lambda bundle', () => {
  let h: CfnHarness;
  const options = { logicalResourceId: cloneId, resourceType: cloneType };
  const live = () => h.emulator.rds.clusters().filter((c) => c.status !== 'deleting');

  before(async () => {
    h = await startCfnHarness({ env: functionEnv });
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

  it('the function runs with the environment the template gives it', () => {
    assert.equal(functionEnv['MANAGER_ID'], STACK_NAME);
    assert.equal(functionEnv['MAINTENANCE_CONFIG_SSM'], `/${STACK_NAME}/maintenance-config`);
    assert.equal(functionEnv['MAX_COPY_AGE'], 'P2D');
    assert.equal(cloneType, manager.resourceType);
  });

  it('Create makes the clone and answers every attribute the construct reads; an identical Update changes nothing; Delete removes it', async () => {
    // Act: Create
    const created = await h.send('Create', cloneProperties, options);
    // Assess
    assert.equal(created.body.Status, 'SUCCESS', created.body.Reason);
    const data = created.body.Data!;
    for (const [field, attribute] of Object.entries(AuroraClone.ATTRIBUTES)) {
      assert.deepEqual(stack.resolve((clone as unknown as Record<string, unknown>)[field]), {
        'Fn::GetAtt': [cloneId, attribute],
      });
      assert.ok(attribute in data, `the function's Data has no ${attribute} (read by AuroraClone.${field})`);
    }
    assert.equal(data['ClusterId'], 'cdk-clone');
    assert.equal(data['SourceClusterId'], SOURCE);
    assert.match(data['Port']!, /^\d+$/);
    assert.ok(data['Endpoint']!.includes('cdk-clone'));
    assert.equal(h.emulator.rds.cluster('cdk-clone')?.status, 'available');
    const tags = Object.fromEntries(
      (h.emulator.rds.cluster('cdk-clone')?.tags ?? []).map((t) => [t.Key, t.Value]),
    );
    assert.equal(tags['team'], 'data');
    assert.equal(tags[TAG.manager], STACK_NAME);
    assert.ok(tags[TAG.expiresAt], 'timeToLive sets the expiry');

    // Act: the same properties again (a stack update that changed something else)
    const clusters = live().length;
    const updated = await h.send('Update', cloneProperties, {
      ...options,
      physicalResourceId: created.body.PhysicalResourceId,
      oldProperties: cloneProperties,
    });
    assert.equal(updated.body.Status, 'SUCCESS', updated.body.Reason);
    assert.equal(updated.body.PhysicalResourceId, created.body.PhysicalResourceId);
    assert.deepEqual(updated.body.Data, data);
    assert.equal(live().length, clusters);

    // Act: Delete
    const deleted = await h.send('Delete', cloneProperties, {
      ...options,
      physicalResourceId: created.body.PhysicalResourceId,
    });
    assert.equal(deleted.body.Status, 'SUCCESS', deleted.body.Reason);
    await eventually(() => !live().some((c) => c.id === 'cdk-clone'), 10_000, 'the clone deleted');
    h.assertLogsFreeOf([]);
  });
});
