// `npm test`: the type check, the linter and every test, side by side. The tests keep both cores
// busy for most of their two minutes, and the type check alone took 8 s before them; run beside
// them it costs its CPU time, not its wall time. The tests print as they run; the two checks print
// once done, after the tests' summary. It exits non-zero when any of the three failed.
import { spawn } from 'node:child_process';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** Runs a check with its output kept for later. */
function check(name, args) {
  return new Promise((resolve) => {
    const child = spawn(npx, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      out += c;
    });
    child.on('error', (err) => resolve({ name, code: 1, out: `${out}${err.message}\n` }));
    child.on('close', (code) => resolve({ name, code: code ?? 1, out }));
  });
}

const checks = [
  check('typecheck (tsc --noEmit)', [
    'tsc',
    '--noEmit',
    '-p',
    '.',
    // What the last check learnt, kept beside the build (a clean clone checks everything): a run
    // after a small change skips the files it did not touch, 7 s of CPU out of 16.
    '--incremental',
    '--tsBuildInfoFile',
    'dist/.tsc.tsbuildinfo',
  ]),
  check('lint (biome ci)', ['biome', 'ci', '.']),
];
const tests = new Promise((resolve) => {
  const child = spawn(process.execPath, ['scripts/run-tests.mjs', ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  child.on('close', (code) => resolve(code ?? 1));
});

const testCode = await tests;
const results = await Promise.all(checks);
for (const r of results) {
  process.stdout.write(`\n== ${r.name}: ${r.code === 0 ? 'ok' : `failed (exit ${r.code})`}\n`);
  if (r.code !== 0 || r.out.trim()) process.stdout.write(r.out.endsWith('\n') ? r.out : `${r.out}\n`);
}
const failed = results.find((r) => r.code !== 0);
process.exit(failed ? failed.code : testCode);
