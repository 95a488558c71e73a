// Runs every *.test.ts under the given folders (default: test/) with Node's own test runner.
// Node 20's --test does not search for .ts files, so the list is made here. Four files run at a
// time on two cores: most tests wait on timers, servers and child processes, not on the CPU.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(path);
  }
};
for (const root of roots.length ? roots : ['test']) {
  if (statSync(root).isDirectory()) walk(root);
  else files.push(root);
}
// The longest files start first, so they do not run alone at the end (they mostly wait on real time).
const SLOW_FIRST = [
  'test/integration/bench-smoke.test.ts',
  'test/integration/engine-faults.test.ts',
  'test/e2e/lambda-wait.test.ts',
  'test/integration/cli-aws-target.test.ts',
  'test/integration/engine-provision.test.ts',
  'test/e2e/lambda-custom-resource.test.ts',
  'test/integration/emulator-json-cli.test.ts',
  'test/integration/cli-daily.test.ts',
  'test/unit/infra/build-sh-package.test.ts',
  'test/integration/cli-long-wait.test.ts',
  'test/integration/cli-bin.test.ts',
  'test/integration/emulator-awscli.test.ts',
  'test/e2e/readme-quickstart.test.ts',
  'test/integration/engine-lease-table.test.ts',
  'test/e2e/cdk-clone-lifecycle.test.ts',
];
const rank = (f) => {
  const i = SLOW_FIRST.indexOf(f.split(sep).join('/'));
  return i < 0 ? SLOW_FIRST.length : i;
};
files.sort((a, b) => rank(a) - rank(b));
if (files.length === 0) {
  process.stderr.write('no test files found\n');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=4', '--test-reporter=spec', ...passThrough, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
