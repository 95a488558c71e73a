// Runs every *.test.ts under the given folders (default: test/) with Node's own test runner.
// Node 20's --test does not search for .ts files, so the list is made here.
//
// The unit tests run together in one process (./import-tests.mjs): each of them is a few
// milliseconds of work, and a process of its own cost each file about half a second of CPU to start
// Node, tsx and the modules it shares with the others (42 s of CPU for the 51 files, 19 s in one
// process). The other files run four at a time, each in its own process, as `node --test` runs
// them: most of them wait on timers, servers and child processes, and share state with them.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

const args = process.argv.slice(2);
const roots = [];
const passThrough = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (!arg.startsWith('--')) {
    roots.push(arg);
    continue;
  }
  passThrough.push(arg);
  // `--test-name-pattern x` as well as `--test-name-pattern=x`: a value that is not a path is the flag's.
  const next = args[i + 1];
  if (!arg.includes('=') && next !== undefined && !next.startsWith('--') && !existsSync(next)) {
    passThrough.push(next);
    i++;
  }
}
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
/** How long a test process may print nothing before it is taken to hang. */
const SILENCE_MS = 180_000;
const isUnit = (f) => f.split(sep).join('/').startsWith('test/unit/');
const unitFiles = files.filter(isUnit);
const otherFiles = files.filter((f) => !isUnit(f));
const tsx = ['--import', 'tsx', '--test-reporter=spec', ...passThrough];

const runs = [];
if (otherFiles.length > 0) {
  // Streamed as it comes: the long files print for most of the run.
  runs.push(
    run('files in their own processes', [...tsx, '--test', '--test-concurrency=4', ...otherFiles], true),
  );
}
if (unitFiles.length > 0) {
  // Printed whole once done, between two lines of the other run, so the two never interleave.
  runs.push(run('unit tests in one process', [...tsx, 'scripts/import-tests.mjs', ...unitFiles], false));
}
const results = await Promise.all(runs);
if (results.length > 1) {
  const sum = (key) => results.reduce((n, r) => n + (r.counts[key] ?? 0), 0);
  process.stdout.write(
    `\nall tests: ${sum('tests')}, passed ${sum('pass')}, failed ${sum('fail')}, cancelled ${sum('cancelled')}\n`,
  );
}
for (const r of results) {
  if (r.problem) process.stdout.write(`${r.name}: ${r.problem}\n`);
  else if (r.code !== 0) process.stdout.write(`${r.name}: exit ${r.code}\n`);
}
process.exit(results.find((r) => r.code !== 0)?.code ?? 0);

/**
 * One test process; its output passed on whole lines at a time, its summary counts kept. A process
 * that ends without its summary failed, whatever its exit code (a test called process.exit); one
 * silent for SILENCE_MS is stopped (a test hangs, or left a timer or a server running).
 */
function run(name, args, stream) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const counts = {};
    let kept = '';
    let partial = '';
    let silent = false;
    let silence;
    const listen = () => {
      clearTimeout(silence);
      silence = setTimeout(() => {
        silent = true;
        child.kill('SIGKILL');
      }, SILENCE_MS);
    };
    listen();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      listen();
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        const summary = /^\u2139 (tests|pass|fail|cancelled) (\d+)$/.exec(line);
        if (summary) counts[summary[1]] = Number(summary[2]);
      }
      const text = lines.length > 0 ? `${lines.join('\n')}\n` : '';
      if (stream) process.stdout.write(text);
      else kept += text;
    });
    child.on('close', (code, signal) => {
      clearTimeout(silence);
      const rest = partial ? `${partial}\n` : '';
      process.stdout.write(stream ? rest : kept + rest);
      const problem = silent
        ? `stopped after ${SILENCE_MS / 1000} s without output: a test hangs, or one left a timer or a server running`
        : counts.tests === undefined
          ? `ended (${signal ?? `exit ${code}`}) before reporting its summary: a test ended the process`
          : undefined;
      resolve({ name, code: problem ? 1 : (code ?? 1), counts, problem });
    });
  });
}
