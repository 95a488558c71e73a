import type { BuildOptions } from 'esbuild';

/** esbuild options of the Lambda bundle, besides its entry, its output folder and its format (ESM). */
export declare const lambdaBundleOptions: BuildOptions;

/** Bundles `contents` (TypeScript) as the function is bundled, into `outdir`; returns the entry's path. */
export declare function bundleAsTheFunction(options: {
  contents: string;
  sourcefile: string;
  outdir: string;
  /** The repository's root, where imports are found from; default the current folder. */
  root?: string;
}): Promise<string>;
