// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub strings, not JS templates
// The optional CodeBuild setup: a least-privilege build role, a buildspec that runs build.sh, and
// create-build-stack.sh that deploys it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { BASH, readCalls } from './build-fixture.ts';
import {
  asList,
  type Json,
  loadTemplate,
  repoRoot,
  resourceText,
  type Statement,
  statementsOf,
  theResource,
} from './cfn.ts';

const template = loadTemplate('build-stack.yml');
const [, role] = theResource(template, 'AWS::IAM::Role');
const statements: Statement[] = asList(role.Properties?.['Policies'] as Json[]).flatMap((p) =>
  statementsOf((p as { PolicyDocument: Json }).PolicyDocument),
);
const bySid = (sid: string) => {
  const s = statements.find((st) => st.Sid === sid);
  assert.ok(s, `no statement ${sid}`);
  return s;
};
const resources = (s: Statement) => asList(s.Resource as Json).map(resourceText);

describe('build-stack.yml', () => {
  test('the build role: logs of its group, objects under the prefix, the manager stack, passing one role', () => {
    assert.deepEqual(statements.map((s) => s.Sid).sort(), [
      'ArtifactsUnderPrefix',
      'BuildLogs',
      'DeployManagerStackOnly',
      'ListArtifactsUnderPrefix',
      'PassServiceRoleToCloudFormationOnly',
    ]);
    for (const s of statements) {
      for (const a of asList(s.Action)) assert.doesNotMatch(a, /\*/, `${s.Sid}: ${a}`);
      assert.ok(!resources(s).includes('*'), `${s.Sid} on "*"`);
    }
    assert.deepEqual(resources(bySid('BuildLogs')), [
      'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${BuildLogGroup}:log-stream:*',
    ]);
    assert.deepEqual(resources(bySid('ArtifactsUnderPrefix')), [
      'arn:${AWS::Partition}:s3:::${LambdaS3Bucket}/${LambdaS3Prefix}/*',
    ]);
    assert.deepEqual(bySid('ListArtifactsUnderPrefix').Condition, {
      StringLike: { 's3:prefix': { 'Fn::Sub': '${LambdaS3Prefix}/*' } },
    });
    const deploy = bySid('DeployManagerStackOnly');
    assert.deepEqual(resources(deploy), [
      'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${ManagerStackName}/*',
    ]);
    for (const a of asList(deploy.Action)) assert.match(a, /^cloudformation:/);
    const pass = bySid('PassServiceRoleToCloudFormationOnly');
    assert.deepEqual(asList(pass.Action), ['iam:PassRole']);
    assert.deepEqual(pass.Condition, {
      StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
    });
    assert.deepEqual(resources(pass), [
      'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${CloudFormationRoleName}',
    ]);
  });

  test('deploy statements exist only when a manager stack is named, and then a service role is required', () => {
    const policy = asList(role.Properties?.['Policies'] as Json[])[0] as {
      PolicyDocument: { Statement: Json[] };
    };
    const conditional = policy.PolicyDocument.Statement.filter(
      (s) => s && typeof s === 'object' && !Array.isArray(s) && 'Fn::If' in s,
    ) as Array<{ 'Fn::If': [string, Statement, Json] }>;
    assert.deepEqual(
      conditional.map((s) => [s['Fn::If'][0], s['Fn::If'][1].Sid]),
      [
        ['Deploy', 'DeployManagerStackOnly'],
        ['Deploy', 'PassServiceRoleToCloudFormationOnly'],
      ],
    );
    assert.ok(template['Rules'], 'the DeployNeedsServiceRole rule is missing');
  });

  test('the project runs buildspec.yml with the bucket and prefix, and keeps its logs in the stack log group', () => {
    const [, project] = theResource(template, 'AWS::CodeBuild::Project');
    const source = project.Properties?.['Source'] as Record<string, Json>;
    assert.equal(source['BuildSpec'], 'buildspec.yml');
    const environment = project.Properties?.['Environment'] as { EnvironmentVariables?: Json[] } | undefined;
    const vars = environment?.EnvironmentVariables ?? [];
    const plain = vars.filter((v) => v && typeof v === 'object' && !Array.isArray(v) && 'Name' in v) as Array<
      Record<string, Json>
    >;
    assert.deepEqual(
      plain.map((v) => [v['Name'], v['Value']]),
      [
        ['LAMBDA_S3_BUCKET', { Ref: 'LambdaS3Bucket' }],
        ['LAMBDA_S3_PREFIX', { Ref: 'LambdaS3Prefix' }],
        ['REPO_NAME', { Ref: 'RepositoryName' }],
      ],
    );
    assert.deepEqual(project.Properties?.['LogsConfig'], {
      CloudWatchLogs: { Status: 'ENABLED', GroupName: { Ref: 'BuildLogGroup' } },
    });
  });
});

describe('buildspec.yml', () => {
  test('Node.js 22, cfn-lint for the tests, then build.sh', () => {
    const spec = parse(readFileSync(join(repoRoot, 'buildspec.yml'), 'utf8'));
    assert.equal(spec.version, 0.2);
    assert.equal(spec.phases.install['runtime-versions'].nodejs, 22);
    assert.ok(spec.phases.install.commands.some((c: string) => /pip3? install .*cfn-lint/.test(c)));
    assert.deepEqual(spec.phases.build.commands, ['bash ./build.sh']);
  });
});

describe('create-build-stack.sh', () => {
  const work = mkdtempSync(join(tmpdir(), 'acm-create-build-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  let runs = 0;
  const run = (args: string[], env: Record<string, string>) => {
    const log = join(work, `calls-${++runs}.log`);
    const r = spawnSync(BASH, [join(repoRoot, 'create-build-stack.sh'), ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: work, CALLS_LOG: log, ...env },
    });
    return { ...r, calls: readCalls(log) };
  };
  const base = {
    LAMBDA_S3_BUCKET: 'acme-artifacts',
    LAMBDA_S3_PREFIX: 'lambdas',
    SOURCE_LOCATION: 'https://github.com/acme/aurora-clone-manager.git',
  };

  test('dry run prints the deploy of build-stack.yml with the overrides', () => {
    const r = run(['--dry-run'], {
      ...base,
      MANAGER_STACK_NAME: 'acm',
      CLOUDFORMATION_ROLE_NAME: 'cfn-deployer',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout.trim(),
      '[dry-run] aws cloudformation deploy --template-file build-stack.yml --stack-name aurora-clone-manager-build' +
        ' --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset --parameter-overrides LambdaS3Bucket=acme-artifacts' +
        ' LambdaS3Prefix=lambdas SourceLocation=https://github.com/acme/aurora-clone-manager.git' +
        ' RepositoryName=aurora-clone-manager EnableWebhook=false' +
        ' ManagerStackName=acm CloudFormationRoleName=cfn-deployer',
    );
  });

  test('missing variables, or a manager stack without a service role, fail with a clear message', () => {
    const missing = run([], { SOURCE_LOCATION: base.SOURCE_LOCATION });
    assert.equal(missing.status, 1);
    assert.match(
      missing.stderr,
      /missing required environment variable\(s\): LAMBDA_S3_BUCKET LAMBDA_S3_PREFIX/,
    );
    const noRole = run(['--dry-run'], { ...base, MANAGER_STACK_NAME: 'acm' });
    assert.equal(noRole.status, 1);
    assert.match(noRole.stderr, /MANAGER_STACK_NAME needs CLOUDFORMATION_ROLE_NAME/);
    assert.equal(noRole.stdout, '');
  });
});
