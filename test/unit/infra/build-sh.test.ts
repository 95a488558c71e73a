// build.sh, run against stand-ins for `aws` and `npm` placed first on PATH that record their
// arguments: the right calls in the right order, overrides passed through, and nothing called when
// a requirement is missing or in a dry run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BASH, type Fixture, makeFixture, readCalls } from './build-fixture.ts';

let fx: Fixture;
let work: string;
let repo: string;
let stubs: string;
let sha: string;

before(() => {
  fx = makeFixture('acm-build-sh-');
  ({ work, repo, stubs, sha } = fx);
});

after(() => rmSync(work, { recursive: true, force: true }));

let runs = 0;
function buildSh(args: string[], env: Record<string, string>, path = `${stubs}:${process.env.PATH}`) {
  const log = join(work, `calls-${++runs}.log`);
  rmSync(join(repo, 'dist'), { recursive: true, force: true });
  const result = spawnSync(BASH, [join(repo, 'build.sh'), ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: 20_000,
    env: { PATH: path, HOME: work, CALLS_LOG: log, ...env },
  });
  return { ...result, calls: readCalls(log) };
}

const S3 = { LAMBDA_S3_BUCKET: 'acme-artifacts', LAMBDA_S3_PREFIX: 'lambdas' };

describe('build.sh', () => {
  test('installs, tests, bundles, packages, uploads the rendered template and deploys with the overrides', () => {
    const r = buildSh(['LogLevel=debug', 'DefaultAccessRoles=ci,ops', 'SetupDefaultAccess=true'], {
      ...S3,
      STACK_NAME: 'acm-test',
    });
    assert.equal(r.status, 0, r.stderr);
    const where = `lambdas/aurora-clone-manager/${sha}`;
    assert.deepEqual(r.calls, [
      ['npm', 'ci'],
      ['npm', 'test'],
      ['npm', 'run', 'build'],
      [
        'aws',
        'cloudformation',
        'package',
        '--template-file',
        'infra/template.yaml',
        '--s3-bucket',
        'acme-artifacts',
        '--s3-prefix',
        where,
        '--output-template-file',
        'dist/stack.yaml',
      ],
      ['aws', 's3', 'cp', 'dist/stack.yaml', `s3://acme-artifacts/${where}/stack.yaml`],
      [
        'aws',
        'cloudformation',
        'deploy',
        '--template-file',
        'dist/stack.yaml',
        '--stack-name',
        'acm-test',
        '--capabilities',
        'CAPABILITY_NAMED_IAM',
        '--s3-bucket',
        'acme-artifacts',
        '--s3-prefix',
        where,
        '--no-fail-on-empty-changeset',
        '--parameter-overrides',
        'LogLevel=debug',
        'DefaultAccessRoles=ci,ops',
        'SetupDefaultAccess=true',
      ],
    ]);
    // The bundle is an ES module in a .js file: the package must say so for Lambda.
    assert.deepEqual(JSON.parse(readFileSync(join(repo, 'dist/lambda/package.json'), 'utf8')), {
      type: 'module',
    });
  });

  test('without STACK_NAME it packages and uploads but does not deploy', () => {
    const r = buildSh([], S3);
    assert.equal(r.status, 0, r.stderr);
    const aws = r.calls.filter((c) => c[0] === 'aws').map((c) => c.slice(1, 3).join(' '));
    assert.deepEqual(aws, ['cloudformation package', 's3 cp']);
    assert.match(r.stderr, /STACK_NAME is not set/);
  });

  test('SKIP_TESTS=1 skips npm test and says so; CLOUDFORMATION_ROLE_ARN is passed to deploy', () => {
    const role = 'arn:aws:iam::123456789012:role/cfn-deployer';
    const r = buildSh([], { ...S3, STACK_NAME: 'acm', SKIP_TESTS: '1', CLOUDFORMATION_ROLE_ARN: role });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      r.calls.filter((c) => c[0] === 'npm').map((c) => c.slice(1).join(' ')),
      ['ci', 'run build'],
    );
    assert.match(r.stderr, /SKIP_TESTS=1/);
    const deploy = r.calls.find((c) => c[2] === 'deploy')!;
    assert.equal(deploy[deploy.indexOf('--role-arn') + 1], role);
    assert.ok(!deploy.includes('--parameter-overrides'), 'no overrides, no --parameter-overrides');
  });

  for (const missing of ['LAMBDA_S3_BUCKET', 'LAMBDA_S3_PREFIX']) {
    test(`a missing ${missing} fails with a clear message and calls nothing`, () => {
      const env: Record<string, string> = { ...S3, STACK_NAME: 'acm' };
      delete env[missing];
      const r = buildSh([], env);
      assert.equal(r.status, 1);
      assert.match(r.stderr, new RegExp(`missing required environment variable\\(s\\): .*${missing}`));
      assert.deepEqual(r.calls, []);
    });
  }

  test('a missing AWS CLI fails with a clear message and calls nothing', () => {
    const r = buildSh([], { ...S3, STACK_NAME: 'acm' }, fx.npmOnly);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /AWS CLI \('aws'\) is not on PATH/);
    assert.deepEqual(r.calls, []);
  });

  test('an argument that is not Key=Value fails before anything runs', () => {
    const r = buildSh(['deploy'], { ...S3, STACK_NAME: 'acm' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /parameter overrides are ParameterKey=Value/);
    assert.deepEqual(r.calls, []);
  });

  for (const [how, args, env] of [
    ['--dry-run', ['--dry-run', 'LogLevel=warn'], {}],
    ['DRY_RUN=1', ['LogLevel=warn'], { DRY_RUN: '1' }],
  ] as const) {
    test(`${how} prints every command and calls nothing`, () => {
      const r = buildSh([...args], { ...S3, STACK_NAME: 'acm', ...env });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.calls, []);
      const printed = r.stdout.split('\n').filter((l) => l.startsWith('[dry-run] '));
      assert.deepEqual(
        printed.map((l) => l.split(' ').slice(1, 4).join(' ')),
        [
          'npm ci',
          'npm test',
          'npm run build',
          'aws cloudformation package',
          'aws s3 cp',
          'aws cloudformation deploy',
        ],
      );
      assert.match(printed.at(-1)!, /--stack-name acm .*--parameter-overrides LogLevel=warn$/);
    });
  }
});
