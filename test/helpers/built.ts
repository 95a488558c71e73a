// The esbuild output (dist/) as `npm ci` leaves it, rebuilt when a source is newer. Tests that run
// the CLI or the Lambda as a user does load it: the published code, and a tenth of the CPU of
// transpiling src/ in every child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_BIN = join(ROOT, 'bin/aurora-clone-manager.js');
export const LAMBDA_BUNDLE = join(ROOT, 'dist/lambda/index.js');
const OUTPUTS = [join(ROOT, 'dist/cli.js'), LAMBDA_BUNDLE];

/** The newest modification time of a file under `dir`. */
export function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestSource(p) : st.mtimeMs);
  }
  return newest;
}

const stale = () => {
  const newest = Math.max(newestSource(join(ROOT, 'src')), statSync(join(ROOT, 'scripts/build.mjs')).mtimeMs);
  return OUTPUTS.some((f) => !existsSync(f) || statSync(f).mtimeMs < newest);
};

let checked = false;

/** Builds dist/ when any source is newer; one builder at a time across test processes. */
export function ensureBuilt(): void {
  if (checked) return;
  const lock = join(ROOT, 'dist/.build-lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test process is building; a lock older than two minutes is a crashed build.
      if (i > 1200 || Date.now() - statSync(lock).mtimeMs > 120_000) {
        rmSync(lock, { recursive: true, force: true });
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    if (stale()) {
      const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(r.status, 0, `npm run build failed:\n${r.stderr}`);
    }
    checked = true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
