// The emulator through the AWS CLI, a client nobody here wrote (botocore's own Query encoding and
// XML parsing). A representative subset: each CLI call costs about half a second.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateDBClusterCommand } from '@aws-sdk/client-rds';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { awsCli, hasAwsCli } from './emulator-cli-harness.ts';
import { rdsClient } from './emulator-rds-harness.ts';

describe('emulator: through the AWS CLI', {
  skip: hasAwsCli ? false : 'the aws command is not installed (.ci/run installs it)',
}, () => {
  let emulator: RunningEmulator;
  let clock: ManualClock;

  // Asynchronous on purpose: the emulator answers from this same process.
  const aws = (...args: string[]) => awsCli(emulator.url, 'rds', ...args);
  const ok = async (...args: string[]) => {
    const r = await aws(...args);
    assert.equal(r.code, 0, `aws rds ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
  };

  before(async () => {
    clock = new ManualClock('2026-11-25T08:00:00Z');
    emulator = await startEmulator({ clock, quotas: { clusters: 200 } });
  });
  after(() => emulator.stop());

  test('create a source with a writer, clone it with tags and network settings, describe, delete', async () => {
    // Create the source: lists in botocore's spelling (Tags.Tag.N, VpcSecurityGroupIds.VpcSecurityGroupId.N).
    const created = (
      await ok(
        'create-db-cluster',
        '--db-cluster-identifier',
        'cli-prod',
        '--engine',
        'aurora-postgresql',
        '--vpc-security-group-ids',
        'sg-0aaa',
        'sg-0bbb',
        '--db-subnet-group-name',
        'private',
        '--tags',
        'Key=team,Value=data',
        'Key=env,Value=prod',
      )
    ).DBCluster as Record<string, unknown>;
    assert.equal(created.Status, 'creating');
    assert.deepEqual(created.TagList, [
      { Key: 'team', Value: 'data' },
      { Key: 'env', Value: 'prod' },
    ]);
    await ok(
      'create-db-instance',
      '--db-instance-identifier',
      'cli-prod-w',
      '--db-cluster-identifier',
      'cli-prod',
      '--engine',
      'aurora-postgresql',
      '--db-instance-class',
      'db.r6g.large',
    );
    clock.advance(1_000);

    const source = (
      (await ok('describe-db-clusters', '--db-cluster-identifier', 'cli-prod')).DBClusters as Record<
        string,
        unknown
      >[]
    )[0]!;
    assert.equal(source.Status, 'available');
    assert.deepEqual(source.DBClusterMembers, [
      {
        DBInstanceIdentifier: 'cli-prod-w',
        IsClusterWriter: true,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: 1,
      },
    ]);
    assert.deepEqual(
      (source.VpcSecurityGroups as { VpcSecurityGroupId: string }[]).map((g) => g.VpcSecurityGroupId),
      ['sg-0aaa', 'sg-0bbb'],
    );

    // Clone it.
    const clone = (
      await ok(
        'restore-db-cluster-to-point-in-time',
        '--db-cluster-identifier',
        'cli-clone',
        '--source-db-cluster-identifier',
        'cli-prod',
        '--restore-type',
        'copy-on-write',
        '--use-latest-restorable-time',
        '--db-subnet-group-name',
        'private',
        '--vpc-security-group-ids',
        'sg-0aaa',
        '--deletion-protection',
        '--tags',
        'Key=role,Value=clone',
      )
    ).DBCluster as Record<string, unknown>;
    assert.equal(clone.CloneGroupId, source.CloneGroupId);
    assert.equal(clone.DBSubnetGroup, 'private');
    assert.equal(clone.DeletionProtection, true);

    const group = (
      await ok(
        'describe-db-clusters',
        '--filters',
        `Name=clone-group-id,Values=${String(source.CloneGroupId)}`,
      )
    ).DBClusters as { DBClusterIdentifier: string }[];
    assert.deepEqual(
      group.map((c) => c.DBClusterIdentifier),
      ['cli-clone', 'cli-prod'],
    );

    // Tags: add, remove (TagKeys.member.N), list.
    const arn = String(clone.DBClusterArn);
    await ok('add-tags-to-resource', '--resource-name', arn, '--tags', 'Key=owner,Value=ci');
    await ok('remove-tags-from-resource', '--resource-name', arn, '--tag-keys', 'role');
    assert.deepEqual((await ok('list-tags-for-resource', '--resource-name', arn)).TagList, [
      { Key: 'owner', Value: 'ci' },
    ]);

    // Managed master password.
    clock.advance(1_000);
    const modified = (
      await ok(
        'modify-db-cluster',
        '--db-cluster-identifier',
        'cli-clone',
        '--manage-master-user-password',
        '--no-deletion-protection',
        '--apply-immediately',
      )
    ).DBCluster as { MasterUserSecret?: { SecretArn: string }; DeletionProtection: boolean };
    assert.match(modified.MasterUserSecret?.SecretArn ?? '', /secret:rds!cluster-/);
    assert.equal(modified.DeletionProtection, false);

    // Delete: the instance first, then the cluster.
    const refused = await aws(
      'delete-db-cluster',
      '--db-cluster-identifier',
      'cli-prod',
      '--skip-final-snapshot',
    );
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /\(InvalidDBClusterStateFault\)/);
    await ok('delete-db-instance', '--db-instance-identifier', 'cli-prod-w');
    const deleting = (
      await ok('delete-db-cluster', '--db-cluster-identifier', 'cli-prod', '--skip-final-snapshot')
    ).DBCluster as { Status: string };
    assert.equal(deleting.Status, 'deleting');
  });

  test('errors carry AWS codes the CLI prints', async () => {
    const missing = await aws('describe-db-clusters', '--db-cluster-identifier', 'nope');
    assert.notEqual(missing.code, 0);
    assert.match(
      missing.stderr,
      /An error occurred \(DBClusterNotFoundFault\) when calling the DescribeDBClusters operation: DBCluster nope not found\./,
    );
    const badId = await aws(
      'create-db-cluster',
      '--db-cluster-identifier',
      'bad--id',
      '--engine',
      'aurora-postgresql',
    );
    assert.match(badId.stderr, /\(InvalidParameterValue\)/);
  });

  test('the CLI pages through 150 clusters (Filters.Filter.N.Values.Value.N, Marker), each exactly once', async () => {
    const rds = rdsClient(emulator);
    for (let i = 0; i < 150; i++) {
      await rds.send(
        new CreateDBClusterCommand({ DBClusterIdentifier: `many-${i}`, Engine: 'aurora-mysql' }),
      );
    }
    const out = await ok(
      'describe-db-clusters',
      '--page-size',
      '40',
      '--filters',
      'Name=engine,Values=aurora-mysql,neptune',
    );
    const ids = (out.DBClusters as { DBClusterIdentifier: string }[]).map((c) => c.DBClusterIdentifier);
    assert.equal(ids.length, 150);
    assert.equal(new Set(ids).size, 150);
    assert.equal(emulator.stats().actions.DescribeDBClusters!.count >= 4, true, '150 / 40 = 4 pages');
  });
});
