// `aurora-clone-manager/cdk` stands apart: the library entry and the Lambda load nothing of it (nor
// aws-cdk-lib, a peer dependency only CDK users have), and it loads no AWS SDK client, engine or
// emulator, only the rules and names it shares with the function. Read from what esbuild bundles.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { build } from 'esbuild';
import { repoRoot } from '../infra/cfn.ts';

async function loaded(entry: string): Promise<{ files: string[]; packages: string[] }> {
  const { metafile } = await build({
    entryPoints: [entry],
    absWorkingDir: repoRoot,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: 'out.js',
    logLevel: 'silent',
  });
  const packages = Object.values(metafile.outputs).flatMap((o) =>
    o.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path.split('/')[0]!),
  );
  return { files: Object.keys(metafile.inputs), packages: [...new Set(packages)].sort() };
}

const CDK = (p: string) => p === 'aws-cdk-lib' || p === 'constructs';

describe('package entries', () => {
  test('the library entry and the Lambda load neither src/cdk nor aws-cdk-lib', async () => {
    for (const entry of ['src/index.ts', 'src/lambda/index.ts']) {
      const { files, packages } = await loaded(entry);
      assert.ok(files.includes('src/engine/api.ts'), `${entry}: the walk should reach the engine`);
      assert.deepEqual(
        files.filter((f) => f.startsWith('src/cdk/')),
        [],
        entry,
      );
      assert.deepEqual(packages.filter(CDK), [], entry);
    }
  });

  test('the cdk entry loads aws-cdk-lib and constructs, no SDK client, engine or emulator', async () => {
    const { files, packages } = await loaded('src/cdk/index.ts');
    assert.deepEqual(packages, ['aws-cdk-lib', 'constructs']);
    assert.deepEqual(
      files.filter((f) => /^src\/(aws|engine|emulator|executor|planner|inventory|lease)\//.test(f)),
      [],
    );
    assert.ok(files.includes('src/validation/provision.ts'), 'the request rules are the library’s');
  });
});
