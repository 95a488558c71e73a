// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JS templates
// The example CDK app (example/cdk-app) synthesises offline, as `cdk synth` runs it (its cdk.json
// command, CDK_OUTDIR): the manager stack and two clone stacks, one using the manager of the app, one
// its exported ServiceToken; every template passes cfn-lint. (CDK's own template validation, 4 s of
// CPU, is left to cfn-lint here.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot } from '../infra/cfn.ts';
import { assertCfnLintClean } from './checks.ts';

const APP_DIR = join(repoRoot, 'example/cdk-app');

describe('example/cdk-app', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'acm-cdk-example-'));
  let synth: ReturnType<typeof spawnSync>;
  const template = (stack: string) =>
    JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8'));
  const resources = (stack: string, type: string) =>
    Object.entries(
      template(stack).Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    ).filter(([, r]) => r.Type === type);

  before(() => {
    const { app } = JSON.parse(readFileSync(join(APP_DIR, 'cdk.json'), 'utf8')) as { app: string };
    const [command, ...args] = app.split(' ');
    assert.equal(command, 'node');
    // What `cdk synth` gives the app; no AWS credentials, no network.
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      CDK_OUTDIR: outdir,
      CDK_VALIDATION: 'false',
    };
    synth = spawnSync(process.execPath, args, { cwd: APP_DIR, env, encoding: 'utf8', timeout: 90_000 });
  });
  after(() => rmSync(outdir, { recursive: true, force: true }));

  test('synthesises three stacks, with no warning', () => {
    assert.equal(synth.status, 0, `${synth.stdout}${synth.stderr}`);
    assert.equal(String(synth.stderr), '');
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    const stacks = Object.entries(manifest.artifacts as Record<string, { type: string }>)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([name]) => name)
      .sort();
    assert.deepEqual(stacks, ['aurora-clone-manager', 'ci-database', 'reports-database']);
  });

  test('the manager stack exports the ServiceToken the reports stack imports', () => {
    const outputs = template('aurora-clone-manager').Outputs as Record<
      string,
      { Export?: { Name: unknown } }
    >;
    const exports = Object.values(outputs).map((o) => JSON.stringify(o.Export?.Name));
    assert.ok(
      exports.includes(JSON.stringify({ 'Fn::Sub': '${AWS::StackName}-LambdaArn' })),
      exports.join('\n'),
    );
    const [, reports] = resources('reports-database', 'Custom::AuroraClone')[0]!;
    assert.deepEqual(reports.Properties['ServiceToken'], {
      'Fn::ImportValue': 'aurora-clone-manager-LambdaArn',
    });
  });

  test('the CI clone uses the app’s manager, gives its role the password, and outputs its endpoint', () => {
    const [, ci] = resources('ci-database', 'Custom::AuroraClone')[0]!;
    assert.ok('Fn::ImportValue' in (ci.Properties['ServiceToken'] as object));
    assert.equal(ci.Properties['SetPassword'], true);
    const [roleId] = resources('ci-database', 'AWS::IAM::Role')[0]!;
    assert.deepEqual(ci.Properties['AccessPrincipalArns'], [{ 'Fn::GetAtt': [roleId, 'Arn'] }]);
    assert.deepEqual(Object.keys(template('ci-database').Outputs).sort(), [
      'Endpoint',
      'PasswordSecret',
      'Port',
    ]);
  });

  test('every template passes cfn-lint', { timeout: 60_000 }, () => {
    assertCfnLintClean(
      ['aurora-clone-manager', 'ci-database', 'reports-database'].map((s) =>
        join(outdir, `${s}.template.json`),
      ),
    );
  });
});
