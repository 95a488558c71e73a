// The CLI end to end against the embedded emulator, through the real SDK over HTTP: what a user
// typing the commands would see (exit code, stdout, stderr) and what happens to the clusters.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../../src/emulator/index.ts';
import type { DeleteResult, MaintenanceReport, PoolStatus, ProvisionResult } from '../../src/model/api.ts';
import { clusterList, errorLine, jsonOf, runCli } from './cli-harness.ts';

const SOURCE = 'cli-src';

describe('CLI against the emulator', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let at: string[];

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    await emulator.createSourceCluster({ id: SOURCE });
    at = ['--endpoint-url', emulator.url];
  });
  after(async () => {
    await emulator?.stop();
  });

  it('status --json is one document describing the empty pool', async () => {
    const r = await runCli(['status', '--source', SOURCE, '--json', ...at]);
    assert.equal(r.code, 0, r.stderr);
    const pool = jsonOf(r) as PoolStatus;
    assert.equal(pool.root.clusterId, SOURCE);
    assert.deepEqual(pool.copies, []);
    assert.deepEqual(pool.clones, []);
    assert.equal(pool.freeCapacity, 15);
  });

  it('clone --wait prints the clone id, endpoint, port and the source used', async () => {
    const r = await runCli([
      'clone',
      '--source',
      SOURCE,
      '--cluster-id',
      'cli-one',
      '--wait',
      '--tag',
      'team=qa',
      ...at,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Clone cli-one is ready\./);
    assert.match(r.stdout, /^ {2}cluster id +cli-one$/m);
    assert.match(r.stdout, /^ {2}endpoint +cli-one\.\S+$/m);
    assert.match(r.stdout, /^ {2}port +\d+$/m);
    assert.match(r.stdout, new RegExp(`^ {2}source +${SOURCE} \\(the root\\)$`, 'm'));
    // Piped (a CI log): one plain line per change, no terminal control characters.
    assert.match(r.stderr, /^ {2}… clone cli-one: cluster creating \(/m);
    assert.ok(!r.stderr.includes('\r') && !r.stderr.includes('\u001b'), 'no terminal control characters');
  });

  it('clone --json is one document with the clone, its endpoint and its source', async () => {
    const r = await runCli([
      'clone',
      '--source',
      SOURCE,
      '--cluster-id',
      'cli-two',
      '--ttl',
      '8h',
      '--json',
      ...at,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const clone = jsonOf(r) as ProvisionResult;
    assert.equal(clone.clusterId, 'cli-two');
    assert.equal(clone.sourceClusterId, SOURCE);
    assert.equal(clone.copyMade, false);
    assert.equal(clone.dryRun, false);
    assert.ok(clone.endpoint);
  });

  it('clone --wait --json on a terminal shows progress on stderr and keeps stdout one document', async () => {
    const r = await runCli(
      ['clone', '--source', SOURCE, '--cluster-id', 'cli-tty', '--wait', '--json', ...at],
      {},
      true,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal((jsonOf(r) as ProvisionResult).status, 'available');
    // A terminal: the line is redrawn in place.
    assert.ok(r.stderr.includes('\r\u001b[K  … clone cli-tty: cluster creating ('), r.stderr);
    const deleted = await runCli(['delete', 'cli-tty', '--wait', ...at], {}, true);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stderr, /… delete cli-tty: /);
  });

  it('clone --dry-run prints the plan and creates nothing', async () => {
    const before = await clusterList(emulator.url);
    const r = await runCli(['clone', '--source', SOURCE, '--cluster-id', 'cli-dry', '--dry-run', ...at]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Dry run: nothing was created\./);
    assert.match(r.stdout, /cli-dry/);
    assert.deepEqual(await clusterList(emulator.url), before);
  });

  it('clone --instance-class db.serverless --dry-run is accepted and plans a serverless writer', async () => {
    const before = await clusterList(emulator.url);
    const r = await runCli([
      'clone',
      '--source',
      SOURCE,
      '--instance-class',
      'db.serverless',
      '--dry-run',
      '--json',
      ...at,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const result = jsonOf(r) as ProvisionResult;
    assert.equal(result.dryRun, true);
    assert.match(JSON.stringify(result.plan), /db\.serverless/);
    assert.deepEqual(await clusterList(emulator.url), before);
  });

  it('status shows the root, the clones and the free capacity as aligned tables', async () => {
    const r = await runCli(['status', '--source', SOURCE, ...at]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const header = lines.findIndex((l) => /^ {2}SOURCE +ROLE +STATUS/.test(l));
    assert.ok(header >= 0, r.stdout);
    // Every cell of the root's row starts where its header starts.
    const root = lines[header + 2]!;
    assert.equal(root.indexOf('root'), lines[header]!.indexOf('ROLE'));
    assert.match(root, /^ {2}cli-src +root +available .* 2 +13/);
    assert.match(r.stdout, /^ {2}cli-one +cli-src +available/m);
    assert.match(r.stdout, /^ {2}cli-two +cli-src /m);
    assert.match(r.stdout, /^Free capacity: 13 clone slots$/m);
  });

  it('clone --no-copy fails with exit 1 and one line when no source has a free slot', async () => {
    const before = await clusterList(emulator.url);
    const r = await runCli(['clone', '--source', SOURCE, '--no-copy', '--max-clones-per-source', '2', ...at]);
    assert.equal(r.code, 1);
    assert.match(errorLine(r), new RegExp(SOURCE));
    assert.equal(r.stdout, '');
    assert.deepEqual(await clusterList(emulator.url), before);
  });

  it('a missing source fails with exit 1 and says so', async () => {
    const r = await runCli(['status', '--source', 'no-such-db', ...at]);
    assert.equal(r.code, 1);
    assert.equal(
      errorLine(r),
      `aurora-clone-manager: source cluster no-such-db does not exist (looked in Region us-east-1, endpoint ${emulator.url})`,
    );
  });

  it('maintain --dry-run prints the plan and changes nothing', async () => {
    const before = await clusterList(emulator.url);
    const r = await runCli([
      'maintain',
      '--source',
      SOURCE,
      '--target-slots',
      '20',
      '--dry-run',
      '--json',
      ...at,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const [report] = jsonOf(r) as MaintenanceReport[];
    assert.equal(report?.dryRun, true);
    assert.equal(report?.ok, true);
    assert.deepEqual(report?.created, []);
    assert.ok(
      report?.plan?.steps.some((s) => s.kind === 'copy'),
      'the plan makes a copy',
    );
    assert.deepEqual(await clusterList(emulator.url), before);
  });

  it('maintain makes the copies needed to reach the target', async () => {
    // A fixed target (--max-slots equal to it): no spare copy for a source this new.
    const r = await runCli([
      'maintain',
      '--source',
      SOURCE,
      '--target-slots',
      '20',
      '--max-slots',
      '20',
      ...at,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^SOURCE +RESULT +FREE BEFORE +FREE AFTER/);
    assert.match(r.stdout, new RegExp(`^${SOURCE} +ok +13 +28 +1 +0$`, 'm'));
    const pool = jsonOf(await runCli(['status', '--source', SOURCE, '--json', ...at])) as PoolStatus;
    assert.equal(pool.copies.length, 1);
    assert.equal(pool.freeCapacity, 28);
  });

  it('maintain --config runs the sources listed in the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'acm-cli-')), 'maintenance.json');
    writeFileSync(file, JSON.stringify([{ clusterId: SOURCE, targetCloneSlots: 20, maxCloneSlots: 20 }]));
    const r = await runCli(['maintain', '--config', file, '--json', ...at]);
    assert.equal(r.code, 0, r.stderr);
    const reports = jsonOf(r) as MaintenanceReport[];
    assert.equal(reports.length, 1);
    assert.deepEqual(reports[0]?.created, [], 'the target is already reached');
  });

  it('maintain exits 1 when one source fails, after maintaining the others', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'acm-cli-')), 'maintenance.json');
    writeFileSync(
      file,
      JSON.stringify([
        { clusterId: 'gone-db', targetCloneSlots: 5 },
        { clusterId: SOURCE, targetCloneSlots: 1, maxCloneSlots: 1 },
      ]),
    );
    const r = await runCli(['maintain', '--config', file, ...at]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^gone-db +FAILED/m);
    assert.match(r.stdout, new RegExp(`^${SOURCE} +ok `, 'm'));
    assert.match(r.stdout, /gone-db: failed: source cluster gone-db does not exist/);
    assert.equal(errorLine(r), 'aurora-clone-manager: maintenance failed for gone-db');
  });

  it('delete refuses the root with exit 1', async () => {
    const r = await runCli(['delete', SOURCE, ...at]);
    assert.equal(r.code, 1);
    assert.match(errorLine(r), new RegExp(`^aurora-clone-manager: refusing to touch cluster ${SOURCE}`));
    assert.ok((await clusterList(emulator.url)).includes(SOURCE));
  });

  it('delete --wait removes a clone; deleting it again fails, unless --ignore-missing', async () => {
    const r = await runCli(['delete', 'cli-one', '--wait', '--json', ...at]);
    assert.equal(r.code, 0, r.stderr);
    const result = jsonOf(r) as DeleteResult;
    assert.equal(result.deleted, true);
    assert.ok(!(await clusterList(emulator.url)).includes('cli-one'));
    const again = await runCli(['delete', 'cli-one', ...at]);
    assert.equal(again.code, 1);
    assert.match(
      errorLine(again),
      /cluster cli-one does not exist \(looked in Region us-east-1, endpoint http:/,
    );
    const ignored = await runCli(['delete', 'cli-one', '--ignore-missing', ...at]);
    assert.equal(ignored.code, 0, ignored.stderr);
    assert.match(ignored.stdout, /already gone/);
  });
});

describe('CLI without a server to talk to', () => {
  it('fails with exit 1 and one line saying the endpoint cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const r = await runCli(['status', '--source', SOURCE, '--endpoint-url', `http://127.0.0.1:${port}`]);
    assert.equal(r.code, 1);
    assert.match(errorLine(r), /^aurora-clone-manager: cannot reach the AWS endpoint: .*ECONNREFUSED/);
  });
});
