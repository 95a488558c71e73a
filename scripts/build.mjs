// Builds the CLI (dependencies stay external: they are installed beside it) and the Lambda bundle
// (self-contained: only the SDK clients it imports, for the nodejs22.x runtime).

import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

await mkdir('dist', { recursive: true });
await build({
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
if (existsSync('src/lambda/index.ts')) {
  await build({
    entryPoints: { index: 'src/lambda/index.ts' },
    outdir: 'dist/lambda',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    // ESM bundles need a require() for the few CommonJS modules inside the SDK.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  // The runtime loads index.js as ESM only when a package.json beside it says so.
  await writeFile('dist/lambda/package.json', `${JSON.stringify({ type: 'module' })}\n`);
  const { size } = await stat('dist/lambda/index.js');
  process.stdout.write(`dist/lambda/index.js: ${(size / 1024).toFixed(0)} KiB\n`);
}
