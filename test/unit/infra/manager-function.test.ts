// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub strings, not JS templates
// The function in the manager template matches the bundle `npm run build` makes, gets the
// environment the Lambda reads, and is wired to the schedule, the RDS events and the DLQ.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_LEASE_TABLE } from '../../../src/model/api.ts';
import {
  asList,
  functionEnv,
  type Json,
  loadTemplate,
  repoRoot,
  resourcesOfType,
  theResource,
} from './cfn.ts';

const template = loadTemplate('infra/template.yaml');
const [fnName, fn] = theResource(template, 'AWS::Lambda::Function');
const props = fn.Properties ?? {};
const ref = (name: string) => ({ Ref: name });
const getAttArn = (name: string) => ({ 'Fn::GetAtt': [name, 'Arn'] });

describe('function ↔ bundle', () => {
  test('runtime nodejs22.x, handler index.handler, code from the bundle folder', () => {
    assert.equal(props['Runtime'], 'nodejs22.x');
    assert.equal(props['Handler'], 'index.handler');
    // `aws cloudformation package` resolves the folder relative to the template (infra/).
    assert.equal(props['Code'], '../dist/lambda');
    assert.ok(
      !('ReservedConcurrentExecutions' in props),
      'correctness comes from the lease table, not concurrency 1',
    );
  });

  test('scripts/build.mjs writes the entry the handler names: dist/lambda/index.js', () => {
    const build = readFileSync(join(repoRoot, 'scripts/build.mjs'), 'utf8');
    const [file, exported] = String(props['Handler']).split('.') as [string, string];
    assert.match(build, new RegExp(`entryPoints:\\s*\\{\\s*${file}:\\s*'src/lambda/index\\.ts'\\s*\\}`));
    assert.match(build, /outdir:\s*'dist\/lambda'/);
    assert.match(build, /format:\s*'esm'/);
    assert.equal(exported, 'handler');
  });

  test('the bundle loads the way Lambda loads it and exports handler', { timeout: 60_000 }, () => {
    const bundle = join(repoRoot, 'dist/lambda/index.js');
    if (!existsSync(bundle)) {
      const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}${build.stderr}`);
    }
    assert.ok(existsSync(bundle), 'npm run build did not produce dist/lambda/index.js');
    const manifest = join(repoRoot, 'dist/lambda/package.json');
    assert.ok(
      existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).type === 'module',
      'dist/lambda/package.json with {"type":"module"} must sit beside the ESM index.js, or Lambda loads it as CommonJS',
    );
    // Load a copy outside the repository, so only the package's own package.json decides the
    // module type, exactly as in the Lambda runtime's /var/task.
    const dir = mkdtempSync(join(tmpdir(), 'acm-bundle-'));
    try {
      cpSync(join(repoRoot, 'dist/lambda'), dir, { recursive: true });
      const probe = spawnSync(
        process.execPath,
        ['-e', `import(${JSON.stringify(join(dir, 'index.js'))}).then((m) => console.log(typeof m.handler))`],
        {
          cwd: dir,
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' },
          timeout: 30_000,
        },
      );
      assert.equal(probe.stdout.trim(), 'function', `loading the bundle failed:\n${probe.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('function configuration', () => {
  test('the environment has every variable the Lambda reads, from the stack', () => {
    const env = functionEnv(template);
    assert.deepEqual(Object.keys(env).sort(), [
      'DEFAULT_SECRET_KEY',
      'DEFAULT_SECRET_PREFIX',
      'EVENT_BUS_NAME',
      'LEASE_TABLE',
      'LOG_LEVEL',
      'MAINTENANCE_CONFIG_SSM',
      'MANAGER_ID',
      'MAX_CLONES_PER_SOURCE',
      'MAX_COPY_AGE',
      'RESOURCE_TYPE',
      'STACK_NAME',
    ]);
    assert.deepEqual(env['RESOURCE_TYPE'], ref('CustomResourceType'));
    assert.deepEqual(env['MAX_COPY_AGE'], ref('MaxCopyAge'));
    assert.deepEqual(env['MAX_CLONES_PER_SOURCE'], ref('MaxClonesPerSource'));
    assert.deepEqual(env['DEFAULT_SECRET_PREFIX'], ref('DefaultSecretPrefix'));
    assert.deepEqual(env['LOG_LEVEL'], ref('LogLevel'));
    assert.deepEqual(env['STACK_NAME'], ref('AWS::StackName'));
    assert.deepEqual(env['MANAGER_ID'], ref('AWS::StackName'));
    assert.deepEqual(env['DEFAULT_SECRET_KEY'], {
      'Fn::If': ['SetupDefaultAccess', getAttArn('DefaultSecretKey'), ''],
    });
    // Every Lambda env var must be listed in the spec's §10 or in the design (leases, events, id).
    for (const name of Object.keys(env)) assert.match(name, /^[A-Z][A-Z0-9_]*$/);
  });

  test('the parameters the issue names exist with their defaults', () => {
    const p = template.Parameters ?? {};
    const defaults: Record<string, Json> = {
      LogLevel: 'info',
      CustomResourceType: 'Custom::AuroraClone',
      MaxCopyAge: 'P3D',
      MaxClonesPerSource: 15,
      MaintenanceSchedule: 'rate(1 hour)',
      DefaultSecretPrefix: '/aurora-clone-manager/',
      SetupDefaultAccess: 'false',
      DefaultAccessGroups: '',
      DefaultAccessRoles: '',
    };
    for (const [name, value] of Object.entries(defaults)) {
      assert.ok(p[name], `parameter ${name} is missing`);
      assert.deepEqual(p[name]!['Default'], value, name);
    }
    const pattern = new RegExp(String(p['MaxCopyAge']!['AllowedPattern']));
    for (const ok of ['P3D', 'PT36H', 'P1W', 'P2DT12H']) assert.match(ok, pattern);
    for (const bad of ['P', '3D', 'PT', 'P3']) assert.doesNotMatch(bad, pattern);
  });

  test('failed asynchronous invocations go to a 14-day queue, watched by an alarm', () => {
    const [, config] = theResource(template, 'AWS::Lambda::EventInvokeConfig');
    assert.deepEqual(config.Properties?.['FunctionName'], ref(fnName));
    assert.deepEqual(config.Properties?.['DestinationConfig'], {
      OnFailure: { Destination: getAttArn('FailedInvocationQueue') },
    });
    const queue = template.Resources['FailedInvocationQueue']!;
    assert.equal(queue.Properties?.['MessageRetentionPeriod'], 14 * 24 * 3600);
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
    assert.ok(
      alarms.some(
        (a) =>
          a['MetricName'] === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a['Dimensions']).includes('FailedInvocationQueue'),
      ),
      'no alarm on the dead-letter queue',
    );
  });

  test('the lease table is the account’s one table, shared with the CLI: made by the function if missing', () => {
    const [name, table] = theResource(template, 'Custom::AuroraCloneLeaseTable');
    assert.equal(name, 'LeaseTable');
    assert.deepEqual(table.Properties?.['ServiceToken'], getAttArn(fnName));
    assert.deepEqual(table.Properties?.['TableName'], ref('LeaseTableName'));
    const param = (template['Parameters'] as Record<string, Record<string, Json>>)['LeaseTableName'];
    assert.equal(param?.['Default'], DEFAULT_LEASE_TABLE, 'the same table as the CLI and library default');
    assert.deepEqual(resourcesOfType(template, 'AWS::DynamoDB::Table'), [], 'no table of the stack’s own');
  });

  test('the schedule sends the maintenance event, and EventBridge may invoke the function', () => {
    const [ruleName, rule] = theResource(template, 'AWS::Events::Rule');
    assert.deepEqual(rule.Properties?.['ScheduleExpression'], ref('MaintenanceSchedule'));
    const [target] = asList(rule.Properties?.['Targets'] as Json[]) as Array<Record<string, Json>>;
    assert.deepEqual(target?.['Arn'], getAttArn(fnName));
    assert.deepEqual(JSON.parse(String(target?.['Input'])), {
      source: 'aurora-clone-manager',
      action: 'maintain',
    });
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission').map(
      ([, r]) => r.Properties ?? {},
    );
    assert.ok(
      permissions.some(
        (p) =>
          p['Principal'] === 'events.amazonaws.com' &&
          JSON.stringify(p['SourceArn']) === JSON.stringify(getAttArn(ruleName)),
      ),
    );
  });

  test('RDS instance-created events reach the function through SNS', () => {
    const [, sub] = theResource(template, 'AWS::RDS::EventSubscription');
    assert.equal(sub.Properties?.['SourceType'], 'db-instance');
    assert.deepEqual(sub.Properties?.['EventCategories'], ['creation']);
    const [topicName] = theResource(template, 'AWS::SNS::Topic');
    assert.deepEqual(sub.Properties?.['SnsTopicArn'], ref(topicName));
    const [, snsSub] = theResource(template, 'AWS::SNS::Subscription');
    assert.equal(snsSub.Properties?.['Protocol'], 'lambda');
    assert.deepEqual(snsSub.Properties?.['Endpoint'], getAttArn(fnName));
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission').map(
      ([, r]) => r.Properties ?? {},
    );
    assert.ok(
      permissions.some(
        (p) =>
          p['Principal'] === 'sns.amazonaws.com' &&
          JSON.stringify(p['SourceArn']) === JSON.stringify(ref(topicName)),
      ),
    );
  });

  test('the maintenance config parameter holds an empty pool list', () => {
    const [, param] = theResource(template, 'AWS::SSM::Parameter');
    assert.equal(param.Properties?.['Type'], 'String');
    assert.deepEqual(JSON.parse(String(param.Properties?.['Value'])), []);
  });

  test('outputs and exports', () => {
    const outputs = template.Outputs ?? {};
    const exported = (name: string) => (outputs[name]?.['Export'] as { Name: Json } | undefined)?.Name;
    assert.deepEqual(exported('LambdaArn'), { 'Fn::Sub': '${AWS::StackName}-LambdaArn' });
    assert.deepEqual(outputs['LambdaArn']?.['Value'], getAttArn(fnName));
    assert.deepEqual(exported('LambdaName'), { 'Fn::Sub': '${AWS::StackName}-LambdaName' });
    assert.deepEqual(exported('RoleArn'), { 'Fn::Sub': '${AWS::StackName}-RoleArn' });
    assert.deepEqual(exported('DefaultSecretPrefix'), { 'Fn::Sub': '${AWS::StackName}-DefaultSecretPrefix' });
    for (const name of ['DefaultSecretKeyArn', 'DefaultSecretKeyAlias', 'DefaultAccessPolicyArn']) {
      assert.equal(outputs[name]?.['Condition'], 'SetupDefaultAccess', name);
      assert.ok(exported(name), `${name} is not exported`);
    }
  });
});
