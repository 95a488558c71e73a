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
