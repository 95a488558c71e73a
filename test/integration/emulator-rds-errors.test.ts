// Every refusal the emulator makes, with AWS's wire code and HTTP status, through the real SDK.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
  RestoreDBClusterToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { assertFault, PG, rdsClient } from './emulator-rds-harness.ts';

const cow = (id: string, source: string) =>
  new RestoreDBClusterToPointInTimeCommand({
    DBClusterIdentifier: id,
    SourceDBClusterIdentifier: source,
    RestoreType: 'copy-on-write',
    UseLatestRestorableTime: true,
  });

describe('emulator: RDS errors with their codes and HTTP statuses', () => {
  let emulator: RunningEmulator;
  let clock: ManualClock;
  let rds: ReturnType<typeof rdsClient>;

  before(async () => {
    clock = new ManualClock('2026-11-25T08:00:00Z');
    emulator = await startEmulator({ clock, quotas: { clusters: 8, instances: 6 } });
    emulator.createSourceCluster({ id: 'prod' });
    rds = rdsClient(emulator);
  });
  after(() => emulator.stop());

  test('identifier rules: InvalidParameterValue (400); stored lower-case', async () => {
    for (const bad of ['1abc', 'a--b', 'abc-', 'a_b', 'x'.repeat(64)]) {
      await assertFault(
        rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: bad, Engine: PG.Engine })),
        'InvalidParameterValue',
        400,
      );
    }
    const made = await rds.send(
      new CreateDBClusterCommand({ DBClusterIdentifier: 'MixedCase', Engine: PG.Engine }),
    );
    assert.equal(made.DBCluster?.DBClusterIdentifier, 'mixedcase');
  });

  test('duplicates: DBClusterAlreadyExistsFault (400), DBInstanceAlreadyExists (400)', async () => {
    await assertFault(
      rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'PROD', Engine: PG.Engine })),
      'DBClusterAlreadyExistsFault',
      400,
    );
    await assertFault(rds.send(cow('prod', 'prod')), 'DBClusterAlreadyExistsFault', 400);
    await assertFault(
      rds.send(
        new CreateDBInstanceCommand({
          ...PG,
          DBInstanceIdentifier: 'prod-instance-1',
          DBClusterIdentifier: 'prod',
        }),
      ),
      'DBInstanceAlreadyExists',
      400,
    );
  });

  test('not found: DBClusterNotFoundFault (404), DBInstanceNotFound (404)', async () => {
    await assertFault(
      rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'nope' })),
      'DBClusterNotFoundFault',
      404,
    );
    await assertFault(rds.send(cow('c-missing', 'nope')), 'DBClusterNotFoundFault', 404);
    await assertFault(
      rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'nope', SkipFinalSnapshot: true })),
      'DBClusterNotFoundFault',
      404,
    );
    await assertFault(
      rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })),
      'DBInstanceNotFound',
      404,
    );
    await assertFault(
      rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'nope' })),
      'DBInstanceNotFound',
      404,
    );
    await assertFault(
      rds.send(
        new CreateDBInstanceCommand({ ...PG, DBInstanceIdentifier: 'orphan', DBClusterIdentifier: 'nope' }),
      ),
      'DBClusterNotFoundFault',
      404,
    );
  });

  test('restore from a source that is not available, or has no instance: InvalidDBClusterStateFault (400)', async () => {
    await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'empty', Engine: PG.Engine }));
    await assertFault(rds.send(cow('from-creating', 'empty')), 'InvalidDBClusterStateFault', 400);
    clock.advance(1_000);
    const msg = await assertFault(rds.send(cow('from-empty', 'empty')), 'InvalidDBClusterStateFault', 400);
    assert.match(msg, /no DB instance/);
    assert.equal(emulator.rds.cluster('from-empty'), undefined, 'nothing is created by a refused call');
  });

  test('restore parameters: RestoreToTime with copy-on-write, both or neither time: InvalidParameterCombination (400)', async () => {
    const base = { DBClusterIdentifier: 'pitr', SourceDBClusterIdentifier: 'prod' };
    await assertFault(
      rds.send(
        new RestoreDBClusterToPointInTimeCommand({
          ...base,
          RestoreType: 'copy-on-write',
          RestoreToTime: clock.now(),
        }),
      ),
      'InvalidParameterCombination',
      400,
    );
    await assertFault(
      rds.send(
        new RestoreDBClusterToPointInTimeCommand({
          ...base,
          UseLatestRestorableTime: true,
          RestoreToTime: clock.now(),
        }),
      ),
      'InvalidParameterCombination',
      400,
    );
    await assertFault(
      rds.send(new RestoreDBClusterToPointInTimeCommand(base)),
      'InvalidParameterCombination',
      400,
    );
    await assertFault(
      rds.send(
        new RestoreDBClusterToPointInTimeCommand({
          ...base,
          RestoreToTime: new Date(clock.now().getTime() + 60_000),
        }),
      ),
      'InvalidRestoreFault',
      400,
    );
  });

  test('delete refusals: instances left, deletion protection, no final-snapshot choice', async () => {
    await assertFault(
      rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'prod', SkipFinalSnapshot: true })),
      'InvalidDBClusterStateFault',
      400,
    );
    await assertFault(
      rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'empty' })),
      'InvalidParameterCombination',
      400,
    );
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'guarded',
        Engine: PG.Engine,
        DeletionProtection: true,
      }),
    );
    clock.advance(1_000);
    const msg = await assertFault(
      rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'guarded', SkipFinalSnapshot: true })),
      'InvalidParameterCombination',
      400,
    );
    assert.match(msg, /deletion protection/);
    await rds.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: 'guarded',
        DeletionProtection: false,
        ApplyImmediately: true,
      }),
    );
    await rds.send(
      new DeleteDBClusterCommand({
        DBClusterIdentifier: 'guarded',
        FinalDBSnapshotIdentifier: 'guarded-final',
      }),
    );
    await assertFault(
      rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'guarded', SkipFinalSnapshot: true })),
      'InvalidDBClusterStateFault',
      400,
    );
    clock.advance(1_000);
    await assertFault(
      rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'guarded' })),
      'DBClusterNotFoundFault',
      404,
    );
  });

  test('ModifyDBCluster: password rules and combinations; modifying until applied', async () => {
    await assertFault(
      rds.send(
        new ModifyDBClusterCommand({
          DBClusterIdentifier: 'prod',
          MasterUserPassword: 'long-enough-1',
          ManageMasterUserPassword: true,
        }),
      ),
      'InvalidParameterCombination',
      400,
    );
    await assertFault(
      rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: 'prod', MasterUserPassword: 'short' })),
      'InvalidParameterValue',
      400,
    );
    const changed = await rds.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: 'prod',
        MasterUserPassword: 'long-enough-1',
        ApplyImmediately: true,
      }),
    );
    assert.equal(changed.DBCluster?.Status, 'modifying');
    await assertFault(rds.send(cow('while-modifying', 'prod')), 'InvalidDBClusterStateFault', 400);
    clock.advance(300);
    const managed = await rds.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: 'prod',
        ManageMasterUserPassword: true,
        ApplyImmediately: true,
      }),
    );
    assert.match(
      managed.DBCluster?.MasterUserSecret?.SecretArn ?? '',
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:rds!cluster-/,
    );
    assert.equal(managed.DBCluster?.MasterUserSecret?.SecretStatus, 'creating');
    clock.advance(300);
    const later = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'prod' })))
      .DBClusters![0]!;
    assert.equal(later.Status, 'available');
    assert.equal(later.MasterUserSecret?.SecretStatus, 'active');
  });

  test('paging parameters: MaxRecords outside 20-100 and unknown filters: InvalidParameterValue (400)', async () => {
    await assertFault(
      rds.send(new DescribeDBClustersCommand({ MaxRecords: 19 })),
      'InvalidParameterValue',
      400,
    );
    await assertFault(
      rds.send(new DescribeDBClustersCommand({ MaxRecords: 101 })),
      'InvalidParameterValue',
      400,
    );
    await assertFault(
      rds.send(new DescribeDBClustersCommand({ Marker: 'garbage' })),
      'InvalidParameterValue',
      400,
    );
    await assertFault(
      rds.send(new DescribeDBClustersCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })),
      'InvalidParameterValue',
      400,
    );
  });

  test('quotas: DBClusterQuotaExceededFault (403), InstanceQuotaExceeded (400)', async () => {
    // Prepare: fill the cluster quota (8) and the instance quota (6).
    const existing = emulator.rds.clusters().length;
    for (let i = existing; i < 8; i++) await rds.send(cow(`q-${i}`, 'prod'));
    // Act / Assess
    await assertFault(rds.send(cow('one-too-many', 'prod')), 'DBClusterQuotaExceededFault', 403);
    await assertFault(
      rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'one-too-many', Engine: PG.Engine })),
      'DBClusterQuotaExceededFault',
      403,
    );
    const instances = emulator.rds.instances().length;
    for (let i = instances; i < 6; i++) {
      await rds.send(
        new CreateDBInstanceCommand({ ...PG, DBInstanceIdentifier: `qi-${i}`, DBClusterIdentifier: 'prod' }),
      );
    }
    await assertFault(
      rds.send(
        new CreateDBInstanceCommand({ ...PG, DBInstanceIdentifier: 'qi-extra', DBClusterIdentifier: 'prod' }),
      ),
      'InstanceQuotaExceeded',
      400,
    );
  });

  test('unknown actions and services get AWS errors, not a crash', async () => {
    const form = (body: string, headers: Record<string, string> = {}) =>
      fetch(emulator.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    const invalid = await form('Action=FlyToTheMoon&Version=2014-10-31');
    assert.equal(invalid.status, 400);
    const xml = await invalid.text();
    assert.match(
      xml,
      /^<ErrorResponse xmlns="http:\/\/rds\.amazonaws\.com\/doc\/2014-10-31\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/,
    );
    assert.match(xml, /<RequestId>[0-9a-f-]{36}<\/RequestId>/);

    const other = await form('Action=GetCallerIdentity&Version=2011-06-15', {
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20261125/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x',
    });
    assert.equal(other.status, 400);
    assert.match(
      await other.text(),
      /<Code>InvalidAction<\/Code><Message>The emulator does not serve sts\.<\/Message>/,
    );

    const json = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSQS.ListQueues' },
      body: '{}',
    });
    assert.equal(json.status, 400);
    assert.equal(((await json.json()) as { __type: string }).__type, 'UnknownOperationException');
  });
});
