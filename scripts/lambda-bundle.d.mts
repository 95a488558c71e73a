import type { BuildOptions } from 'esbuild';

/** esbuild options of the Lambda bundle, besides its entry, its output folder and its format (ESM). */
export declare const lambdaBundleOptions: BuildOptions;
