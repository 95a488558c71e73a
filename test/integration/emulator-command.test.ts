// `aurora-clone-manager emulator` as a process: the URL is the first stdout line, it serves, and
// SIGTERM/SIGINT stop it with exit status 0. Run as the published command.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { emulatorCommand } from '../../src/cli/commands/emulator.ts';
import { CLI_BIN, ensureBuilt } from '../helpers/built.ts';

function startCommand(args: string[]): {
  child: ChildProcess;
  firstLine: Promise<string>;
  exit: Promise<number | null>;
} {
  ensureBuilt();
  const child = spawn(process.execPath, [CLI_BIN, 'emulator', ...args], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: child.stdout! });
  const firstLine = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited (${code}) before printing its URL`)));
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, firstLine, exit };
}

const client = (url: string) =>
  new RDSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });

describe('emulator command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acm-emulator-cmd-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`prints the URL first, serves RDS, exits 0 on ${signal}; --state keeps the seeded source`, async () => {
      // Prepare / Act
      const state = join(dir, `${signal}.json`);
      const run = startCommand(['--port', '0', '--seed-source', 'Prod', '--state', state]);
      const url = await run.firstLine;

      // Assess
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const clusters = (await client(url).send(new DescribeDBClustersCommand({}))).DBClusters!;
      assert.deepEqual(
        clusters.map((c) => [c.DBClusterIdentifier, c.Status]),
        [['prod', 'available']],
      );
      run.child.kill(signal);
      assert.equal(await run.exit, 0);

      // The state file brings the source back in a new process, which does not create it twice.
      const again = startCommand(['--port', '0', '--seed-source', 'prod', '--state', state]);
      const url2 = await again.firstLine;
      const back = (await client(url2).send(new DescribeDBClustersCommand({}))).DBClusters!;
      assert.deepEqual(
        back.map((c) => c.DBClusterArn),
        clusters.map((c) => c.DBClusterArn),
      );
      again.child.kill('SIGTERM');
      assert.equal(await again.exit, 0);
    });
  }

  test('unknown flags and bad values: one line naming the problem, exit status 2', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) };
    assert.equal(await emulatorCommand(['--prot', '4510'], io), 2);
    assert.equal(err.length, 1);
    assert.match(err[0]!, /unknown option --prot/);
    assert.equal(out.length, 0);
    assert.equal(await emulatorCommand(['--throttle-rate', '1.5'], io), 2);
    assert.match(err[1]!, /--throttle-rate must be between 0 and 1/);
    assert.equal(await emulatorCommand(['--port'], io), 2);
    assert.match(err[2]!, /--port needs a value/);
  });

  test('--help prints usage and exits 0; the in-process form stops on an abort signal', async () => {
    const out: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: () => {} };
    assert.equal(await emulatorCommand(['--help'], io), 0);
    assert.match(out.join(''), /--seed-source ID/);

    const stop = new AbortController();
    const lines: string[] = [];
    const running = emulatorCommand(
      ['--port=0', '--clone-limit', '3', '--max-clusters', '5', '--aws-timings'],
      {
        stdout: (s) => {
          lines.push(s);
          stop.abort();
        },
        stderr: () => {},
      },
      stop.signal,
    );
    assert.equal(await running, 0);
    assert.match(lines[0]!, /^http:\/\/127\.0\.0\.1:\d+\n$/);
  });
});
