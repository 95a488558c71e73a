// AuroraClone: its props become exactly the Custom::AuroraClone properties the function accepts, its
// fields read exactly the attributes the function returns, it works with a manager of the same app
// (same stack or another) or one known by its ServiceToken, and bad props fail the synth by name.
// One app is synthesised for the whole file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { App, CfnParameter, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AuroraClone, AuroraCloneManager, type AuroraCloneProps } from '../../../src/cdk/index.ts';
import { dataFromClone } from '../../../src/lambda/clone-data.ts';
import { PROPERTY_NAMES, parseProperties } from '../../../src/lambda/properties.ts';
import { propsProblems } from './checks.ts';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const outdir = mkdtempSync(join(tmpdir(), 'acm-cdk-clone-'));
after(() => rmSync(outdir, { recursive: true, force: true }));
const app = new App({ outdir, analyticsReporting: false, builtinCloudFormationValidation: false });
const bucket = Bucket.fromBucketName(new Stack(app, 'artifacts', { env: ENV }), 'Artifacts', 'artifacts');
const code = Code.fromBucket(bucket, 'lambda.zip');

// A manager and a clone in one stack; a clone of that manager in another stack; clones of a manager
// deployed elsewhere, by its exported ServiceToken.
const managerStack = new Stack(app, 'manager', { env: ENV });
const manager = new AuroraCloneManager(managerStack, 'Manager', {
  code,
  customResourceType: 'Custom::Clone',
});
const since = new Date('2026-01-01T00:00:00Z');
const every: Omit<AuroraCloneProps, 'manager'> = {
  sourceClusterId: 'prod',
  clusterId: 'ci-clone',
  copyOk: false,
  purgeObsoleteCopies: false,
  instanceClass: 'db.r6g.large',
  copyCreatedSince: since,
  maxCopyAge: Duration.days(2),
  maxClonesPerSource: 10,
  timeToLive: '8h',
  noFailOnExistingCluster: true,
  tags: { team: 'data' },
  setPassword: true,
  accessPrincipalArns: ['arn:aws:iam::123456789012:role/app'],
  kmsKeyId: 'alias/clones',
  forceCreateKmsKey: false,
  secretPrefix: '/aurora-clone-manager/ci/',
  waitForAvailable: false,
};
const sameStack = new AuroraClone(managerStack, 'Clone', {
  manager,
  ...every,
  serviceTimeout: Duration.minutes(30),
});
const otherStack = new Stack(app, 'clones', { env: ENV });
const crossStack = new AuroraClone(otherStack, 'Clone', { manager, sourceClusterId: 'prod' });
const importedStack = new Stack(app, 'imported', { env: ENV });
const imported = new AuroraClone(importedStack, 'Clone', {
  manager: AuroraCloneManager.serviceTokenOf('aurora-clone-manager'),
  sourceClusterId: 'prod',
  timeToLive: Duration.hours(8),
  kmsKeyId: Key.fromKeyArn(
    importedStack,
    'Key',
    'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  ),
  removalPolicy: RemovalPolicy.RETAIN,
});
const managed = new AuroraClone(importedStack, 'Managed', {
  manager: AuroraCloneManager.serviceTokenOf('aurora-clone-manager'),
  sourceClusterId: 'prod',
  manageMasterUserPassword: true,
});
new AuroraClone(importedStack, 'Typed', {
  manager: 'arn:aws:lambda:eu-west-1:123456789012:function:acm-manager',
  resourceType: 'Custom::MyClone',
  sourceClusterId: 'prod',
});
const assembly = app.synth();
const template = (stack: Stack) => Template.fromJSON(assembly.getStackByName(stack.stackName).template);
const resourceOf = (stack: Stack, clone: AuroraClone) =>
  assembly.getStackByName(stack.stackName).template.Resources[
    stack.getLogicalId(clone.resource.node.defaultChild as never)
  ];

describe('AuroraClone properties', () => {
  test('every prop becomes its property, as the function reads it', () => {
    const resource = resourceOf(managerStack, sameStack);
    assert.equal(resource.Type, 'Custom::Clone', 'the type the manager accepts');
    const { ServiceToken, ...properties } = resource.Properties;
    assert.deepEqual(ServiceToken, {
      'Fn::GetAtt': [managerStack.getLogicalId(manager.node.findChild('ManagerFunction') as never), 'Arn'],
    });
    assert.deepEqual(properties, {
      SourceClusterId: 'prod',
      ClusterId: 'ci-clone',
      CopyOk: false,
      PurgeObsoleteCopies: false,
      InstanceClass: 'db.r6g.large',
      CopyCreatedSince: '2026-01-01T00:00:00.000Z',
      MaxCopyAge: 'P2D',
      MaxClonesPerSource: 10,
      TimeToLive: '8h',
      NoFailOnExistingCluster: true,
      Tags: { team: 'data' },
      SetPassword: true,
      AccessPrincipalArns: ['arn:aws:iam::123456789012:role/app'],
      KmsKeyId: 'alias/clones',
      ForceCreateKmsKey: false,
      SecretPrefix: '/aurora-clone-manager/ci/',
      WaitForAvailable: false,
      ServiceTimeout: '1800',
    });
  });

  test('the function accepts them and reads the same request', () => {
    const { ServiceToken: _token, ...properties } = resourceOf(managerStack, sameStack).Properties;
    // The props are named as the function names the request's fields; only the typed ones differ.
    assert.deepEqual(parseProperties(properties), {
      ...every,
      copyCreatedSince: since,
      maxCopyAge: 'P2D',
      serviceTimeoutSeconds: 1800,
    });
  });

  test('every property the function knows has its prop (SecretpPrefix is only the old spelling)', () => {
    const { ServiceToken: _token, ...properties } = resourceOf(managerStack, sameStack).Properties;
    assert.deepEqual(
      Object.keys(properties).sort(),
      PROPERTY_NAMES.filter((name) => name !== 'SecretpPrefix' && name !== 'ManageMasterUserPassword').sort(),
    );
    // ManageMasterUserPassword excludes SetPassword: a clone of its own has it.
    assert.equal(resourceOf(importedStack, managed).Properties.ManageMasterUserPassword, true);
  });

  test('Durations as ISO-8601, a key as its ARN, the removal policy as the resource’s', () => {
    const resource = resourceOf(importedStack, imported);
    assert.equal(resource.Properties.TimeToLive, 'PT8H');
    assert.equal(
      resource.Properties.KmsKeyId,
      'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    );
    assert.equal(resource.DeletionPolicy, 'Retain');
  });
});

describe('AuroraClone attributes', () => {
  test('each field reads an attribute of the function’s Data, and every attribute has a field', () => {
    const data = dataFromClone({ clusterId: 'c', arn: 'a', status: 'available', passwordPending: false });
    assert.deepEqual(Object.values(AuroraClone.ATTRIBUTES).sort(), Object.keys(data).sort());
    const logicalId = importedStack.getLogicalId(imported.resource.node.defaultChild as never);
    for (const [field, attribute] of Object.entries(AuroraClone.ATTRIBUTES)) {
      assert.deepEqual(
        importedStack.resolve((imported as unknown as Record<string, unknown>)[field]),
        { 'Fn::GetAtt': [logicalId, attribute] },
        field,
      );
    }
  });
});

describe('AuroraClone with its manager', () => {
  test('in the same stack: it waits for the function, its role, the lease table and the log group', () => {
    const dependsOn = resourceOf(managerStack, sameStack).DependsOn as string[];
    for (const name of [
      'ManagerFunction',
      'ManagerRole',
      'LeaseTable',
      'ManagerLogGroup',
      'ManagerFunctionInvokeConfig',
    ]) {
      assert.ok(dependsOn.includes(managerStack.getLogicalId(manager.node.findChild(name) as never)), name);
    }
  });

  test('in another stack of the app: the ServiceToken is imported and that stack deploys first', () => {
    const token = resourceOf(otherStack, crossStack).Properties.ServiceToken;
    assert.ok('Fn::ImportValue' in token, JSON.stringify(token));
    assert.ok(otherStack.dependencies.includes(managerStack));
    template(otherStack).resourceCountIs('Custom::Clone', 1);
  });

  test('deployed elsewhere: its exported ServiceToken, and the type it accepts', () => {
    const t = template(importedStack);
    t.resourceCountIs('Custom::AuroraClone', 2);
    t.hasResourceProperties('Custom::AuroraClone', {
      ServiceToken: { 'Fn::ImportValue': 'aurora-clone-manager-LambdaArn' },
    });
    t.hasResourceProperties('Custom::MyClone', {
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:acm-manager',
    });
  });
});

describe('AuroraClone props are checked at synth time, named as written', () => {
  const problems = (props: Record<string, unknown>) =>
    propsProblems(
      () => new AuroraClone(new Stack(new App(), 'checked'), 'Clone', props as unknown as AuroraCloneProps),
      'checked/Clone',
    );
  const token = 'arn:aws:lambda:eu-west-1:123456789012:function:f';

  test('every bad prop at once, by the request rules the function applies', () => {
    const found = problems({
      manager: token,
      sourceClusterId: 'prod',
      clusterId: 'PROD',
      maxClonesPerSource: 99,
      timeToLive: 'soon',
      copyCreatedSince: '2999-01-01T00:00:00Z',
      setPassword: true,
      manageMasterUserPassword: true,
      accessPrincipalArns: ['arn:aws:iam::123456789012:role/app', 'everyone'],
      tags: { 'aws:owner': 'me' },
      waitForAvailable: 'yes',
      sourceClusterID: 'typo',
    });
    assert.deepEqual(Object.keys(found).sort(), [
      'accessPrincipalArns[1]',
      'clusterId',
      'copyCreatedSince',
      'manageMasterUserPassword',
      'maxClonesPerSource',
      'sourceClusterID',
      'tags',
      'timeToLive',
      'waitForAvailable',
    ]);
    assert.match(found['clusterId']!, /^clusterId: must differ from sourceClusterId$/);
    assert.match(
      found['manageMasterUserPassword']!,
      /setPassword and manageMasterUserPassword cannot both be true/,
    );
    assert.match(found['timeToLive']!, /^timeToLive: "soon" is not a duration/);
  });

  test('the manager is required; resourceType only with a ServiceToken; the secret under the manager’s prefix', () => {
    assert.match(problems({ sourceClusterId: 'prod' })['manager']!, /is required/);
    assert.match(
      problems({ manager, sourceClusterId: 'prod', resourceType: 'Custom::X' })['resourceType']!,
      /this manager's is Custom::Clone/,
    );
    assert.match(
      problems({ manager, sourceClusterId: 'prod', secretPrefix: '/elsewhere/' })['secretPrefix']!,
      /must start with the manager's defaultSecretPrefix/,
    );
    assert.match(
      problems({ manager: token, sourceClusterId: 'Bad--name' })['sourceClusterId']!,
      /two consecutive hyphens/,
    );
  });

  test('tokens have no value yet: the function checks them at deployment; the rest is still checked', () => {
    const stack = new Stack(new App(), 'tokens');
    const text = new CfnParameter(stack, 'Text').valueAsString;
    const number = new CfnParameter(stack, 'Number', { type: 'Number' }).valueAsNumber;
    assert.doesNotThrow(
      () =>
        new AuroraClone(stack, 'Clone', {
          manager: Fn.importValue('acm-LambdaArn'),
          sourceClusterId: text,
          clusterId: text,
          maxClonesPerSource: number,
          copyCreatedSince: text,
          accessPrincipalArns: [text, 'arn:aws:iam::123456789012:role/app'],
          tags: { team: text },
          kmsKeyId: text,
        }),
    );
    assert.deepEqual(
      Object.keys(
        problems({
          manager: token,
          sourceClusterId: 'prod',
          accessPrincipalArns: [text, 'nobody'],
          tags: { team: text, 'aws:x': 'y' },
        }),
      ).sort(),
      ['accessPrincipalArns[1]', 'tags'],
    );
  });
});
