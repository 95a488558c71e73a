// Marker paging over many clusters, and tags through create, restore, add, remove and list.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddTagsToResourceCommand,
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ListTagsForResourceCommand,
  paginateDescribeDBClusters,
  RemoveTagsFromResourceCommand,
  RestoreDBClusterToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { PG, rdsClient } from './emulator-rds-harness.ts';

describe('emulator: paging over 250 clusters', () => {
  let emulator: RunningEmulator;
  let rds: ReturnType<typeof rdsClient>;

  before(async () => {
    emulator = await startEmulator({ clock: new ManualClock(), quotas: { clusters: 300, instances: 300 } });
    rds = rdsClient(emulator);
    for (let i = 0; i < 250; i++) {
      const id = `c-${String(i).padStart(3, '0')}`;
      await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: id, Engine: PG.Engine }));
    }
  });
  after(() => emulator.stop());

  test('every cluster exactly once, whatever the page size', async () => {
    for (const pageSize of [20, 37, 100]) {
      // Act
      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateDescribeDBClusters({ client: rds, pageSize }, {})) {
        pages += 1;
        assert.ok((page.DBClusters?.length ?? 0) <= pageSize);
        for (const c of page.DBClusters ?? []) seen.push(c.DBClusterIdentifier!);
      }
      // Assess
      assert.equal(seen.length, 250, `page size ${pageSize}`);
      assert.equal(new Set(seen).size, 250, `no duplicates with page size ${pageSize}`);
      assert.equal(pages, Math.ceil(250 / pageSize));
    }
  });

  test('clusters created and deleted between pages never make another appear twice or go missing', async () => {
    const first = await rds.send(new DescribeDBClustersCommand({ MaxRecords: 100 }));
    const ids = first.DBClusters!.map((c) => c.DBClusterIdentifier!);
    await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'c-010', SkipFinalSnapshot: true }));
    await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'a-new-first', Engine: PG.Engine }));
    let marker = first.Marker;
    while (marker) {
      const page = await rds.send(new DescribeDBClustersCommand({ MaxRecords: 100, Marker: marker }));
      ids.push(...page.DBClusters!.map((c) => c.DBClusterIdentifier!));
      marker = page.Marker;
    }
    assert.equal(ids.length, 250);
    assert.equal(new Set(ids).size, 250);
  });

  test('DescribeDBInstances pages too, and filters by cluster id or ARN', async () => {
    for (let i = 0; i < 30; i++) {
      await rds.send(
        new CreateDBInstanceCommand({ ...PG, DBInstanceIdentifier: `i-${i}`, DBClusterIdentifier: 'c-001' }),
      );
    }
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await rds.send(
        new DescribeDBInstancesCommand({
          MaxRecords: 20,
          Filters: [{ Name: 'db-cluster-id', Values: ['arn:aws:rds:us-east-1:000000000000:cluster:c-001'] }],
          ...(marker ? { Marker: marker } : {}),
        }),
      );
      seen.push(...page.DBInstances!.map((i) => i.DBInstanceIdentifier!));
      marker = page.Marker;
    } while (marker);
    assert.equal(new Set(seen).size, 30);
  });
});

describe('emulator: tags round-trip', () => {
  let emulator: RunningEmulator;
  let rds: ReturnType<typeof rdsClient>;

  before(async () => {
    emulator = await startEmulator({ clock: new ManualClock() });
    emulator.createSourceCluster({ id: 'prod', tags: { team: 'data' } });
    rds = rdsClient(emulator, { region: 'eu-west-1' });
    emulator.createSourceCluster({ id: 'prod', region: 'eu-west-1', tags: { team: 'data' } });
  });
  after(() => emulator.stop());

  const tagsOf = async (arn: string) =>
    Object.fromEntries(
      ((await rds.send(new ListTagsForResourceCommand({ ResourceName: arn }))).TagList ?? []).map((t) => [
        t.Key,
        t.Value,
      ]),
    );

  test('create, restore, add, remove, list; inline TagList in Describe; values with XML specials intact', async () => {
    // Create: tags set atomically with the cluster.
    const created = await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'tagged',
        Engine: PG.Engine,
        Tags: [{ Key: 'role', Value: 'copy' }],
      }),
    );
    assert.equal(created.DBCluster?.DBClusterArn, 'arn:aws:rds:eu-west-1:000000000000:cluster:tagged');
    assert.deepEqual(await tagsOf(created.DBCluster!.DBClusterArn!), { role: 'copy' });

    // Restore: only the tags given (a clone does not inherit the source's tags).
    const special = 'a<b & "c" \'d\'\nline two';
    const clone = await rds.send(
      new RestoreDBClusterToPointInTimeCommand({
        DBClusterIdentifier: 'tagged-clone',
        SourceDBClusterIdentifier: 'prod',
        RestoreType: 'copy-on-write',
        UseLatestRestorableTime: true,
        Tags: [
          { Key: 'aurora-clone-manager:role', Value: 'clone' },
          { Key: 'note', Value: special },
        ],
      }),
    );
    const arn = clone.DBCluster!.DBClusterArn!;
    assert.deepEqual(clone.DBCluster?.TagList, [
      { Key: 'aurora-clone-manager:role', Value: 'clone' },
      { Key: 'note', Value: special },
    ]);

    // Add (new key and overwrite), remove, list.
    await rds.send(
      new AddTagsToResourceCommand({
        ResourceName: arn,
        Tags: [
          { Key: 'owner', Value: 'ci' },
          { Key: 'note', Value: 'replaced' },
        ],
      }),
    );
    await rds.send(
      new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: ['aurora-clone-manager:role'] }),
    );
    assert.deepEqual(await tagsOf(arn), { note: 'replaced', owner: 'ci' });

    // Inline in DescribeDBClusters, as the product's inventory reads them.
    const described = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'tagged-clone' })))
      .DBClusters![0]!;
    assert.deepEqual(Object.fromEntries(described.TagList!.map((t) => [t.Key, t.Value])), {
      note: 'replaced',
      owner: 'ci',
    });
    assert.deepEqual(await tagsOf('arn:aws:rds:eu-west-1:000000000000:cluster:prod'), { team: 'data' });
  });

  test('instance tags, and tags on a missing resource', async () => {
    await rds.send(
      new CreateDBInstanceCommand({
        ...PG,
        DBInstanceIdentifier: 'tagged-w',
        DBClusterIdentifier: 'tagged',
        Tags: [{ Key: 'k', Value: 'v' }],
      }),
    );
    assert.deepEqual(await tagsOf('arn:aws:rds:eu-west-1:000000000000:db:tagged-w'), { k: 'v' });
    await assert.rejects(tagsOf('arn:aws:rds:eu-west-1:000000000000:cluster:ghost'), {
      Code: 'DBClusterNotFoundFault',
    });
    await assert.rejects(tagsOf('arn:aws:rds:eu-west-1:000000000000:db:ghost'), {
      Code: 'DBInstanceNotFound',
    });
    await assert.rejects(
      rds.send(
        new AddTagsToResourceCommand({
          ResourceName: 'arn:aws:rds:eu-west-1:000000000000:cluster:tagged',
          Tags: [{ Key: 'aws:x', Value: '1' }],
        }),
      ),
      { Code: 'InvalidParameterValue' },
    );
  });

  test('Regions are separate accounts of clusters; the signed Region shows in ARNs', async () => {
    const east = rdsClient(emulator, { region: 'us-east-1' });
    const eastIds = (await east.send(new DescribeDBClustersCommand({}))).DBClusters!.map(
      (c) => c.DBClusterArn,
    );
    assert.deepEqual(eastIds, ['arn:aws:rds:us-east-1:000000000000:cluster:prod']);
  });
});
