// Each benchmark runs on its tiny size and prints its table. Nothing here is timed: the figures
// belong in docs/benchmarks.md, not in assertions.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const TITLES: Record<string, RegExp> = {
  'api-calls': /^api-calls: ours vs the first implementation's inventory read/m,
  'time-to-clone': /^time-to-clone: \d+ days, \d+ requests/m,
  'lambda-cold': /^lambda-cold: dist\/lambda\/index\.js/m,
  concurrency: /^concurrency: \d+ provisions of one source/m,
  soak: /^soak: \d+ provisions \+ deletions/m,
  'emulator-reads': /^emulator-reads: full reads of [\d,]+ and [\d,]+ clusters/m,
};

function bench(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm run bench --size tiny', () => {
  it('runs every benchmark and prints one table block per benchmark, with no problem reported', () => {
    // Act
    const r = bench(['--size', 'tiny']);
    // Assess
    assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr.slice(-2000)}`);
    for (const [name, title] of Object.entries(TITLES)) {
      assert.match(r.stdout, new RegExp(`^== ${name}: `, 'm'), `${name} has no block`);
      assert.match(r.stdout, title, `${name} printed no table`);
    }
    assert.doesNotMatch(r.stdout, /^PROBLEM:/m);
    assert.match(r.stdout, /^total: [\d.]+ s for 6 benchmark\(s\)$/m);
  });

  it('prints one JSON document for a single benchmark with --json', () => {
    // Act
    const r = bench(['time-to-clone', '--size', 'tiny', '--json']);
    // Assess
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    const doc = JSON.parse(r.stdout) as { benchmarks: { name: string; tables: { rows: unknown[] }[] }[] };
    assert.deepEqual(
      doc.benchmarks.map((b) => b.name),
      ['time-to-clone'],
    );
    assert.ok((doc.benchmarks[0]?.tables[0]?.rows.length ?? 0) > 0);
  });

  it('refuses an unknown benchmark or option with exit code 2', () => {
    assert.equal(bench(['no-such-bench']).status, 2);
    assert.equal(bench(['--sise', 'tiny']).status, 2);
  });
});
