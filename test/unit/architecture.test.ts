// The shape the code keeps (README "Layout"): edges reach AWS only through the engine's API, the
// planner stays below the engine, and SDK clients exist only in the adapters.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const SRC = join(import.meta.dirname, '../../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Each file's imports, as folders under src/ (`engine`, `aws` …) or package names. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(
    (m) => m[1] ?? '',
  );
  return specs.map((spec) => {
    if (!spec.startsWith('.')) return spec;
    const target = relative(SRC, join(file, '..', spec));
    return target.split('/')[0] ?? target;
  });
}

function offenders(folder: string, banned: (imported: string) => boolean): string[] {
  return filesUnder(join(SRC, folder)).flatMap((file) =>
    importsOf(file)
      .filter(banned)
      .map((imported) => `${relative(SRC, file)} imports ${imported}`),
  );
}

describe('layout', () => {
  it('the CLI and the Lambda import nothing from aws/, inventory/, executor/ or lease/', () => {
    const inner = (i: string) => ['aws', 'inventory', 'executor', 'lease'].includes(i);
    assert.deepEqual([...offenders('cli', inner), ...offenders('lambda', inner)], []);
  });

  it('the planner imports nothing from the engine, the executor or the adapters', () => {
    assert.deepEqual(
      offenders('planner', (i) => ['engine', 'executor', 'aws', 'lease', 'inventory'].includes(i)),
      [],
    );
  });

  it('only the adapters use the AWS SDK', () => {
    const sdk = (i: string) => i.startsWith('@aws-sdk/') || i.startsWith('@smithy/');
    const outside = readdirSync(SRC)
      .filter((d) => d !== 'aws' && statSync(join(SRC, d)).isDirectory())
      .flatMap((d) => offenders(d, sdk));
    assert.deepEqual(outside, []);
  });
});

/** What a file loads when it runs: static imports other than `import type`, and dynamic imports. */
function valueImportsOf(file: string): { spec: string; dynamic: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const statics = [
    ...text.matchAll(/^(?:import|export)\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^import\s+['"]([^'"]+)['"]/gm),
  ].map((m) => ({ spec: m[1] ?? '', dynamic: false }));
  const dynamics = [...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => ({
    spec: m[1] ?? '',
    dynamic: true,
  }));
  return [...statics, ...dynamics];
}

/** Every source file `entry` loads, directly or through others (static and dynamic imports). */
function reachableFrom(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { spec } of valueImportsOf(file)) if (spec.startsWith('.')) visit(join(file, '..', spec));
  };
  visit(join(SRC, entry));
  return [...seen].map((f) => relative(SRC, f)).sort();
}

describe('package entries', () => {
  it('the library entry (src/index.ts) loads neither the emulator nor dynalite', () => {
    const files = reachableFrom('index.ts');
    assert.ok(files.includes('engine/api.ts'), 'the walk should reach the engine');
    assert.deepEqual(
      files.filter((f) => f.startsWith('emulator/')),
      [],
    );
    assert.deepEqual(
      files.filter((f) => /['"]dynalite['"]/.test(readFileSync(join(SRC, f), 'utf8'))),
      [],
    );
  });

  it('SDK client modules load on first use: only src/aws/sdk/ imports them, and only dynamically', () => {
    const all = filesUnder(SRC);
    const sdkFolder = `${join(SRC, 'aws', 'sdk')}/`;
    const offending = all.flatMap((file) =>
      valueImportsOf(file).flatMap(({ spec, dynamic }) => {
        const at = relative(SRC, file);
        const target = spec.startsWith('.') ? join(file, '..', spec) : undefined;
        if (target?.startsWith(sdkFolder) && !dynamic) return [`${at} imports ${spec} statically`];
        if (spec.startsWith('@aws-sdk/client-') && !file.startsWith(sdkFolder))
          return [`${at} imports ${spec}`];
        const sdk = spec.startsWith('@aws-sdk/') || spec.startsWith('@smithy/');
        if (sdk && dynamic && !file.startsWith(`${join(SRC, 'aws')}/`)) return [`${at} loads ${spec}`];
        return [];
      }),
    );
    assert.deepEqual(offending, []);
  });
});

describe('the unit tests', () => {
  it('keep beforeEach and afterEach inside a describe: they share one process (scripts/import-tests.mjs)', () => {
    const unit = join(import.meta.dirname);
    const offending = filesUnder(unit)
      .filter((file) => file.endsWith('.test.ts'))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, i) =>
            /^(beforeEach|afterEach)\(/.test(line) ? [`${relative(unit, file)}:${i + 1}`] : [],
          ),
      );
    assert.deepEqual(offending, []);
  });
});
