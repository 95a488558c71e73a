// Clone groups as on AWS, through the real SDK: copy-on-write clones join the source's group, and
// the 16th copy-on-write request is silently served as a full copy (recorded by the emulator).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RestoreDBClusterToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { PG, rdsClient } from './emulator-rds-harness.ts';

describe('emulator: clone groups through @aws-sdk/client-rds', () => {
  let emulator: RunningEmulator;
  let clock: ManualClock;

  before(async () => {
    clock = new ManualClock('2026-11-25T08:00:00Z');
    emulator = await startEmulator({ clock });
  });
  after(() => emulator.stop());

  test('a source with a writer, 15 clones in its group, the 16th a full copy in a new group', async () => {
    // Prepare
    const rds = rdsClient(emulator);
    emulator.createSourceCluster({ id: 'prod' });
    const source = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'prod' })))
      .DBClusters![0]!;
    assert.equal(source.Status, 'available');
    assert.deepEqual(
      source.DBClusterMembers?.map((m) => [m.DBInstanceIdentifier, m.IsClusterWriter]),
      [['prod-instance-1', true]],
    );

    // Act
    const restore = (i: number) =>
      rds.send(
        new RestoreDBClusterToPointInTimeCommand({
          DBClusterIdentifier: `clone-${i}`,
          SourceDBClusterIdentifier: 'prod',
          RestoreType: 'copy-on-write',
          UseLatestRestorableTime: true,
        }),
      );
    for (let i = 1; i <= 15; i++) await restore(i);
    const sixteenth = await restore(16);

    // Assess
    const all = (await rds.send(new DescribeDBClustersCommand({}))).DBClusters!;
    const group = all.filter((c) => c.CloneGroupId === source.CloneGroupId).map((c) => c.DBClusterIdentifier);
    assert.equal(group.length, 16, 'the source and its 15 clones share one clone group');
    assert.ok(!group.includes('clone-16'));
    assert.notEqual(sixteenth.DBCluster?.CloneGroupId, source.CloneGroupId, 'the 16th starts a new group');
    assert.equal(sixteenth.DBCluster?.Status, 'creating', 'no error: AWS just makes a full copy');
    assert.equal(emulator.rds.accidentalFullCopies.length, 1);
    assert.equal(emulator.rds.accidentalFullCopies[0]?.clusterId, 'clone-16');
    assert.equal(emulator.stats().rds.accidentalFullCopies, 1);
    const byGroup = await rds.send(
      new DescribeDBClustersCommand({
        Filters: [{ Name: 'clone-group-id', Values: [source.CloneGroupId!] }],
      }),
    );
    assert.equal(byGroup.DBClusters?.length, 16);

    // The full copy is slower than the clones: after the clone time, only the clones are up.
    clock.advance(400);
    const status = async (id: string) =>
      (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters![0]!.Status;
    assert.equal(await status('clone-15'), 'available');
    assert.equal(await status('clone-16'), 'creating');
    clock.advance(1200);
    assert.equal(await status('clone-16'), 'available');
  });

  test('an instance becomes available after its cluster and joins DBClusterMembers as writer', async () => {
    // Prepare
    const rds = rdsClient(emulator);
    await rds.send(
      new RestoreDBClusterToPointInTimeCommand({
        DBClusterIdentifier: 'fresh',
        SourceDBClusterIdentifier: 'arn:aws:rds:us-east-1:000000000000:cluster:prod',
        RestoreType: 'full-copy',
        UseLatestRestorableTime: true,
      }),
    );

    // Act
    await rds.send(
      new CreateDBInstanceCommand({ ...PG, DBInstanceIdentifier: 'fresh-w', DBClusterIdentifier: 'fresh' }),
    );
    await rds.send(
      new CreateDBInstanceCommand({ ...PG, DBInstanceIdentifier: 'fresh-r', DBClusterIdentifier: 'fresh' }),
    );
    const instanceStatus = async () =>
      (
        await rds.send(
          new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: ['fresh'] }] }),
        )
      ).DBInstances!.map((i) => `${i.DBInstanceIdentifier}:${i.DBInstanceStatus}`);

    // Assess: the full copy takes 1.5 s, the instances 0.4 s more.
    clock.advance(1500);
    assert.deepEqual(await instanceStatus(), ['fresh-r:creating', 'fresh-w:creating']);
    clock.advance(400);
    assert.deepEqual(await instanceStatus(), ['fresh-r:available', 'fresh-w:available']);
    const members = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'fresh' })))
      .DBClusters![0]!.DBClusterMembers;
    assert.deepEqual(
      members?.map((m) => [m.DBInstanceIdentifier, m.IsClusterWriter]),
      [
        ['fresh-w', true],
        ['fresh-r', false],
      ],
    );
  });
});
