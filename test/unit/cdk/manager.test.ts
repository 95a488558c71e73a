// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JS templates
// AuroraCloneManager deploys what infra/template.yaml deploys: the same resources with the same
// properties (every IAM statement, the environment, runtime and handler, alarms), the same outputs,
// the same code; its props are checked at synth time and named as written; what it synthesises
// passes cfn-lint. One app is synthesised for the whole file (synthesis is the slow part).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Group, Role } from 'aws-cdk-lib/aws-iam';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AuroraCloneManager, type AuroraCloneManagerProps } from '../../../src/cdk/index.ts';
import { findLambdaBundle } from '../../../src/cdk/lambda-code.ts';
import { type Template as CfnTemplate, type Json, loadTemplate, type Obj, repoRoot } from '../infra/cfn.ts';
import { describeManagerIam } from '../infra/manager-iam-checks.ts';
import { assertCfnLintClean, propsProblems } from './checks.ts';
import { type Comparable, decided, inTemplateForm, templateNames } from './template-forms.ts';

const infra = loadTemplate('infra/template.yaml');
const ENV = { account: '123456789012', region: 'eu-west-1' };
const outdir = mkdtempSync(join(tmpdir(), 'acm-cdk-manager-'));
after(() => rmSync(outdir, { recursive: true, force: true }));

const app = new App({ outdir, analyticsReporting: false, builtinCloudFormationValidation: false });
/** Code in a bucket, for the managers whose code does not matter (no asset to hash and stage). */
const code = Code.fromBucket(
  Bucket.fromBucketName(new Stack(new App(), 'b'), 'B', 'artifacts'),
  'lambda.zip',
);

/** A stack whose parameters are the template's, given to the construct as its props. */
function withTemplateParameters(id: string, conditionsHold: boolean) {
  const stack = new Stack(app, id, { env: ENV });
  const p: Record<string, CfnParameter> = {};
  for (const [name, def] of Object.entries(infra.Parameters ?? {})) {
    p[name] = new CfnParameter(stack, name, {
      type: String(def['Type']),
      default: def['Default'],
      ...(def['AllowedPattern'] ? { allowedPattern: String(def['AllowedPattern']) } : {}),
      ...(def['AllowedValues'] ? { allowedValues: (def['AllowedValues'] as Json[]).map(String) } : {}),
      ...(def['MinValue'] !== undefined ? { minValue: Number(def['MinValue']) } : {}),
      ...(def['MaxValue'] !== undefined ? { maxValue: Number(def['MaxValue']) } : {}),
    });
  }
  const props: AuroraCloneManagerProps = {
    logLevel: p.LogLevel!.valueAsString as 'info',
    customResourceType: p.CustomResourceType!.valueAsString,
    maxCopyAge: p.MaxCopyAge!.valueAsString,
    maxClonesPerSource: p.MaxClonesPerSource!.valueAsNumber,
    maintenanceSchedule: Schedule.expression(p.MaintenanceSchedule!.valueAsString),
    leaseTableName: p.LeaseTableName!.valueAsString,
    defaultSecretPrefix: p.DefaultSecretPrefix!.valueAsString,
    logRetention: p.LogRetentionDays!.valueAsNumber as RetentionDays,
    functionTimeout: Duration.seconds(p.FunctionTimeout!.valueAsNumber),
    functionMemory: p.FunctionMemory!.valueAsNumber,
    ...(conditionsHold
      ? {
          setupDefaultAccess: true,
          defaultAccessGroups: p.DefaultAccessGroups!.valueAsList,
          defaultAccessRoles: p.DefaultAccessRoles!.valueAsList,
          sourceKmsKeyArns: p.SourceKmsKeyArns!.valueAsList,
          alarmTopic: Topic.fromTopicArn(stack, 'AlarmTopic', p.AlarmTopicArn!.valueAsString),
        }
      : {}),
  };
  return { stack, manager: new AuroraCloneManager(stack, 'Manager', props) };
}

const conditions = (hold: boolean) => ({
  SetupDefaultAccess: hold,
  HasDefaultAccessGroups: hold,
  HasDefaultAccessRoles: hold,
  HasSourceKmsKeys: hold,
  HasAlarmTopic: hold,
});

const parametersOff = withTemplateParameters('parameters-off', false);
const parametersOn = withTemplateParameters('parameters-on', true);
const defaultsStack = new Stack(app, 'defaults', { env: ENV });
const defaults = new AuroraCloneManager(defaultsStack, 'Manager');
const customStack = new Stack(app, 'custom', { env: ENV });
new AuroraCloneManager(customStack, 'Manager', {
  logLevel: 'debug',
  maxCopyAge: Duration.days(2),
  maxClonesPerSource: 10,
  maintenanceSchedule: Schedule.cron({ minute: '0', hour: '2' }),
  maintenance: [
    { clusterId: 'prod-db', targetCloneSlots: 30, maxCopyAge: 'P2D', copyInstanceClass: 'db.r6g.large' },
    { clusterId: 'billing-db', targetCloneSlots: 5, dryRun: true },
  ],
  setupDefaultAccess: true,
  defaultAccessRoles: [Role.fromRoleName(customStack, 'Ci', 'ci-runner'), 'developer'],
  defaultAccessGroups: [Group.fromGroupName(customStack, 'Ops', 'ops')],
  logRetention: RetentionDays.INFINITE,
  functionTimeout: Duration.minutes(10),
  functionMemory: 512,
  alarmTopic: new Topic(customStack, 'Alarms'),
  sourceKmsKeyArns: ['arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
});
const assembly = app.synth();
const synthesised = (stack: Stack) => assembly.getStackByName(stack.stackName).template as Json;

/** infra/template.yaml with every parameter at its default. */
function atDefaults(): typeof infra {
  const values = Object.fromEntries(
    Object.entries(infra.Parameters ?? {}).map(([name, def]) => [name, def['Default'] as Json]),
  );
  const walk = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    if (typeof v['Ref'] === 'string' && v['Ref'] in values) return values[v['Ref']]!;
    if (typeof v['Fn::Sub'] === 'string') {
      return {
        'Fn::Sub': v['Fn::Sub'].replace(/\$\{([A-Za-z0-9]+)\}/g, (m, name: string) =>
          name in values ? String(values[name]) : m,
        ),
      };
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  return {
    ...infra,
    Resources: walk(infra.Resources as unknown as Json) as typeof infra.Resources,
    Outputs: walk(infra.Outputs as unknown as Json) as typeof infra.Outputs,
  };
}

const VARIANTS: Array<{ name: string; stack: Stack; scope: AuroraCloneManager; expected: Comparable }> = [
  {
    name: 'with the template’s parameters, no default access, keys, groups, roles or alarm topic',
    stack: parametersOff.stack,
    scope: parametersOff.manager,
    expected: decided(infra, conditions(false)),
  },
  {
    name: 'with the template’s parameters and every condition true',
    stack: parametersOn.stack,
    scope: parametersOn.manager,
    expected: decided(infra, conditions(true)),
  },
  {
    name: 'with no props, as the template with its defaults',
    stack: defaultsStack,
    scope: defaults,
    expected: decided(atDefaults(), conditions(false)),
  },
];

describe('AuroraCloneManager deploys what infra/template.yaml deploys', () => {
  for (const { name, stack, scope, expected } of VARIANTS) {
    test(`${name}: the same resources, each with the same properties`, () => {
      const actual = inTemplateForm(synthesised(stack), templateNames(stack, scope));
      assert.deepEqual(Object.keys(actual.Resources).sort(), Object.keys(expected.Resources).sort());
      for (const [logicalName, resource] of Object.entries(expected.Resources)) {
        assert.deepEqual(actual.Resources[logicalName], resource, logicalName);
      }
      assert.deepEqual(actual.Outputs, expected.Outputs);
    });
  }

  test('the comparison sees every IAM statement: one action changed in any of them is a difference', () => {
    const { stack, scope, expected } = VARIANTS[1]!;
    const actual = inTemplateForm(synthesised(stack), templateNames(stack, scope));
    const documentsOf = (resources: Record<string, Obj>) =>
      Object.entries(resources).flatMap(([name, r]) => {
        const props = (r['Properties'] ?? {}) as Obj;
        const inline = ((props['Policies'] ?? []) as Obj[]).map((p) => p['PolicyDocument']);
        return [props['PolicyDocument'], props['KeyPolicy'], props['AssumeRolePolicyDocument'], ...inline]
          .filter((d): d is Obj => !!d)
          .map((d) => ({ name, statements: d['Statement'] as Obj[] }));
      });
    const sids = documentsOf(actual.Resources).flatMap((d) =>
      d.statements.map((st) => `${d.name}:${st['Sid'] ?? ''}`),
    );
    // The role's 20 statements (KmsEncryptedSourcesThroughRds included), the access policy's 2, the
    // default key's, the topic's, and the role's trust policy.
    assert.equal(sids.length, 25, sids.join(' '));
    let i = 0;
    for (const { statements } of documentsOf(actual.Resources)) {
      for (const statement of statements) {
        const original = statement['Action'];
        statement['Action'] = 'iam:PassRole';
        assert.notDeepEqual(actual.Resources, expected.Resources, `statement ${sids[i]} is not compared`);
        statement['Action'] = original!;
        i++;
      }
    }
    assert.deepEqual(actual.Resources, expected.Resources);
  });

  test('the function runs the bundle the template packages: dist/lambda, index.handler', () => {
    const fn = Object.values((synthesised(defaultsStack) as Obj)['Resources'] as Record<string, Obj>).find(
      (r) => r['Type'] === 'AWS::Lambda::Function',
    )!;
    const functionCode = (fn['Properties'] as Obj)['Code'] as Obj;
    const hash = String(functionCode['S3Key']).replace(/\.zip$/, '');
    const staged = join(outdir, `asset.${hash}`);
    const shipped = (dir: string) =>
      readdirSync(dir)
        .filter((f) => !/\.(map|tmp)$/.test(f))
        .sort();
    const bundle = findLambdaBundle();
    assert.equal(bundle, join(repoRoot, 'dist/lambda'));
    assert.deepEqual(shipped(staged), shipped(bundle));
    assert.equal(
      readFileSync(join(staged, 'index.js'), 'utf8'),
      readFileSync(join(bundle, 'index.js'), 'utf8'),
    );
    assert.equal(JSON.parse(readFileSync(join(staged, 'package.json'), 'utf8')).type, 'module');
  });

  test('the props refuse what the template’s parameter constraints refuse', () => {
    const accepts = (props: AuroraCloneManagerProps) =>
      Object.keys(
        propsProblems(
          () => new AuroraCloneManager(new Stack(new App(), 'check'), 'Manager', { ...props, code }),
          'check/Manager',
        ),
      ).length === 0;
    const parameter = (name: string) => infra.Parameters![name]!;
    const allowed = (name: string, value: Json) => {
      const p = parameter(name);
      if (p['AllowedPattern'] && !new RegExp(String(p['AllowedPattern'])).test(String(value))) return false;
      if (p['AllowedValues'] && !(p['AllowedValues'] as Json[]).map(String).includes(String(value)))
        return false;
      if (p['MinValue'] !== undefined && Number(value) < Number(p['MinValue'])) return false;
      if (p['MaxValue'] !== undefined && Number(value) > Number(p['MaxValue'])) return false;
      return true;
    };
    const samples: Array<[string, (v: never) => AuroraCloneManagerProps, Json[]]> = [
      [
        'CustomResourceType',
        (v: string) => ({ customResourceType: v }),
        [
          'Custom::AuroraClone',
          'Custom::X_1@-',
          'AuroraClone',
          'Custom::',
          'Custom::a b',
          `Custom::${'x'.repeat(61)}`,
        ],
      ],
      [
        'DefaultSecretPrefix',
        (v: string) => ({ defaultSecretPrefix: v }),
        ['/aurora-clone-manager/', 'team/', '/a/b/', '/', '', '/nope', 'a//b/', 'sp ace/'],
      ],
      [
        'LeaseTableName',
        (v: string) => ({ leaseTableName: v }),
        ['aurora-clone-manager-leases', 'a.b_c', 'ab', 'has space', 'x'.repeat(256)],
      ],
      [
        'MaxCopyAge',
        (v: string) => ({ maxCopyAge: v }),
        ['P3D', 'PT36H', 'P1W', 'P2DT12H', 'P', 'PT', 'P3', 'soon'],
      ],
      ['MaxClonesPerSource', (v: number) => ({ maxClonesPerSource: v }), [0, 1, 15, 16]],
      ['FunctionTimeout', (v: number) => ({ functionTimeout: Duration.seconds(v) }), [59, 60, 900, 901]],
      ['FunctionMemory', (v: number) => ({ functionMemory: v }), [127, 128, 10240, 10241]],
      ['LogLevel', (v: 'info') => ({ logLevel: v }), ['debug', 'info', 'warn', 'error', 'loud']],
      ['LogRetentionDays', (v: RetentionDays) => ({ logRetention: v }), [1, 2, 30, 3653, 4000]],
    ];
    for (const [name, props, values] of samples) {
      for (const value of values) {
        assert.equal(
          accepts(props(value as never)),
          allowed(name, value),
          `${name} = ${JSON.stringify(value)}`,
        );
      }
    }
    // Every retention the template allows is a RetentionDays (and RetentionDays.INFINITE keeps logs forever).
    const retentions = Object.values(RetentionDays).filter(
      (d) => typeof d === 'number' && d !== RetentionDays.INFINITE,
    );
    assert.deepEqual(
      [...retentions].sort((a, b) => a - b),
      (parameter('LogRetentionDays')['AllowedValues'] as number[]).map(Number).sort((a, b) => a - b),
    );
  });
});

describe('AuroraCloneManager props', () => {
  const custom = Template.fromJSON(synthesised(customStack) as Record<string, unknown>);
  const fn = () => Object.values(custom.findResources('AWS::Lambda::Function'))[0]!['Properties'];

  test('the maintenance config goes into the SSM parameter the function reads, as JSON', () => {
    const [param] = Object.values(custom.findResources('AWS::SSM::Parameter'));
    assert.deepEqual(JSON.parse(param!['Properties']['Value']), [
      { clusterId: 'prod-db', targetCloneSlots: 30, maxCopyAge: 'P2D', copyInstanceClass: 'db.r6g.large' },
      { clusterId: 'billing-db', targetCloneSlots: 5, dryRun: true },
    ]);
  });

  test('typed values become what the function reads: a Duration as ISO-8601, numbers as text', () => {
    const env = fn()['Environment']['Variables'];
    assert.equal(env['MAX_COPY_AGE'], 'P2D');
    assert.equal(env['MAX_CLONES_PER_SOURCE'], '10');
    assert.equal(env['LOG_LEVEL'], 'debug');
    assert.equal(fn()['Timeout'], 600);
    assert.equal(fn()['MemorySize'], 512);
    custom.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 2 * * ? *)' });
  });

  test('RetentionDays.INFINITE keeps the logs: no retention on the log group', () => {
    const [group] = Object.values(custom.findResources('AWS::Logs::LogGroup'));
    assert.equal(group!['Properties']['RetentionInDays'], undefined);
  });

  test('the alarm topic is notified by both alarms; roles and groups are attached by name', () => {
    const topic = Object.keys(custom.findResources('AWS::SNS::Topic')).find((id) => id.startsWith('Alarms'));
    const alarms = Object.values(custom.findResources('AWS::CloudWatch::Alarm'));
    assert.equal(alarms.length, 2);
    for (const alarm of alarms) assert.deepEqual(alarm['Properties']['AlarmActions'], [{ Ref: topic }]);
    custom.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: ['ci-runner', 'developer'],
      Groups: ['ops'],
    });
  });

  test('what it exposes points at its resources', () => {
    const resolve = (v: unknown) => JSON.stringify(defaultsStack.resolve(v));
    const id = (type: string) => Object.keys(Template.fromStack(defaultsStack).findResources(type))[0];
    assert.equal(
      resolve(defaults.serviceToken),
      JSON.stringify({ 'Fn::GetAtt': [id('AWS::Lambda::Function'), 'Arn'] }),
    );
    assert.equal(resolve(defaults.function.functionArn), resolve(defaults.serviceToken));
    assert.equal(
      resolve(defaults.role.roleArn),
      JSON.stringify({ 'Fn::GetAtt': [id('AWS::IAM::Role'), 'Arn'] }),
    );
    assert.equal(defaults.resourceType, 'Custom::AuroraClone');
    assert.equal(defaults.leaseTableName, 'aurora-clone-manager-leases');
    assert.equal(defaults.defaultSecretPrefix, '/aurora-clone-manager/');
    assert.equal(
      resolve(defaults.maintenanceConfigParameterName),
      JSON.stringify({ Ref: id('AWS::SSM::Parameter') }),
    );
    assert.equal(
      resolve(defaults.failedInvocationQueue.queueArn),
      JSON.stringify({ 'Fn::GetAtt': [id('AWS::SQS::Queue'), 'Arn'] }),
    );
    assert.equal(
      resolve(defaults.instanceEventsTopic.topicArn),
      JSON.stringify({ Ref: id('AWS::SNS::Topic') }),
    );
    assert.equal(defaults.defaultSecretKey, undefined);
    assert.equal(defaults.defaultAccessPolicy, undefined);
    assert.ok(parametersOn.manager.defaultSecretKey && parametersOn.manager.defaultAccessPolicy);
    assert.equal(
      resolve(AuroraCloneManager.serviceTokenOf('aurora-clone-manager')),
      JSON.stringify({ 'Fn::ImportValue': 'aurora-clone-manager-LambdaArn' }),
    );
  });
});

describe('AuroraCloneManager props are checked at synth time, named as written', () => {
  const problems = (props: Record<string, unknown>, stackName = 'checked') =>
    propsProblems(
      () =>
        new AuroraCloneManager(new Stack(new App(), stackName), 'Manager', {
          code,
          ...props,
        } as AuroraCloneManagerProps),
      `${stackName}/Manager`,
    );

  test('every bad prop at once, each by its name, with the function’s own rules', () => {
    const found = problems({
      maxCopyAge: 'forever',
      maxClonesPerSource: 16,
      logLevel: 'loud',
      leaseTableName: 'x',
      defaultSecretPrefix: '/',
      typo: true,
    });
    assert.deepEqual(Object.keys(found).sort(), [
      'defaultSecretPrefix',
      'leaseTableName',
      'logLevel',
      'maxClonesPerSource',
      'maxCopyAge',
      'typo',
    ]);
    assert.match(found['maxCopyAge']!, /^maxCopyAge: "forever" is not a duration/);
    assert.match(found['maxClonesPerSource']!, /^maxClonesPerSource: must be a whole number from 1 to 15/);
    assert.match(found['typo']!, /^typo: unknown prop/);
  });

  test('the maintenance config is checked like `maintain --config FILE`, every entry by its path', () => {
    const found = problems({
      maintenance: [
        { clusterId: 'prod', targetCloneSlots: -1 },
        { clusterId: 'prod', targetCloneSlots: 1, copyInstanceClas: 'db.r6g.large' },
      ],
    });
    assert.deepEqual(Object.keys(found).sort(), [
      'maintenance [0].targetCloneSlots',
      'maintenance [1].clusterId',
      'maintenance [1].copyInstanceClas',
    ]);
    assert.match(problems({ maintenance: [] })['maintenance']!, /lists no sources/);
    const big = Array.from({ length: 60 }, (_, i) => ({
      clusterId: `source-cluster-${i}`,
      targetCloneSlots: 15,
      copyInstanceClass: 'db.r6g.large',
    }));
    assert.match(
      problems({ maintenance: big })['maintenance']!,
      /bytes as JSON; the SSM parameter holds at most 4096/,
    );
  });

  test('rules of the deployment itself: access only with setupDefaultAccess, key ARNs, the stack name’s length', () => {
    assert.match(
      problems({ defaultAccessRoles: ['ci'] })['defaultAccessRoles']!,
      /only applies with setupDefaultAccess/,
    );
    assert.match(
      problems({ sourceKmsKeyArns: ['alias/mine'] })['sourceKmsKeyArns[0]']!,
      /is not a KMS key ARN/,
    );
    assert.match(problems({}, 'x'.repeat(57))['stack name']!, /longer than 56 characters/);
    assert.deepEqual(problems({}, 'x'.repeat(56)), {});
  });

  test('a token has no value yet: the function checks it at deployment', () => {
    const stack = new Stack(new App(), 'tokens');
    const text = new CfnParameter(stack, 'Text').valueAsString;
    const number = new CfnParameter(stack, 'Number', { type: 'Number' }).valueAsNumber;
    assert.doesNotThrow(
      () =>
        new AuroraCloneManager(stack, 'Manager', {
          code,
          maxCopyAge: text,
          maxClonesPerSource: number,
          leaseTableName: text,
          defaultSecretPrefix: text,
          customResourceType: text,
          functionMemory: number,
          maintenance: [{ clusterId: text, targetCloneSlots: number }],
        }),
    );
  });

  test('one manager a stack: its resources are named after the stack', () => {
    const stack = new Stack(new App(), 'twice');
    new AuroraCloneManager(stack, 'One', { code });
    assert.throws(() => new AuroraCloneManager(stack, 'Two', { code }), /already has one/);
  });

  test('without the bundle and without `code`, synth says what to do', () => {
    const empty = mkdtempSync(join(tmpdir(), 'acm-no-bundle-'));
    try {
      assert.throws(
        () => findLambdaBundle(empty),
        /run `npm run build`.*or give AuroraCloneManager the `code` prop/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

test('the synthesised manager templates pass cfn-lint', { timeout: 60_000 }, () => {
  assertCfnLintClean(
    [defaultsStack, customStack].map((s) => join(outdir, assembly.getStackByName(s.stackName).templateFile)),
  );
});

// infra/template.yaml's least-privilege checks on the synthesised role, in the template's names and
// parameters, every condition true (so every statement is there).
describeManagerIam('least privilege of the role AuroraCloneManager synthesises', {
  ...inTemplateForm(synthesised(parametersOn.stack), templateNames(parametersOn.stack, parametersOn.manager)),
  Parameters: (synthesised(parametersOn.stack) as Obj)['Parameters'],
} as unknown as CfnTemplate);
