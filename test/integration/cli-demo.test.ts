// `aurora-clone-manager demo`, the README's main job, runs to completion and tells the story it promises.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DemoSummary } from '../../src/cli/commands/demo.ts';
import { jsonOf, runCli } from './cli-harness.ts';

describe('demo', () => {
  it('provisions 20 clones (the 16th onward from a copy), maintains, deletes, and makes no accidental full copy', async () => {
    const started = Date.now();
    const r = await runCli(['demo', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const summary = jsonOf(r) as DemoSummary;
    assert.equal(summary.clones.length, 20);
    const fromRoot = summary.clones.filter((c) => c.sourceClusterId === summary.source);
    assert.equal(fromRoot.length, 15, 'the root gives its 15 slots');
    assert.deepEqual(
      summary.clones.slice(0, 15).map((c) => c.sourceClusterId),
      Array(15).fill(summary.source),
    );
    const copy = summary.clones[15]!;
    assert.notEqual(copy.sourceClusterId, summary.source, 'the 16th clone comes from a copy');
    assert.equal(copy.copyMade, true);
    assert.ok(
      summary.clones.slice(16).every((c) => c.sourceClusterId === copy.sourceClusterId && !c.copyMade),
    );
    assert.equal(summary.copiesMade, 1);
    assert.ok((summary.maintenance.capacityAfter ?? 0) >= 20, 'maintenance reached its target');
    assert.equal(summary.deleted.length, 5);
    assert.match(summary.rootDeleteRefused, /refusing to touch cluster demo-prod/);
    assert.equal(summary.accidentalFullCopies, 0);
    // The narration went to stderr, step by step, so stdout stayed one document.
    for (const step of ['== 1.', '== 2.', '== 3.', '== 4.', '== 5.'])
      assert.ok(r.stderr.includes(step), step);
    assert.ok(Date.now() - started < 60_000, 'under a minute');
  });
});
