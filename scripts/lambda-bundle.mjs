// How the Lambda function's code is bundled: scripts/build.mjs writes dist/lambda/ with these options,
// and the lambda-cold benchmark builds its reference (the same AWS calls without the engine) with them
// too, so that the two differ only in what they contain.

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
};
