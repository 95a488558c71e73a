// Each benchmark runs on its tiny size and prints its table, and the ones that drive the product
// say they checked its invariants. Nothing here is timed: the figures belong in
// docs/benchmarks.md, not in assertions.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { checkProblems } from '../../bench/lib/report.ts';
import { InFlight, VirtualClock } from '../../bench/lib/virtual-time.ts';

/** Benchmarks that drive the product: each reports 0 accidental full copies and 0 failed requests. */
const CHECKED = ['api-calls', 'time-to-clone', 'concurrency', 'soak', 'emulator-reads', 'warm-claim'];

const TITLES: Record<string, RegExp> = {
  'api-calls': /^api-calls: one inventory read, by reader/m,
  'time-to-clone': /^time-to-clone: \d+ days?, \d+ requests/m,
  'lambda-cold': /^lambda-cold: dist\/lambda\/index\.js/m,
  concurrency: /^concurrency: \d+ provisions of one source/m,
  soak: /^soak: \d+ provisions \+ deletions/m,
  'emulator-reads': /^emulator-reads: full reads of [\d,]+ and [\d,]+ clusters/m,
  'warm-claim': /^warm-claim: \d+ consecutive clone --wait processes/m,
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
    for (const name of CHECKED) {
      const block = r.stdout.split(/^== /m).find((b) => b.startsWith(`${name}: `)) ?? '';
      assert.match(
        block,
        /^checked: 0 accidental full copies, 0 failed requests/m,
        `${name} did not report its checks`,
      );
    }
    const count = Object.keys(TITLES).length;
    assert.match(r.stdout, new RegExp(`^total: [\\d.]+ s for ${count} benchmark\\(s\\)$`, 'm'));
  });

  it('prints one JSON document for a single benchmark with --json', () => {
    // Act
    const r = bench(['emulator-reads', '--size', 'tiny', '--json']);
    // Assess
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    const doc = JSON.parse(r.stdout) as { benchmarks: { name: string; tables: { rows: unknown[] }[] }[] };
    assert.deepEqual(
      doc.benchmarks.map((b) => b.name),
      ['emulator-reads'],
    );
    assert.ok((doc.benchmarks[0]?.tables[0]?.rows.length ?? 0) > 0);
  });

  it('turns an accidental full copy or a failed request into a problem, so the run exits 1', () => {
    assert.deepEqual(checkProblems({ accidentalFullCopies: 0, failedRequests: 0 }), []);
    assert.equal(checkProblems({ accidentalFullCopies: 1, failedRequests: 0 }).length, 1);
    assert.equal(checkProblems({ accidentalFullCopies: 0, failedRequests: 2 }).length, 1);
  });

  it('refuses an unknown benchmark or option with exit code 2', () => {
    assert.equal(bench(['no-such-bench']).status, 2);
    assert.equal(bench(['--sise', 'tiny']).status, 2);
  });
});

describe('the virtual clock that runs time-to-clone', () => {
  it('wakes sleepers in order and moves only once no command is in flight', async () => {
    // Prepare: one actor sleeps 60 s, then "calls AWS" (real time passes, the clock must not move),
    // then sleeps 30 s; another sleeps 70 s.
    const clock = new VirtualClock('2026-10-26T00:00:00Z');
    const inFlight = new InFlight();
    const seen: string[] = [];
    let open = 2;
    const at = () => (clock.ms - Date.parse('2026-10-26T00:00:00Z')) / 1000;
    void (async () => {
      await clock.sleep(60_000);
      inFlight.begin('DescribeDBClustersCommand');
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push(`a called at ${at()} s`);
      inFlight.end();
      await clock.sleep(30_000);
      seen.push(`a woke at ${at()} s`);
      open--;
    })();
    void (async () => {
      await clock.sleep(70_000);
      seen.push(`b woke at ${at()} s`);
      open--;
    })();
    // Act
    await clock.run(inFlight, () => open === 0);
    // Assess
    assert.deepEqual(seen, ['a called at 60 s', 'b woke at 70 s', 'a woke at 90 s']);
    assert.equal(inFlight.byCommand.get('DescribeDBClustersCommand'), 1);
  });
});
