// The package's type declarations (tsconfig.build.json), in memory: tsc without checking types again
// (`npm run typecheck` does that). They take seconds, the SDK's declarations being part of the program,
// and tests build often with nothing changed, so they are made only when a source is newer.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';

const PROJECT = 'tsconfig.build.json';
/** Written last by the build, so its time says when the last complete set was written. */
export const DECLARATIONS_STAMP = 'dist/types/index.d.ts';

export async function declarationsStale() {
  const written = await stat(DECLARATIONS_STAMP).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
  if (written === undefined) return true;
  const inputs = ['tsconfig.json', PROJECT, 'scripts/declarations.mjs', ...(await filesUnder('src'))];
  const times = await Promise.all(inputs.map(async (f) => (await stat(f)).mtimeMs));
  return times.some((t) => t > written);
}

/**
 * Every declaration file, as { path, text }. tsc keeps the sources' `.ts` import specifiers;
 * TypeScript before 5.0 and other readers of .d.ts files reject them, so they get the `.js` paths
 * every published package has.
 */
export function declarations() {
  const config = ts.getParsedCommandLineOfConfigFile(
    PROJECT,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(`${PROJECT}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      },
    },
  );
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const files = [];
  const jsSpecifiers = (text) =>
    text.replace(/((?:from|import\()\s*['"]\.\.?\/[^'"]*?)\.ts(['"])/g, '$1.js$2');
  const result = program.emit(
    undefined,
    (path, text) => files.push({ path, text: jsSpecifiers(text) }),
    undefined,
    true,
  );
  const errors = [...config.errors, ...result.diagnostics];
  if (result.emitSkipped || errors.length > 0 || files.length === 0) {
    const host = {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => process.cwd(),
      getNewLine: () => '\n',
    };
    throw new Error(`declarations (${PROJECT}) failed:\n${ts.formatDiagnostics(errors, host)}`);
  }
  return files;
}

async function filesUnder(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
