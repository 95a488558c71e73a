// Renaming a cluster (ModifyDBCluster NewDBClusterIdentifier) and Serverless v2 ranges with a
// minimum of 0 ACU (auto-pause), through the real SDK, the AWS CLI, and moto_server as a
// cross-check of what both emulators agree on.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ListTagsForResourceCommand,
  ModifyDBClusterCommand,
  RDSClient,
  RestoreDBClusterToPointInTimeCommand,
  type RestoreDBClusterToPointInTimeCommandInput,
} from '@aws-sdk/client-rds';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { awsCli, hasAwsCli } from './emulator-cli-harness.ts';
import { assertFault, PG, rdsClient } from './emulator-rds-harness.ts';

const hasMoto = spawnSync('sh', ['-c', 'command -v moto_server']).status === 0;

/** A copy-on-write clone request, as the pool makes them. */
const cowRestore = (
  rds: RDSClient,
  id: string,
  source: string,
  extra: Partial<RestoreDBClusterToPointInTimeCommandInput> = {},
) =>
  rds.send(
    new RestoreDBClusterToPointInTimeCommand({
      DBClusterIdentifier: id,
      SourceDBClusterIdentifier: source,
      RestoreType: 'copy-on-write',
      UseLatestRestorableTime: true,
      ...extra,
    }),
  );

/** A copy-on-write clone of `source`, available, with a writer; as a pool's warm clone is. */
async function warmClone(rds: RDSClient, clock: ManualClock, id: string, source = 'prod') {
  await cowRestore(rds, id, source, { Tags: [{ Key: 'pool', Value: 'warm' }] });
  await rds.send(
    new CreateDBInstanceCommand({ DBInstanceIdentifier: `${id}-w`, DBClusterIdentifier: id, ...PG }),
  );
  clock.advance(1_000);
}

const describeOne = async (rds: RDSClient, id: string) =>
  (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters![0]!;

// The suites below have an emulator each (moto its own process): they run side by side, the tests
// of one suite one after the other.
describe('emulator: renames and Serverless v2 at 0 ACU', { concurrency: true }, () => {
  describe('emulator: ModifyDBCluster NewDBClusterIdentifier', { concurrency: false }, () => {
    let emulator: RunningEmulator;
    let clock: ManualClock;
    let rds: RDSClient;

    before(async () => {
      clock = new ManualClock('2026-11-25T08:00:00Z');
      emulator = await startEmulator({ clock });
      emulator.createSourceCluster({ id: 'prod' });
      rds = rdsClient(emulator);
    });
    after(() => emulator.stop());

    test('renaming, then the cluster answers only to its new identifier, ARN and endpoints', async () => {
      // Prepare
      await warmClone(rds, clock, 'warm-1');
      const before = await describeOne(rds, 'warm-1');
      const groupBefore = emulator.rds.copyOnWriteMembers(before.CloneGroupId!);
      // Act
      const answer = (
        await rds.send(
          new ModifyDBClusterCommand({
            DBClusterIdentifier: 'warm-1',
            NewDBClusterIdentifier: 'Alice-Dev',
            ApplyImmediately: true,
          }),
        )
      ).DBCluster!;
      // Assess: renaming under the old identifier, the new one held
      assert.equal(answer.DBClusterIdentifier, 'warm-1');
      assert.equal(answer.Status, 'renaming');
      assert.equal(answer.PendingModifiedValues?.DBClusterIdentifier, 'alice-dev', 'stored lower-case');
      await assertFault(describeOne(rds, 'alice-dev'), 'DBClusterNotFoundFault', 404);
      await assertFault(
        rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'alice-dev', Engine: PG.Engine })),
        'DBClusterAlreadyExistsFault',
        400,
      );
      await assertFault(
        rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: 'warm-1', DeletionProtection: true })),
        'InvalidDBClusterStateFault',
        400,
      );
      await assertFault(
        rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'warm-1', SkipFinalSnapshot: true })),
        'InvalidDBClusterStateFault',
        400,
      );

      clock.advance(200);
      const renamed = await describeOne(rds, 'alice-dev');
      assert.equal(renamed.Status, 'available');
      assert.equal(renamed.PendingModifiedValues, undefined);
      assert.equal(renamed.DBClusterArn, 'arn:aws:rds:us-east-1:000000000000:cluster:alice-dev');
      assert.match(renamed.Endpoint!, /^alice-dev\.cluster-c[0-9a-f]+\.us-east-1\.rds\.amazonaws\.com$/);
      assert.match(renamed.ReaderEndpoint!, /^alice-dev\.cluster-ro-c[0-9a-f]+\./);
      assert.equal(renamed.Endpoint, before.Endpoint!.replace(/^warm-1\./, 'alice-dev.'));
      // The same cluster: resource id, clone group, members, tags, creation time
      for (const key of ['DbClusterResourceId', 'CloneGroupId', 'ClusterCreateTime', 'TagList'] as const) {
        assert.deepEqual(renamed[key], before[key], key);
      }
      assert.deepEqual(
        renamed.DBClusterMembers?.map((m) => [m.DBInstanceIdentifier, m.IsClusterWriter]),
        [['warm-1-w', true]],
      );
      const writer = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'warm-1-w' })))
        .DBInstances![0]!;
      assert.equal(writer.DBClusterIdentifier, 'alice-dev');
      const byCluster = await rds.send(
        new DescribeDBInstancesCommand({
          Filters: [{ Name: 'db-cluster-id', Values: [renamed.DBClusterArn!] }],
        }),
      );
      assert.deepEqual(
        byCluster.DBInstances?.map((i) => i.DBInstanceIdentifier),
        ['warm-1-w'],
      );
      const group = await rds.send(
        new DescribeDBClustersCommand({
          Filters: [{ Name: 'clone-group-id', Values: [before.CloneGroupId!] }],
        }),
      );
      assert.deepEqual(
        group.DBClusters?.map((c) => c.DBClusterIdentifier),
        ['alice-dev', 'prod'],
      );
      const tags = await rds.send(new ListTagsForResourceCommand({ ResourceName: renamed.DBClusterArn }));
      assert.deepEqual(tags.TagList, [{ Key: 'pool', Value: 'warm' }]);
      // The old identifier and ARN are gone, and free again
      await assertFault(describeOne(rds, 'warm-1'), 'DBClusterNotFoundFault', 404);
      await assertFault(
        rds.send(new ListTagsForResourceCommand({ ResourceName: before.DBClusterArn })),
        'DBClusterNotFoundFault',
        404,
      );
      await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'warm-1', Engine: PG.Engine }));
      // Counters and clone counts untouched
      assert.equal(emulator.rds.copyOnWriteMembers(before.CloneGroupId!), groupBefore);
      assert.equal(emulator.stats().rds.accidentalFullCopies, 0);
      // A renamed clone is a source like any other, in the same group
      const again = (await cowRestore(rds, 'alice-dev-clone', 'alice-dev')).DBCluster!;
      assert.equal(again.CloneGroupId, before.CloneGroupId);
    });

    test('refused: an invalid identifier, one taken, a cluster that is not available', async () => {
      // Prepare
      await warmClone(rds, clock, 'warm-2');
      const rename = (from: string, to: string) =>
        rds.send(
          new ModifyDBClusterCommand({
            DBClusterIdentifier: from,
            NewDBClusterIdentifier: to,
            ApplyImmediately: true,
          }),
        );
      // Act / Assess
      for (const bad of ['bad--id', '1st', 'ends-', 'a'.repeat(64), 'under_score']) {
        const message = await assertFault(rename('warm-2', bad), 'InvalidParameterValue', 400);
        assert.match(message, /NewDBClusterIdentifier/);
      }
      assert.match(
        await assertFault(rename('warm-2', 'PROD'), 'DBClusterAlreadyExistsFault', 400),
        /DB Cluster prod already exists/,
      );
      await assertFault(rename('no-such', 'free-name'), 'DBClusterNotFoundFault', 404);
      await cowRestore(rds, 'still-creating', 'prod');
      await assertFault(rename('still-creating', 'free-name'), 'InvalidDBClusterStateFault', 400);
      assert.equal((await describeOne(rds, 'warm-2')).Status, 'available', 'nothing changed');
    });

    test('without ApplyImmediately the rename waits in PendingModifiedValues until a change applies it', async () => {
      // Prepare
      await warmClone(rds, clock, 'warm-3');
      // Act
      const answer = (
        await rds.send(
          new ModifyDBClusterCommand({ DBClusterIdentifier: 'warm-3', NewDBClusterIdentifier: 'bob-dev' }),
        )
      ).DBCluster!;
      clock.advance(3_600_000);
      // Assess: pending, for as long as no maintenance window comes (the emulator has none)
      assert.equal(answer.Status, 'available');
      assert.equal(answer.PendingModifiedValues?.DBClusterIdentifier, 'bob-dev');
      const waiting = await describeOne(rds, 'warm-3');
      assert.equal(waiting.Status, 'available');
      assert.equal(waiting.PendingModifiedValues?.DBClusterIdentifier, 'bob-dev');
      await assertFault(describeOne(rds, 'bob-dev'), 'DBClusterNotFoundFault', 404);
      // A later request with ApplyImmediately applies pending modifications
      const applied = (
        await rds.send(
          new ModifyDBClusterCommand({
            DBClusterIdentifier: 'warm-3',
            DeletionProtection: false,
            ApplyImmediately: true,
          }),
        )
      ).DBCluster!;
      assert.equal(applied.Status, 'renaming');
      clock.advance(200);
      assert.equal((await describeOne(rds, 'bob-dev')).Status, 'available');
      await assertFault(describeOne(rds, 'warm-3'), 'DBClusterNotFoundFault', 404);
    });
  });

  describe('emulator: a rename with AWS timings, and across a restart', () => {
    test('renaming lasts about a minute; a rename saved mid-way ends after a restart', async () => {
      // Prepare
      const dir = mkdtempSync(join(tmpdir(), 'acm-rename-'));
      const statePath = join(dir, 'state.json');
      const clock = new ManualClock('2026-11-25T08:00:00Z');
      const first = await startEmulator({ clock, statePath, awsTimings: true });
      let firstRunning = true;
      try {
        first.createSourceCluster({ id: 'prod', tags: { team: 'data' } });
        const rds = rdsClient(first);
        await rds.send(
          new ModifyDBClusterCommand({
            DBClusterIdentifier: 'prod',
            NewDBClusterIdentifier: 'prod-old',
            ApplyImmediately: true,
          }),
        );
        clock.advance(59_000);
        assert.equal((await describeOne(rds, 'prod')).Status, 'renaming', 'still renaming at 59 s');
        await first.stop();
        firstRunning = false;
        // Act
        const second = await startEmulator({ clock, statePath, awsTimings: true });
        try {
          const again = rdsClient(second);
          await assertFault(
            again.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'prod-old', Engine: PG.Engine })),
            'DBClusterAlreadyExistsFault',
            400,
          );
          clock.advance(1_000);
          // Assess
          const renamed = await describeOne(again, 'prod-old');
          assert.equal(renamed.Status, 'available');
          assert.deepEqual(renamed.TagList, [{ Key: 'team', Value: 'data' }]);
          assert.deepEqual(
            second.rds.instances().map((i) => [i.id, i.clusterId]),
            [['prod-instance-1', 'prod-old']],
          );
          await assertFault(describeOne(again, 'prod'), 'DBClusterNotFoundFault', 404);
        } finally {
          await second.stop();
        }
      } finally {
        if (firstRunning) await first.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('emulator: Serverless v2 with a minimum of 0 ACU', { concurrency: false }, () => {
    let emulator: RunningEmulator;
    let clock: ManualClock;
    let rds: RDSClient;
    const scaling = (c: { ServerlessV2ScalingConfiguration?: unknown }) => c.ServerlessV2ScalingConfiguration;

    before(async () => {
      clock = new ManualClock('2026-11-25T08:00:00Z');
      emulator = await startEmulator({ clock });
      emulator.createSourceCluster({ id: 'prod' });
      emulator.createSourceCluster({ id: 'old-pg', engineVersion: '13.9' });
      rds = rdsClient(emulator);
    });
    after(() => emulator.stop());

    test('restore, create and modify take MinCapacity 0 and SecondsUntilAutoPause, and describe them', async () => {
      // Act
      const restored = (
        await cowRestore(rds, 'sls-0', 'prod', {
          ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 900 },
        })
      ).DBCluster!;
      await rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: 'sls-0-w',
          DBClusterIdentifier: 'sls-0',
          Engine: PG.Engine,
          DBInstanceClass: 'db.serverless',
        }),
      );
      clock.advance(1_000);
      // Assess
      const want = { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 900 };
      assert.deepEqual(scaling(restored), want);
      assert.deepEqual(scaling(await describeOne(rds, 'sls-0')), want);
      // Raising the minimum drops SecondsUntilAutoPause; back to 0, it is the default 300 again
      const modify = (config: Record<string, number>) =>
        rds.send(
          new ModifyDBClusterCommand({
            DBClusterIdentifier: 'sls-0',
            ServerlessV2ScalingConfiguration: config,
          }),
        );
      const raised = (await modify({ MinCapacity: 0.5 })).DBCluster!;
      assert.deepEqual(scaling(raised), { MinCapacity: 0.5, MaxCapacity: 4 }, 'a modify may give one bound');
      assert.equal(raised.Status, 'available', 'a capacity change applies at once');
      assert.deepEqual(scaling((await modify({ MinCapacity: 0, MaxCapacity: 8 })).DBCluster!), {
        MinCapacity: 0,
        MaxCapacity: 8,
        SecondsUntilAutoPause: 300,
      });
      assert.deepEqual(scaling((await modify({ SecondsUntilAutoPause: 86_400 })).DBCluster!), {
        MinCapacity: 0,
        MaxCapacity: 8,
        SecondsUntilAutoPause: 86_400,
      });
      const created = (
        await rds.send(
          new CreateDBClusterCommand({
            DBClusterIdentifier: 'sls-new',
            Engine: 'aurora-mysql',
            ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 1 },
          }),
        )
      ).DBCluster!;
      assert.deepEqual(scaling(created), { MinCapacity: 0, MaxCapacity: 1, SecondsUntilAutoPause: 300 });
    });

    test('ranges are checked as AWS does', async () => {
      const restore = (id: string, config: Record<string, number>, source = 'prod') =>
        cowRestore(rds, id, source, { ServerlessV2ScalingConfiguration: config });
      const refusals: [Record<string, number>, RegExp, string?][] = [
        [
          { MinCapacity: 1, MaxCapacity: 4, SecondsUntilAutoPause: 600 },
          /only be specified when minimum capacity is 0/,
        ],
        [
          { MinCapacity: 0, MaxCapacity: 0.5 },
          /maximum capacity 0\.5 isn't valid\. The maximum capacity must be at least 1\.0/,
        ],
        [{ MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 299 }, /between 300 and 86400/],
        [{ MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 86_401 }, /between 300 and 86400/],
        [{ MinCapacity: 0.25, MaxCapacity: 4 }, /minimum capacity 0\.25 isn't valid/],
        [{ MinCapacity: 8, MaxCapacity: 4 }, /greater than or equal to the minimum capacity 8\.0/],
        [{ MinCapacity: 1, MaxCapacity: 257 }, /maximum capacity 257\.0 isn't valid/],
        [{ MinCapacity: 0 }, /Both MinCapacity and MaxCapacity must be specified/],
        [{ MinCapacity: 0, MaxCapacity: 4 }, /doesn't support automatic pause/, 'old-pg'],
      ];
      for (const [config, message, source] of refusals) {
        const got = await assertFault(restore('sls-bad', config, source), 'InvalidParameterValue', 400);
        assert.match(got, message, JSON.stringify(config));
      }
      assert.equal(emulator.rds.cluster('sls-bad'), undefined);
      // 13.9 still takes a minimum of 0.5
      await restore('old-sls', { MinCapacity: 0.5, MaxCapacity: 2 }, 'old-pg');
    });
  });

  // ---------------------------------------------------------------------------------------------
  // The AWS CLI (botocore's own encoding of --new-db-cluster-identifier and the scaling shorthand)

  describe('emulator: rename and a 0-ACU restore through the AWS CLI', {
    skip: hasAwsCli ? false : 'the aws command is not installed (.ci/run installs it)',
    concurrency: false,
  }, () => {
    let emulator: RunningEmulator;
    let clock: ManualClock;
    const aws = async (...args: string[]) => {
      const r = await awsCli(emulator.url, 'rds', ...args);
      assert.equal(r.code, 0, `aws rds ${args.join(' ')}: ${r.stderr}`);
      return JSON.parse(r.stdout) as Record<string, Record<string, unknown>>;
    };

    before(async () => {
      clock = new ManualClock('2026-11-25T08:00:00Z');
      emulator = await startEmulator({ clock });
      emulator.createSourceCluster({ id: 'prod' });
      emulator.createSourceCluster({ id: 'warm-cli' });
    });
    after(() => emulator.stop());

    test('modify-db-cluster --new-db-cluster-identifier; restore with MinCapacity=0', async () => {
      // Act: both at once (each CLI call costs about half a second); the result read with the SDK
      const [renaming, restored] = await Promise.all([
        aws(
          'modify-db-cluster',
          '--db-cluster-identifier',
          'warm-cli',
          '--new-db-cluster-identifier',
          'carol-dev',
          '--apply-immediately',
        ),
        aws(
          'restore-db-cluster-to-point-in-time',
          '--db-cluster-identifier',
          'sls-cli',
          '--source-db-cluster-identifier',
          'prod',
          '--restore-type',
          'copy-on-write',
          '--use-latest-restorable-time',
          '--serverless-v2-scaling-configuration',
          'MinCapacity=0,MaxCapacity=2,SecondsUntilAutoPause=900',
        ),
      ]);
      clock.advance(1_000);
      const renamed = await describeOne(rdsClient(emulator), 'carol-dev');
      // Assess
      assert.equal(renaming.DBCluster!.Status, 'renaming');
      assert.deepEqual(renaming.DBCluster!.PendingModifiedValues, { DBClusterIdentifier: 'carol-dev' });
      assert.equal(renamed.Status, 'available');
      assert.equal(renamed.DBClusterArn, 'arn:aws:rds:us-east-1:000000000000:cluster:carol-dev');
      assert.deepEqual(restored.DBCluster!.ServerlessV2ScalingConfiguration, {
        MinCapacity: 0,
        MaxCapacity: 2,
        SecondsUntilAutoPause: 900,
      });
    });
  });

  // ---------------------------------------------------------------------------------------------
  // moto_server, an emulator nobody here wrote: the same rename and 0-ACU restore, compared on what
  // both model. moto renames at once whatever ApplyImmediately says, checks neither the new
  // identifier nor the capacity range, and leaves the instances behind (DBClusterMembers empty), so
  // those are compared only after the rename, and not for instances.

  /** moto_server on a free port (it prints the address it chose), booting while the tests above run. */
  function startMoto(): Promise<{ url: string; child: ChildProcess }> {
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      let said = '';
      const timer = setTimeout(() => reject(new Error(`moto_server did not start: ${said}`)), 20_000);
      const listen = (chunk: Buffer) => {
        said += chunk.toString();
        const url = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(said)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve({ url, child });
        }
      };
      child.stdout!.on('data', listen);
      child.stderr!.on('data', listen);
      child.on('exit', (code) => reject(new Error(`moto_server exited with ${code}: ${said}`)));
    });
  }
  const moto = hasMoto ? startMoto() : undefined;
  moto?.catch(() => undefined);

  /** What a client sees of a rename and a 0-ACU restore, on any RDS endpoint. */
  async function renameScenario(rds: RDSClient, settle: () => void) {
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'x-src',
        Engine: PG.Engine,
        MasterUsername: 'postgres',
        MasterUserPassword: 'not-a-secret-1',
        Tags: [{ Key: 'pool', Value: 'warm' }],
      }),
    );
    await rds.send(
      new CreateDBInstanceCommand({ DBInstanceIdentifier: 'x-src-w', DBClusterIdentifier: 'x-src', ...PG }),
    );
    settle();
    await rds.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: 'x-src',
        NewDBClusterIdentifier: 'x-renamed',
        ApplyImmediately: true,
      }),
    );
    settle();
    const renamed = await describeOne(rds, 'x-renamed');
    const oldId = await describeOne(rds, 'x-src').then(
      () => 'found',
      (err: { name?: string }) => err.name,
    );
    const tags = await rds.send(new ListTagsForResourceCommand({ ResourceName: renamed.DBClusterArn }));
    const restored = await cowRestore(rds, 'x-sls', 'x-renamed', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2, SecondsUntilAutoPause: 900 },
    });
    settle();
    return {
      id: renamed.DBClusterIdentifier,
      status: renamed.Status,
      arnEnd: renamed.DBClusterArn?.split(':').slice(-2).join(':'),
      endpoint: renamed.Endpoint?.split('.')[0],
      reader: renamed.ReaderEndpoint?.split('.')[0],
      oldId,
      tags: tags.TagList,
      scaling: restored.DBCluster?.ServerlessV2ScalingConfiguration,
      described: (await describeOne(rds, 'x-sls')).ServerlessV2ScalingConfiguration,
    };
  }

  describe('emulator and moto_server agree on a rename and a 0-ACU restore', {
    skip: hasMoto ? false : "moto_server is not installed: `pip install 'moto[server]'`",
  }, () => {
    after(async () => (await moto?.catch(() => undefined))?.child.kill());

    test('same identifier, ARN, endpoints, tags and scaling after the rename', async () => {
      // Prepare
      const { url } = await moto!;
      const clock = new ManualClock('2026-11-25T08:00:00Z');
      const emulator = await startEmulator({ clock });
      try {
        // Act
        const motoRds = new RDSClient({
          endpoint: url,
          region: 'us-east-1',
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
          maxAttempts: 1,
        });
        const [ours, theirs] = await Promise.all([
          renameScenario(rdsClient(emulator), () => clock.advance(2_000)),
          renameScenario(motoRds, () => undefined),
        ]);
        // Assess
        assert.deepEqual(ours, theirs);
        assert.equal(ours.id, 'x-renamed');
        assert.equal(ours.oldId, 'DBClusterNotFoundFault');
      } finally {
        await emulator.stop();
      }
    });
  });
});
