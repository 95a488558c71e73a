// The commands a team uses every day, against the emulator, as a user sees them: list across
// sources, get, connection details sourced by a shell, extend, delete of a mistyped id, typos.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ListTagsForResourceCommand,
  type RDSClient,
  RestoreDBClusterToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import { startEmulator } from '../../src/emulator/index.ts';
import type { CloneDescription, CloneDetails, PoolStatus } from '../../src/model/api.ts';
import { clusterList, errorLine, jsonOf, runCli } from './cli-harness.ts';
import { rdsClient } from './emulator-rds-harness.ts';

describe('daily CLI use', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let at: string[];
  let rds: RDSClient;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    emulator.createSourceCluster({ id: 'orders', masterUsername: 'app', databaseName: 'orders' });
    emulator.createSourceCluster({ id: 'billing' });
    at = ['--endpoint-url', emulator.url];
    rds = rdsClient(emulator);
    const clone = async (source: string, id: string, owner: string) => {
      const r = await runCli([
        'clone',
        '--source',
        source,
        '--cluster-id',
        id,
        '--owner',
        owner,
        '--ttl',
        '8h',
        '--wait',
        ...at,
      ]);
      assert.equal(r.code, 0, r.stderr);
    };
    await clone('orders', 'orders-alice', 'alice');
    await clone('orders', 'orders-bob', 'bob');
    await clone('billing', 'billing-alice', 'alice');
    // A clone made by hand next to the manager's: not the manager's to list.
    await rds.send(
      new RestoreDBClusterToPointInTimeCommand({
        DBClusterIdentifier: 'orders-by-hand',
        SourceDBClusterIdentifier: 'orders',
        RestoreType: 'copy-on-write',
        UseLatestRestorableTime: true,
      }),
    );
  });
  after(async () => {
    rds?.destroy();
    await emulator?.stop();
  });

  it('list shows every clone of every source, not the hand-made one, with owner, expiry and endpoint', async () => {
    const r = await runCli(['list', ...at]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(
      lines[0]!,
      /^CLUSTER\s+ROLE\s+SOURCE\s+STATUS\s+OWNER\s+DATA TIMESTAMP\s+EXPIRES\s+ENDPOINT$/,
    );
    assert.deepEqual(
      lines
        .slice(1)
        .filter((l) => !l.startsWith('-'))
        .map((l) => l.split(/\s+/)[0]),
      ['billing-alice', 'orders-alice', 'orders-bob'],
    );
    assert.match(
      r.stdout,
      /orders-bob\s+clone\s+orders\s+available\s+bob\s+\S+ \S+\s+\S+ \S+\s+orders-bob\.cluster-/,
    );
    assert.doesNotMatch(r.stdout, /orders-by-hand/);
  });

  it('list filters by owner and by source; --output text is one tab-separated line per cluster', async () => {
    const mine = await runCli(['list', '--owner', 'alice', '--output', 'text', ...at]);
    assert.equal(mine.code, 0, mine.stderr);
    const rows = mine.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));
    assert.deepEqual(
      rows.map((r) => [r[0], r[1], r[2], r[4]]),
      [
        ['billing-alice', 'clone', 'billing', 'alice'],
        ['orders-alice', 'clone', 'orders', 'alice'],
      ],
    );
    const orders = jsonOf(
      await runCli(['list', '--source', 'orders', '--json', ...at]),
    ) as CloneDescription[];
    assert.deepEqual(
      orders.map((c) => c.clusterId),
      ['orders-alice', 'orders-bob'],
    );
    const byRequest = jsonOf(
      await runCli(['list', '--request-key', orders[1]?.requestKey ?? '', '--json', ...at]),
    ) as CloneDescription[];
    assert.deepEqual(
      byRequest.map((c) => c.clusterId),
      ['orders-bob'],
    );
  });

  it('get --output env prints connection details a shell can source', async () => {
    const r = await runCli(['get', 'orders-alice', '--output', 'env', ...at]);
    assert.equal(r.code, 0, r.stderr);
    const file = join(mkdtempSync(join(tmpdir(), 'acm-env-')), 'clone.env');
    writeFileSync(file, r.stdout);
    const seen = execFileSync(
      'bash',
      // As the help says: with set -a the variables reach the programs the shell starts (psql here).
      [
        '-c',
        `set -eu; set -a; . "${file}"; set +a; bash -c 'echo "$PGHOST|$PGPORT|$PGUSER|$PGDATABASE|$ACM_CLUSTER_ID"'`,
      ],
      {
        encoding: 'utf8',
      },
    );
    const details = jsonOf(await runCli(['get', 'orders-alice', '--json', ...at])) as CloneDetails;
    assert.equal(seen.trim(), `${details.endpoint}|${details.port}|app|orders|orders-alice`);
    assert.equal(details.ready, true);
  });

  it('clone --output env prints the new clone’s connection details', async () => {
    const r = await runCli([
      'clone',
      '--source',
      'billing',
      '--cluster-id',
      'billing-ci',
      '--wait',
      '--output',
      'env',
      ...at,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^PGHOST=billing-ci\.cluster-\S+\nPGPORT=\d+\nPGUSER=\S+\n/);
    assert.match(r.stdout, /\nACM_CLUSTER_ID=billing-ci\n/);
  });

  it('--output env is refused where there is no one clone to describe', async () => {
    const r = await runCli(['list', '--output', 'env', ...at]);
    assert.equal(r.code, 2);
    assert.match(errorLine(r), /--output: env prints one clone's connection details: only for clone and get/);
  });

  it('extend moves the expiry tag, never earlier, and refuses the root', async () => {
    const tagsOf = async (id: string) =>
      Object.fromEntries(
        (
          (
            await rds.send(
              new ListTagsForResourceCommand({
                ResourceName: `arn:aws:rds:us-east-1:000000000000:cluster:${id}`,
              }),
            )
          ).TagList ?? []
        ).map((t) => [t.Key, t.Value]),
      );
    const before = (await tagsOf('orders-bob'))['aurora-clone-manager:expires-at'];
    const r = await runCli(['extend', 'orders-bob', '--ttl', '3d', ...at]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Clone orders-bob now expires /);
    const after = (await tagsOf('orders-bob'))['aurora-clone-manager:expires-at'];
    assert.ok(
      before && after && Date.parse(after) - Date.parse(before) > 2 * 86_400_000,
      `${before} → ${after}`,
    );
    const shorter = await runCli(['extend', 'orders-bob', '--ttl', '1h', ...at]);
    assert.equal(shorter.code, 0, shorter.stderr);
    assert.match(shorter.stdout, /already expires .* later than asked: unchanged/);
    assert.equal((await tagsOf('orders-bob'))['aurora-clone-manager:expires-at'], after);
    const root = await runCli(['extend', 'orders', '--ttl', '1d', ...at]);
    assert.equal(root.code, 1);
    assert.match(errorLine(root), /refusing to touch cluster orders/);
  });

  it('delete of a mistyped id fails (exit 1) unless --ignore-missing; nothing is deleted', async () => {
    const before = await clusterList(emulator.url);
    const typo = await runCli(['delete', 'orders-alcie', ...at]);
    assert.equal(typo.code, 1);
    assert.match(errorLine(typo), /orders-alcie/);
    const ignored = await runCli(['delete', 'orders-alcie', '--ignore-missing', ...at]);
    assert.equal(ignored.code, 0, ignored.stderr);
    assert.match(ignored.stdout, /already gone/);
    assert.deepEqual(await clusterList(emulator.url), before);
  });

  it('suggests the command or flag that was meant', async () => {
    const command = await runCli(['clnoe', '--source', 'orders']);
    assert.equal(command.code, 2);
    assert.match(errorLine(command), /unknown command "clnoe"; did you mean clone\?/);
    const flag = await runCli(['clone', '--sorce', 'orders', ...at]);
    assert.equal(flag.code, 2);
    assert.match(errorLine(flag), /--sorce: unknown option for "clone"; did you mean --source\?/);
  });

  /** maintain billing with no floor and these warm clones. */
  const maintainWarm = (warm: string, ...more: string[]) =>
    runCli(['maintain', '--source', 'billing', '--target-slots', '0', '--warm-clones', warm, ...more, ...at]);

  it('maintain --warm-clones takes a number or demand, and names anything else', async () => {
    const bad = await maintainWarm('lots');
    assert.equal(bad.code, 2);
    assert.equal(
      errorLine(bad),
      'aurora-clone-manager: --warm-clones: "lots" is not a whole number or "demand"',
    );
    const demand = await maintainWarm('demand', '--dry-run', '--json');
    assert.equal(demand.code, 0, demand.stderr);
    assert.match(demand.stdout, /warmClones demand: \d+ wanted/);
  });

  it('maintain --warm-clones keeps clones ready; the next clone claims one in seconds and says so', async () => {
    const made = await maintainWarm('2');
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^billing: warm clones made billing-warm-\S+-1, billing-warm-\S+-2$/m);
    // A warm clone can take a name once it is available (a few hundred ms here, ~13 min on AWS).
    for (let i = 0; i < 100; i++) {
      const pool = jsonOf(await runCli(['status', '--source', 'billing', '--json', ...at])) as PoolStatus;
      if (pool.clones.filter((c) => c.warm && c.status === 'available').length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const status = await runCli(['status', '--source', 'billing', ...at]);
    assert.match(status.stdout, /\(warm, idle [\d.]+ instance-h\)/);
    assert.match(status.stdout, /2 warm clones ready to claim \(idle so far: [\d.]+ instance-hours\)/);
    const claimed = await runCli([
      'clone',
      '--source',
      'billing',
      '--cluster-id',
      'billing-pr-1',
      '--wait',
      ...at,
    ]);
    assert.equal(claimed.code, 0, claimed.stderr);
    assert.match(claimed.stdout, /^ {2}warm clone claimed +billing-warm-\S+$/m);
    assert.match(claimed.stdout, /^ {2}endpoint +billing-pr-1\.cluster-/m);
    assert.match(
      claimed.stderr,
      /note: this request claimed warm clone billing-warm-\S+; a deployed stack tops its pool up by itself, otherwise run: aurora-clone-manager maintain --source billing/,
    );
  });

  it('a clone that leaves its source under 5 free slots says so, and how to top up that deployment’s pool', async () => {
    // Prepare: a source with 10 clones made by hand, so the CLI's is the 11th of 15
    emulator.createSourceCluster({ id: 'ledger' });
    for (let i = 1; i <= 10; i++) {
      await rds.send(
        new RestoreDBClusterToPointInTimeCommand({
          DBClusterIdentifier: `ledger-by-hand-${i}`,
          SourceDBClusterIdentifier: 'ledger',
          RestoreType: 'copy-on-write',
          UseLatestRestorableTime: true,
        }),
      );
    }
    // Act
    const r = await runCli([
      'clone',
      '--source',
      'ledger',
      '--cluster-id',
      'ledger-ci',
      '--manager-id',
      'ledger-team',
      ...at,
    ]);
    // Assess
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /note: ledger has 4 free clone slots left \(under 5\); a deployed stack tops its pool up by itself, otherwise run: aurora-clone-manager maintain --source ledger --target-slots 10 --endpoint-url \S+ --manager-id ledger-team\n/,
    );
  });

  it('emulator -h shows its help and exits 0', async () => {
    const r = await runCli(['emulator', '-h']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: aurora-clone-manager emulator/);
  });
});
