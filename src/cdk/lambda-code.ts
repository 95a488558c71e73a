// The function's code: the bundle `npm run build` writes to dist/lambda (shipped in the package), found
// from wherever this module runs: dist/cdk.js, a chunk of it, or src/cdk/ in this repository.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { AcmError } from '../util/errors.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The folder holding the bundle's index.js, looked for upwards from `start` up to the package root. */
export function findLambdaBundle(start: string = HERE): string {
  const looked: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'lambda'), join(dir, 'dist', 'lambda')]) {
      if (existsSync(join(candidate, 'index.js'))) return candidate;
      looked.push(candidate);
    }
    if (existsSync(join(dir, 'package.json')) || dirname(dir) === dir) break;
  }
  throw new AcmError(
    `the manager's Lambda bundle (index.js) is not in ${looked.join(', ')}: run \`npm run build\` ` +
      'in aurora-clone-manager, or give AuroraCloneManager the `code` prop',
    { looked: looked.join(',') },
  );
}

/** The bundle as a CDK asset; the build's temporary and source map files stay out of it. */
export function bundledCode(): Code {
  return Code.fromAsset(findLambdaBundle(), { exclude: ['**/*.map', '**/*.tmp'] });
}
