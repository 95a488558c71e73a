// The package as its users get it: `npm pack` (which builds it), the tarball unpacked into an empty
// project's node_modules beside the dependencies it declares (linked from this checkout, so no
// registry is needed), then a strict NodeNext TypeScript consumer compiled against its declarations
// and a plain JavaScript consumer that starts the emulator from the package and provisions a clone
// through the library. Last, without dynalite (an optional dependency): the library still loads,
// and the emulator says what to install.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NAME = 'aurora-clone-manager';

interface PackResult {
  filename: string;
  files: { path: string }[];
}

interface LockEntry {
  dev?: boolean;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** What `npm install <tarball>` would put beside the package: every package of the lockfile that is not dev-only. */
function linkDependencies(nodeModules: string): void {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = path.replace(/^node_modules\//, '');
    if (!path.startsWith('node_modules/') || name.includes('/node_modules/') || entry.dev) continue;
    mkdirSync(dirname(join(nodeModules, name)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(nodeModules, name));
  }
}

/** The package names a built file imports (`@scope/pkg/sub` is `@scope/pkg`), node built-ins left out. */
function packagesImportedBy(text: string): string[] {
  const specs = [
    ...text.matchAll(/\bfrom\s*["']([^"'.][^"']*)["']/g),
    ...text.matchAll(/\bimport\s*\(\s*["']([^"'.][^"']*)["']\s*\)/g),
    ...text.matchAll(/\bimport\s*["']([^"'.][^"']*)["']/g),
    ...text.matchAll(/\)\s*\(\s*["']([^"'.][^"']*)["']\s*\)/g),
  ].map((m) => m[1] ?? '');
  const names = specs
    .filter((s) => !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) =>
      s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/'),
    );
  return [...new Set(names)].sort();
}

const TS_CONSUMER = `
import { type AwsConfig, AcmError, ManualClock, provisionClone, type ProvisionResult } from '${NAME}';
import { EmulatorDependencyError, type RunningEmulator, startEmulator } from '${NAME}/emulator';

const clock = new ManualClock();
const emulator: RunningEmulator = await startEmulator({ clock });
const aws: AwsConfig = { endpoint: emulator.url, region: 'us-east-1' };
const clone: ProvisionResult = await provisionClone({ sourceClusterId: 'prod', ttl: '8h' }, { aws, clock });
const port: number | undefined = clone.port;
const copied: boolean = clone.copyMade;
const dependency: AcmError = new EmulatorDependencyError('dynalite', new Error('missing'));
// @ts-expect-error sourceClusterId is required
await provisionClone({}, { aws });
// @ts-expect-error the result's fields are typed
const wrong: number = clone.clusterId;
// @ts-expect-error the emulator's options are typed
await startEmulator({ port: 'any' });
console.log(port, copied, dependency, wrong);
await emulator.stop();
`;

const TS_CONFIG = {
  compilerOptions: {
    strict: true,
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    target: 'ES2022',
    types: ['node'],
    noEmit: true,
    // The SDK's own declarations are large and not ours to check; ours are checked through their use.
    skipLibCheck: true,
  },
  files: ['consumer.ts'],
};

const JS_CONSUMER = `
import { AcmError, ManualClock, provisionClone } from '${NAME}';
import { startEmulator } from '${NAME}/emulator';

const clock = new ManualClock();
const emulator = await startEmulator({ clock });
try {
  emulator.createSourceCluster({ id: 'prod' });
  const aws = { endpoint: emulator.url, region: 'us-east-1' };
  const clone = await provisionClone({ sourceClusterId: 'prod', wait: true }, { aws, clock });
  const made = emulator.rds.cluster(clone.clusterId);
  console.log(JSON.stringify({ clusterId: clone.clusterId, status: clone.status, source: clone.sourceClusterId, inEmulator: made?.status, acmError: typeof AcmError }));
} finally {
  await emulator.stop();
}
`;

// Run after dynalite is gone: the library and the emulator's entry load; starting the emulator fails
// with the emulator's named error, which is the library's AcmError too (one class for both entries).
const WITHOUT_DYNALITE = `
import { AcmError, formatPlan } from '${NAME}';
const { startEmulator } = await import('${NAME}/emulator');
try {
  await startEmulator();
  console.log('started');
} catch (err) {
  console.log(JSON.stringify({ name: err.name, acmError: err instanceof AcmError, message: err.message, formatPlan: typeof formatPlan }));
}
`;

describe('the npm package', { timeout: 180_000 }, () => {
  let work: string;
  let project: string;
  let installed: string;
  let pack: PackResult;
  let manifest: {
    dependencies: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    bin: Record<string, string>;
  };
  // Hermetic: no AWS profile, no CA bundle, no options of this machine's user.
  const env = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: work });

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'acm-package-'));
    const packed = run('npm', ['pack', '--json', '--pack-destination', work], ROOT);
    assert.equal(packed.code, 0, `npm pack failed:\n${packed.stderr.slice(-3000)}`);
    [pack] = JSON.parse(packed.stdout) as [PackResult];
    project = join(work, 'project');
    installed = join(project, 'node_modules', NAME);
    mkdirSync(installed, { recursive: true });
    const untar = run(
      'tar',
      ['-xzf', join(work, pack.filename), '-C', installed, '--strip-components=1'],
      work,
    );
    assert.equal(untar.code, 0, untar.stderr);
    linkDependencies(join(project, 'node_modules'));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as typeof manifest;
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships what users need and no tests, benchmarks, CI scripts, sources or source maps', () => {
    const paths = pack.files.map((f) => f.path);
    for (const needed of [
      'LICENSE',
      'README.md',
      'package.json',
      'bin/aurora-clone-manager.js',
      'dist/index.js',
      'dist/emulator.js',
      'dist/cli.js',
      'dist/types/index.d.ts',
      'dist/types/emulator/index.d.ts',
      'dist/lambda/index.js',
      'dist/lambda/package.json',
      'infra/template.yaml',
    ]) {
      assert.ok(paths.includes(needed), `${needed} is missing from the tarball`);
    }
    const unwanted = paths.filter(
      (p) => /^(test|bench|scripts|src|\.ci)\//.test(p) || /\.(map|tmp|ts)$/.test(p.replace(/\.d\.ts$/, '')),
    );
    assert.deepEqual(unwanted, []);
    assert.match(
      readFileSync(join(installed, 'LICENSE'), 'utf8'),
      /Apache License\s+Version 2\.0, January 2004/,
    );
    assert.ok(paths.includes(manifest.bin[NAME] ?? ''), 'the bin entry points into the tarball');
  });

  it('imports only the packages it declares', () => {
    // Peer dependencies are the user's (aws-cdk-lib for the cdk entry): declared, not installed by us.
    const declared = new Set([
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const imported = ['dist', 'dist/chunks'].flatMap((dir) =>
      readdirSync(join(installed, dir))
        .filter((f) => f.endsWith('.js'))
        .flatMap((f) => packagesImportedBy(readFileSync(join(installed, dir, f), 'utf8'))),
    );
    assert.deepEqual(
      [...new Set(imported)].filter((p) => !declared.has(p)),
      [],
    );
  });

  it('ships a Lambda bundle that loads with no node_modules anywhere, chunks included', () => {
    // Lambda's /var/task: the bundle's folder and nothing else.
    const task = join(work, 'task');
    cpSync(join(installed, 'dist', 'lambda'), task, { recursive: true });
    const probe = `
      const { readdirSync } = await import('node:fs');
      const files = readdirSync('.').filter((f) => f.endsWith('.js'));
      for (const f of files) await import('./' + f);
      const { handler } = await import('./index.js');
      console.log(files.length, typeof handler);`;
    const r = run(process.execPath, ['--input-type=module', '-e', probe], task, env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^\d+ function$/);
  });

  it('compiles a strict NodeNext TypeScript consumer of both entries', () => {
    writeFileSync(join(project, 'consumer.ts'), TS_CONSUMER);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TS_CONFIG));
    mkdirSync(join(project, 'node_modules', '@types'), { recursive: true });
    symlinkSync(
      join(ROOT, 'node_modules', '@types', 'node'),
      join(project, 'node_modules', '@types', 'node'),
    );
    const tsc = run(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
      project,
    );
    assert.equal(tsc.code, 0, tsc.stdout + tsc.stderr);
  });

  it('runs a JavaScript consumer: the emulator from the package, a clone through the library, nothing on stderr', () => {
    writeFileSync(join(project, 'consumer.mjs'), JS_CONSUMER);
    const r = run(process.execPath, ['consumer.mjs'], project, env());
    assert.equal(r.code, 0, r.stderr);
    // No SDK notice about Node.js versions, no warning: a library prints nothing of its own.
    assert.equal(r.stderr, '');
    const out = JSON.parse(r.stdout) as Record<string, string>;
    assert.equal(out.source, 'prod');
    assert.equal(out.status, 'available');
    assert.equal(out.inEmulator, 'available');
    assert.equal(out.acmError, 'function');
  });

  it('without dynalite, the library and --help work and the emulator says what to install', () => {
    rmSync(join(project, 'node_modules', 'dynalite'));
    writeFileSync(join(project, 'without-dynalite.mjs'), WITHOUT_DYNALITE);
    const lib = run(process.execPath, ['without-dynalite.mjs'], project, env());
    assert.equal(lib.code, 0, lib.stderr);
    const failure = JSON.parse(lib.stdout) as Record<string, unknown>;
    assert.equal(failure.name, 'EmulatorDependencyError');
    assert.equal(failure.acmError, true);
    assert.equal(failure.formatPlan, 'function');
    assert.match(String(failure.message), /npm install dynalite/);

    const bin = join(installed, manifest.bin[NAME] ?? '');
    const help = run(process.execPath, [bin, '--help'], project, env());
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: aurora-clone-manager/m);
    const emulator = run(process.execPath, [bin, 'emulator', '--port', '0'], project, env());
    assert.equal(emulator.code, 1, emulator.stdout + emulator.stderr);
    assert.match(emulator.stderr, /optional package dynalite.*npm install dynalite/);
  });
});
