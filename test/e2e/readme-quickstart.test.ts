// The README's quick start promises exactly two command lines that work on a fresh machine. This
// test reads them from the README, runs the first in a clean clone of the committed tree (its
// `npm ci` as .ci/run runs it, below), and checks that CI runs the second.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { declarationsStale } from '../../scripts/declarations.mjs';

function quickStartLines(readme: string): string[] {
  const section = readme.split(/^## /m).find((s) => /^quick ?start/i.test(s));
  assert.ok(section, 'README has a Quick start section');
  const blocks = [...section.matchAll(/```(?:sh|bash|shell)?\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks
    .flatMap((b) => b.split('\n'))
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** Package path → version, from a lockfile (package-lock.json, or the one npm keeps of what it installed). */
function installedVersions(lockfile: string): Record<string, string> {
  const { packages } = JSON.parse(readFileSync(lockfile, 'utf8')) as {
    packages: Record<string, { version?: string; dev?: boolean; optional?: boolean }>;
  };
  return Object.fromEntries(
    Object.entries(packages)
      .filter(([path, p]) => path !== '' && !p.optional)
      .map(([path, p]) => [path, p.version ?? '']),
  );
}

describe('README quick start', () => {
  const lines = quickStartLines(readFileSync('README.md', 'utf8'));

  it('has exactly two command lines: the main job and the test suite', () => {
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0] ?? '', /^npm ci && npx aurora-clone-manager demo$/);
    assert.match(lines[1] ?? '', /^npm ci && npm test$/);
  });

  it('CI runs the second line', () => {
    const ci = readFileSync('.ci/run', 'utf8');
    const run = ci.split('\n').filter((l) => /npm ci/.test(l));
    assert.equal(run.length, 1);
    assert.match(run[0] ?? '', /npm ci\b.*&& npm test$/);
  });

  // `npm ci` is the first command of both lines, and .ci/run runs it from a clean clone before this
  // suite: here the clean clone borrows the packages that npm ci installed (checked to be the
  // lockfile's, as npm recorded what it installed) and runs what npm ci does next, the `prepare` build,
  // then the rest of the line. Extracting 370 MB of packages again would be a fifth of the suite's CPU.
  // The type declarations this checkout's build made are handed over too when they are current (the
  // demo does not read them; making them again is tsc's 8 s of CPU; package-install checks them).
  it('the first line runs the demo from a clean clone of the committed tree', {
    timeout: 120_000,
  }, async () => {
    const [install, rest] = (lines[0] ?? '').split(' && ');
    assert.equal(install, 'npm ci');
    const dir = mkdtempSync(join(tmpdir(), 'acm-quickstart-'));
    try {
      execFileSync('git', ['clone', '--quiet', '--no-hardlinks', process.cwd(), dir]);
      symlinkSync(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'), 'dir');
      if (!(await declarationsStale())) cpSync('dist/types', join(dir, 'dist/types'), { recursive: true });
      assert.deepEqual(
        installedVersions('node_modules/.package-lock.json'),
        installedVersions(join(dir, 'package-lock.json')),
      );
      const r = spawnSync('sh', ['-c', `npm run prepare && ${rest}`], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
        timeout: 110_000,
      });
      assert.equal(r.status, 0, `${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
      assert.match(r.stdout, /clones provisioned\s+20/);
      assert.match(r.stdout, /accidental full copies \(16th clones\)\s+0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
