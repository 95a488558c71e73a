// `npm run build`: the package's entries, their type declarations and the Lambda bundle.
//
// - dist/index.js (the library), dist/emulator.js (the emulator) and dist/cli.js share their common
//   code through dist/chunks/, so an error class is the same class whichever entry it came from.
//   Dependencies stay external: npm installs them beside the package.
// - dist/types/: declarations of both entries (./declarations.mjs).
// - dist/lambda/index.js: self-contained, for the nodejs22.x runtime (options in ./lambda-bundle.mjs).
//
// Tests build while other tests load what an earlier build wrote, so every file is replaced whole
// (written aside, then renamed), and only outputs no build has written for a while are removed.

import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { DECLARATIONS_STAMP, declarations, declarationsStale } from './declarations.mjs';
import { lambdaBundleOptions } from './lambda-bundle.mjs';

/** Outputs this old were not written by this build: leftovers of sources that are gone. */
const LEFTOVER_AGE_MS = 10 * 60_000;
const startedAt = Date.now();

await writeAll(
  await bundle({
    entryPoints: {
      cli: 'src/cli/main.ts',
      index: 'src/index.ts',
      emulator: 'src/emulator/index.ts',
      cdk: 'src/cdk/index.ts',
    },
    outdir: 'dist',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    target: 'node20',
    packages: 'external',
  }),
  ['dist/index.js', 'dist/emulator.js', 'dist/cli.js', 'dist/cdk.js'],
);
await removeLeftovers('dist/chunks');
if (await declarationsStale()) {
  await writeAll(declarations(), [DECLARATIONS_STAMP]);
  // Dated when the sources were read: one edited during this build leaves the declarations stale.
  await utimes(DECLARATIONS_STAMP, startedAt / 1000, startedAt / 1000);
  await removeLeftovers('dist/types');
}

if (existsSync('src/lambda/index.ts')) {
  const lambda = await bundle({
    entryPoints: { index: 'src/lambda/index.ts' },
    outdir: 'dist/lambda',
    ...lambdaBundleOptions,
  });
  await writeAll(
    [
      ...lambda,
      // The runtime loads index.js as ESM only when a package.json beside it says so.
      { path: 'dist/lambda/package.json', text: `${JSON.stringify({ type: 'module' })}\n` },
    ],
    ['dist/lambda/index.js'],
  );
  await removeLeftovers('dist/lambda');
  // This build's files: another build's, younger than LEFTOVER_AGE_MS, may still be beside them.
  const kib = (lambda.reduce((n, f) => n + Buffer.byteLength(f.text), 0) / 1024).toFixed(0);
  // On stderr: `npm pack --json` runs this build and its stdout must stay one JSON document.
  process.stderr.write(`dist/lambda: index.js and ${lambda.length - 1} chunks, ${kib} KiB\n`);
}

/** ESM for Node, nothing written yet. */
async function bundle(options) {
  const { outputFiles } = await build({
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
    ...options,
  });
  return outputFiles.map((f) => ({ path: f.path, text: f.text }));
}

/** Each file whole; the entries (`last`) once what they import is in place. */
async function writeAll(files, last) {
  const isLast = (f) => last.includes(relative('.', f.path));
  for (const group of [files.filter((f) => !isLast(f)), files.filter(isLast)]) {
    await Promise.all(
      group.map(async ({ path, text }) => {
        await mkdir(dirname(path), { recursive: true });
        const aside = `${path}.${process.pid}.tmp`;
        await writeFile(aside, text);
        await rename(aside, path);
      }),
    );
  }
}

async function removeLeftovers(dir) {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await stat(path)).mtimeMs < startedAt - LEFTOVER_AGE_MS) await rm(path, { force: true });
  }
}
