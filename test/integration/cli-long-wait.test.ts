// A long wait in CI: `clone --wait` with stderr piped (as in every CI log) prints a line at least every
// heartbeat with the phase, the time elapsed and what is typical; Ctrl-C says what is left in AWS.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeDBClustersCommand, type RDSClient } from '@aws-sdk/client-rds';
import { startEmulator } from '../../src/emulator/index.ts';
import { spawnCli } from '../helpers/cli-process.ts';
import { rdsClient } from './emulator-rds-harness.ts';

describe('a long clone --wait outside a terminal', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let rds: RDSClient;

  before(async () => {
    // AWS-like durations 200× faster: a clone is ~4 s (5 min volume, 8 min writer on AWS).
    emulator = await startEmulator({ port: 0, awsTimings: true, timeScale: 0.005 });
    emulator.createSourceCluster({ id: 'slow' });
    rds = rdsClient(emulator);
  });
  after(async () => {
    rds?.destroy();
    await emulator?.stop();
  });

  it('prints a heartbeat line with phase, elapsed time and what is typical, then the result', async () => {
    const { done } = spawnCli(
      ['clone', '--source', 'slow', '--cluster-id', 'slow-beat', '--wait', '--endpoint-url', emulator.url],
      {
        ACM_HEARTBEAT_SECONDS: '1',
      },
    );
    const run = await done;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Clone slow-beat is ready\./);
    const beats = run.stderr.split('\n').filter((l) => l.includes('still working: clone slow-beat'));
    assert.ok(beats.length >= 2, `expected heartbeats, got:\n${run.stderr}`);
    assert.match(beats[0]!, /\(\d+s elapsed, \d+s in this phase; clone: typically 10-15 min on AWS/);
    // No terminal control characters in a log.
    assert.ok(!run.stderr.includes('\r') && !run.stderr.includes('\u001b'), 'no terminal control characters');
  });

  it('Ctrl-C says the clone is still being created and how to follow or delete it; exit 130', async () => {
    const { child, done } = spawnCli(
      ['clone', '--source', 'slow', '--cluster-id', 'slow-int', '--wait', '--endpoint-url', emulator.url],
      {
        ACM_HEARTBEAT_SECONDS: '1',
      },
    );
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (c) => {
        stderr += c;
        if (/… clone slow-int: writer slow-int-writer requested/.test(stderr)) resolve();
      });
    });
    child.kill('SIGINT');
    const run = await done;
    assert.equal(run.code, 130);
    const expected = `interrupted: clone slow-int is still being created in AWS and runs (and is billed) until deleted. Follow it: aurora-clone-manager get slow-int --endpoint-url ${emulator.url}; delete it: aurora-clone-manager delete slow-int --endpoint-url ${emulator.url}\n`;
    assert.ok(run.stderr.endsWith(expected), run.stderr);
    const left = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'slow-int' }));
    assert.equal(left.DBClusters?.length, 1, 'the clone the message names exists');
  });
});

describe('--wait-timeout', () => {
  it('gives up waiting with exit 1 and keeps the clone, which goes on being made', async () => {
    const emulator = await startEmulator({ port: 0, awsTimings: true, timeScale: 0.01 });
    try {
      emulator.createSourceCluster({ id: 'slow' });
      const { done } = spawnCli([
        'clone',
        '--source',
        'slow',
        '--cluster-id',
        'slow-timeout',
        '--wait',
        '--wait-timeout',
        '2s',
        '--endpoint-url',
        emulator.url,
      ]);
      const run = await done;
      assert.equal(run.code, 1);
      assert.match(run.stderr, /clone slow-timeout is kept and goes on being made/);
      const rds = rdsClient(emulator);
      const left = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'slow-timeout' }));
      rds.destroy();
      assert.notEqual(left.DBClusters?.[0]?.Status, 'deleting');
    } finally {
      await emulator.stop();
    }
  });
});

describe('Ctrl-C at the awkward moments', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let rds: RDSClient;

  before(async () => {
    // Every call takes ~400 ms, so a signal lands between two calls.
    emulator = await startEmulator({ port: 0, faults: { latencyMs: 400, jitterMs: 0 } });
    emulator.createSourceCluster({ id: 'src' });
    rds = rdsClient(emulator);
  });
  after(async () => {
    rds?.destroy();
    await emulator?.stop();
  });

  /** Starts `clone`, sends SIGINT once stderr matches `when`, and returns what it printed. */
  async function interruptWhen(args: string[], when: RegExp) {
    const { child, done } = spawnCli(['clone', '--source', 'src', '--endpoint-url', emulator.url, ...args]);
    let stderr = '';
    let sent = false;
    child.stderr!.on('data', (c) => {
      stderr += c;
      if (!sent && when.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    return done;
  }

  it('after the restore, before the writer: names the clone, says it cannot become usable, and how to remove it', async () => {
    const run = await interruptWhen(['--cluster-id', 'half-made'], /… clone half-made: restore requested/);
    assert.equal(run.code, 130);
    assert.match(
      run.stderr,
      /interrupted: clone half-made was restored but its writer instance was not asked for: it cannot become usable as it is and holds a clone slot; delete it: aurora-clone-manager delete half-made --endpoint-url http:\/\/127\.0\.0\.1:\d+ \(maintenance removes it after 15 minutes otherwise\)\n$/,
    );
    const c = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'half-made' })))
      .DBClusters?.[0];
    assert.equal(c?.DBClusterMembers?.length ?? 0, 0, 'the message told the truth: no writer');
  });

  it('while it holds the lease and has asked nothing: gives the lease back, so the next request does not wait out its TTL', async () => {
    // --debug shows the lease being taken: the second UpdateItem on the lease table (the first puts
    // the request in the lease's queue).
    const run = await interruptWhen(
      ['--cluster-id', 'never', '--debug'],
      /"call":"DynamoDB\.UpdateItem"[\s\S]*"call":"DynamoDB\.UpdateItem"/,
    );
    assert.equal(run.code, 130);
    assert.match(run.stderr, /interrupted: nothing was asked of AWS yet \(the lease on src was given back\)/);
    const ddb = new DynamoDBClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    });
    const item = await ddb.send(
      new GetItemCommand({ TableName: 'aurora-clone-manager-leases', Key: { pk: { S: 'root#src' } } }),
    );
    ddb.destroy();
    assert.equal(item.Item?.owner, undefined, 'nobody holds the lease');
    const made = (await rds.send(new DescribeDBClustersCommand({}))).DBClusters?.map(
      (x) => x.DBClusterIdentifier,
    );
    assert.ok(!made?.includes('never'));
  });
});
