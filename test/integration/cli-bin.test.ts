// The published command as a user runs it: `node bin/aurora-clone-manager.js …` in a child process,
// from the esbuild output (as `npm ci` builds it through `prepare`; rebuilt here when src/ is newer).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RDSClient, RestoreDBClusterToPointInTimeCommand } from '@aws-sdk/client-rds';
import { startEmulator } from '../../src/emulator/index.ts';
import type { PoolStatus } from '../../src/model/api.ts';
import { ensureBuilt } from '../helpers/built.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Spawn, not spawnSync: the emulator in this process must keep answering while the child runs. */
function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // The child sees only the endpoints a test gives it, not the ones of the shell running the tests.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_ENDPOINT_URL')),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...base, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the aurora-clone-manager binary', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;

  before(async () => {
    ensureBuilt();
    emulator = await startEmulator({ port: 0 });
    await emulator.createSourceCluster({ id: 'bin-src' });
  });
  after(async () => {
    await emulator?.stop();
  });

  it('--version prints the package version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
    const r = await run(['bin/aurora-clone-manager.js', '--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${pkg.version}\n`);
  });

  it('a bad flag sets exit status 2 with one line on stderr', async () => {
    const r = await run(['bin/aurora-clone-manager.js', 'status', '--source', 'x', '--target', '3']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^aurora-clone-manager: --target: unknown option for "status" [^\n]*\n$/);
  });

  it('status --json reads the endpoint from AWS_ENDPOINT_URL and prints one JSON document', async () => {
    const r = await run(['bin/aurora-clone-manager.js', 'status', '--source', 'bin-src', '--json'], {
      AWS_ENDPOINT_URL: emulator.url,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'nothing on stderr: no SDK notice, no progress when not a terminal');
    const pool = JSON.parse(r.stdout) as PoolStatus;
    assert.equal(pool.root.clusterId, 'bin-src');
    assert.equal(pool.freeCapacity, 15);
  });

  it('separate processes of three deployments next to hand-made clones: none over the limit, no silent full copy', async () => {
    // Prepare: 3 clones made by hand (AWS CLI style, untagged) on a source of 5 slots.
    const env = {
      AWS_ENDPOINT_URL: emulator.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };
    await emulator.createSourceCluster({ id: 'shared-src' });
    const rds = new RDSClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    for (const id of ['hand-1', 'hand-2', 'hand-3']) {
      await rds.send(
        new RestoreDBClusterToPointInTimeCommand({
          DBClusterIdentifier: id,
          SourceDBClusterIdentifier: 'shared-src',
          RestoreType: 'copy-on-write',
          UseLatestRestorableTime: true,
        }),
      );
    }
    // Act: 9 CLI processes at once, three manager ids, one shared lease table (the default name).
    const runs = await Promise.all(
      ['stack-a', 'stack-b', 'laptop'].flatMap((managerId) =>
        [1, 2, 3].map(() =>
          run(
            [
              'bin/aurora-clone-manager.js',
              'clone',
              '--source',
              'shared-src',
              '--max-clones-per-source',
              '5',
              '--manager-id',
              managerId,
              '--json',
            ],
            env,
          ),
        ),
      ),
    );
    // Assess
    assert.deepEqual(
      runs.filter((r) => r.code !== 0).map((r) => r.stderr),
      [],
    );
    assert.equal(emulator.stats().rds.accidentalFullCopies, 0);
    const sources = runs.map((r) => (JSON.parse(r.stdout) as { sourceClusterId: string }).sourceClusterId);
    assert.equal(
      sources.filter((s) => s === 'shared-src').length,
      2,
      'the root had 2 slots left after the hand-made 3',
    );
  });
});
