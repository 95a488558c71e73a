// Types of ./declarations.mjs for the TypeScript tests that ask whether the build's declarations
// are current.
export declare const DECLARATIONS_STAMP: string;
/** True when dist/types is missing or older than a source it is made from. */
export declare function declarationsStale(): Promise<boolean>;
