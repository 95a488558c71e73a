// How the Lambda function's code is bundled: scripts/build.mjs writes dist/lambda/ with these options,
// and the lambda-cold benchmark builds its reference (the same AWS calls without the engine) with them
// too, so that the two differ only in what they contain.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

/** esbuild options of the Lambda bundle, besides its entry, its output folder and its format (ESM). */
export const lambdaBundleOptions = {
  // Each SDK client (and the credential providers) in a chunk of its own, loaded by the request that
  // needs it: an invalid request parses none, a Create only DynamoDB's and RDS's.
  splitting: true,
  chunkNames: '[name]-[hash]',
  // For the nodejs22.x runtime; the same files load on Node.js 20.
  target: 'node22',
  // The SDK's ES module builds (its packages' `module` field), not the CommonJS ones `main` names.
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'none',
  // ESM bundles need a require() for the few CommonJS modules left inside the SDK.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  plugins: [namedErrorsOnly()],
};

/**
 * Bundles `contents` (TypeScript, its imports found from the repository's root) as the function is
 * bundled, into `outdir`, for the benchmark and the tests to run code as the function runs it.
 * Returns the entry's path.
 */
export async function bundleAsTheFunction({ contents, sourcefile, outdir, root = process.cwd() }) {
  await build({
    stdin: { contents, resolveDir: root, sourcefile, loader: 'ts' },
    absWorkingDir: root,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    ...lambdaBundleOptions,
  });
  // Node loads the files as ES modules only when a package.json beside them says so.
  writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  return join(outdir, 'stdin.js');
}

/**
 * A client registers a class and a schema for every error its service models as it loads (RDS: 150,
 * 44% of its chunk; with DynamoDB's, 3 ms of a cold Create's CPU). In the bundle, the errors that
 * src/aws/sdk/ names stay registered, for the adapters that test them with instanceof or read their
 * members; any other arrives as the service's base exception with the same Code (Query protocol),
 * name (JSON protocols), message, $fault and $metadata: all that src/aws/call.ts reads to name it.
 */
function namedErrorsOnly() {
  const SCHEMAS = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/;
  // What the SDK generates for one modeled error.
  const REGISTRATION = /^n0_registry\.registerError\((\w+)\$, (\w+)\);\n/gm;
  return {
    name: 'named-errors-only',
    setup(build) {
      const named = namesExportedBy(join(build.initialOptions.absWorkingDir ?? process.cwd(), 'src/aws/sdk'));
      build.onLoad({ filter: SCHEMAS, namespace: 'file' }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        const all = text.match(/registerError\(/g)?.length ?? 0;
        const modeled = text.match(REGISTRATION)?.length ?? 0;
        // Besides the modeled errors, only the base exception registers: any other form means the
        // generated code changed and what is kept here must be looked at again.
        if (modeled === 0 || all !== modeled + 1) throw new UnexpectedSdkCodeError(args.path);
        const contents = text.replace(REGISTRATION, (line, _schema, error) => (named.has(error) ? line : ''));
        return { contents, loader: 'js' };
      });
    },
  };
}

/** Every name src/aws/sdk/*.ts re-exports from an SDK client package. */
function namesExportedBy(dir) {
  const names = new Set();
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const [, list = ''] of text.matchAll(/export\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-/g)) {
      for (const name of list.split(',')) if (name.trim()) names.add(name.trim());
    }
  }
  return names;
}

class UnexpectedSdkCodeError extends Error {
  constructor(path) {
    super(
      `${path}: its error registrations are not the one line per modeled error (n0_registry.registerError(Shape$, Class)) plus the base exception's that scripts/lambda-bundle.mjs expects; check it against this SDK version`,
    );
    this.name = 'UnexpectedSdkCodeError';
  }
}
