// Every template we ship passes AWS's own linter, cfn-lint: resource types, property names and
// types, !GetAtt/!Ref targets, parameters used, outputs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseTemplate, repoRoot } from './cfn.ts';

const TEMPLATES = ['infra/template.yaml', 'example/template.yaml', 'build-stack.yml'];

test('every template exists and parses with the intrinsic function tags', () => {
  for (const path of TEMPLATES) {
    assert.ok(existsSync(`${repoRoot}${path}`), `${path} is missing`);
    const template = parseTemplate(readFileSync(`${repoRoot}${path}`, 'utf8'));
    assert.ok(Object.keys(template.Resources).length > 0, `${path} declares no resources`);
  }
});

test('every template passes cfn-lint with no errors', () => {
  const version = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  assert.equal(
    version.error,
    undefined,
    'cfn-lint is not on PATH: install it with `pip install cfn-lint` (.ci/run checks for it)',
  );
  const result = spawnSync('cfn-lint', ['--format', 'parseable', '--', ...TEMPLATES], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  // cfn-lint's exit code is a bit mask: 1 fatal, 2 error, 4 warning, 8 informational.
  assert.notEqual(result.status, null, `cfn-lint did not finish: ${result.error?.message ?? result.signal}`);
  assert.equal((result.status ?? 0) & 3, 0, `cfn-lint reported errors:\n${output}`);
  const errors = output.split('\n').filter((line) => /:E\d{4}:/.test(line));
  assert.deepEqual(errors, [], `cfn-lint reported errors:\n${output}`);
});
