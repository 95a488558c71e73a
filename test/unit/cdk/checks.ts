// What the CDK tests ask of what they synthesise: cfn-lint finds nothing, and a construct's props
// problems, by the name of each prop.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { InvalidPropsError } from '../../../src/cdk/index.ts';

/** cfn-lint on the templates: no error and no warning (it must be on PATH, as for test/unit/infra). */
export function assertCfnLintClean(templates: string[]): void {
  const result = spawnSync('cfn-lint', ['--format', 'parseable', '--', ...templates], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.error, undefined, 'cfn-lint is not on PATH: install it with `pip install cfn-lint`');
  const output = `${result.stdout}${result.stderr}`;
  // cfn-lint's exit code is a bit mask: 1 fatal, 2 error, 4 warning, 8 informational.
  assert.equal((result.status ?? 1) & 7, 0, `cfn-lint reported:\n${output}`);
  assert.deepEqual(
    output.split('\n').filter((line) => /:[EW]\d{4}:/.test(line)),
    [],
    output,
  );
}

/**
 * The problems `make` throws (an InvalidPropsError about the construct at `path`), by field; none: `{}`.
 */
export function propsProblems(make: () => unknown, path: string): Record<string, string> {
  try {
    make();
  } catch (err) {
    assert.ok(err instanceof InvalidPropsError, String(err));
    assert.equal(err.path, path);
    assert.ok(err.message.includes(` ${path}: `), err.message);
    return Object.fromEntries(err.errors.map((e) => [e.field, e.message]));
  }
  return {};
}
