// The CLI against moto_server, an AWS emulator nobody here wrote: proof that the commands speak plain
// RDS (and DynamoDB, for the lease) rather than only our emulator's dialect. moto has no clone groups
// and its clusters are available at once, so this checks the wire, not the pool's timing.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { CreateDBClusterCommand, CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import type { PoolStatus, ProvisionResult } from '../../src/model/api.ts';
import { startMoto } from '../helpers/moto.ts';
import { clusterList, errorLine, jsonOf, runCli } from './cli-harness.ts';

describe('CLI against moto_server', () => {
  let moto: { url: string; process: ChildProcess } | undefined;
  let at: string[];

  before(async () => {
    moto = await startMoto();
    at = ['--endpoint-url', moto.url, '--region', 'us-east-1'];
    const rds = new RDSClient({
      endpoint: moto.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'moto-prod',
        Engine: 'aurora-postgresql',
        MasterUsername: 'postgres',
        MasterUserPassword: 'not-a-secret-1',
      }),
    );
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'moto-prod-writer',
        DBClusterIdentifier: 'moto-prod',
        Engine: 'aurora-postgresql',
        DBInstanceClass: 'db.r6g.large',
      }),
    );
    rds.destroy();
  });
  after(() => {
    moto?.process.kill('SIGTERM');
  });

  it('status, clone --no-copy and delete work through plain RDS calls', async () => {
    const status = await runCli(['status', '--source', 'moto-prod', '--json', ...at]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal((jsonOf(status) as PoolStatus).freeCapacity, 15);

    const clone = await runCli([
      'clone',
      '--source',
      'moto-prod',
      '--cluster-id',
      'moto-c1',
      '--no-copy',
      '--json',
      ...at,
    ]);
    assert.equal(clone.code, 0, clone.stderr);
    const made = jsonOf(clone) as ProvisionResult;
    assert.equal(made.clusterId, 'moto-c1');
    assert.equal(made.sourceClusterId, 'moto-prod');
    assert.ok((await clusterList(moto!.url)).includes('moto-c1'));

    const human = await runCli(['status', '--source', 'moto-prod', ...at]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^ {2}moto-c1 +moto-prod /m);
    assert.match(human.stdout, /^Free capacity: 14 clone slots$/m);

    const refused = await runCli(['delete', 'moto-prod', ...at]);
    assert.equal(refused.code, 1);
    assert.match(errorLine(refused), /refusing to touch cluster moto-prod/);

    const deleted = await runCli(['delete', 'moto-c1', '--wait', ...at]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.ok(!(await clusterList(moto!.url)).includes('moto-c1'));
    assert.ok((await clusterList(moto!.url)).includes('moto-prod'));
  });
});
