// The JSON-protocol services inside the real emulator (startEmulator): same port as RDS, the state
// file across a restart, and fault injection answered in each service's own protocol.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startEmulator } from '../../src/emulator/index.ts';
import { jsonServicesIn } from '../../src/emulator/services/json-services.ts';

const config = (url: string) => ({
  endpoint: url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acm-json-state-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JSON-protocol services in the emulator server', () => {
  it('serve on the same port as RDS and keep their state across a restart (DynamoDB excepted)', async () => {
    const statePath = join(dir, 'state.json');
    const first = await startEmulator({ statePath });
    const sm = new SecretsManagerClient(config(first.url));
    const ssm = new SSMClient(config(first.url));
    const rds = new RDSClient(config(first.url));
    await sm.send(new CreateSecretCommand({ Name: 'kept', SecretString: 'v' }));
    await ssm.send(new PutParameterCommand({ Name: '/kept', Value: 'p', Type: 'String' }));
    const clusters = await rds.send(new DescribeDBClustersCommand({}));
    assert.ok(Array.isArray(clusters.DBClusters));
    await first.stop();

    const second = await startEmulator({ statePath });
    const sm2 = new SecretsManagerClient(config(second.url));
    const ssm2 = new SSMClient(config(second.url));
    assert.equal((await sm2.send(new GetSecretValueCommand({ SecretId: 'kept' }))).SecretString, 'v');
    assert.equal((await ssm2.send(new GetParameterCommand({ Name: '/kept' }))).Parameter!.Value, 'p');
    for (const c of [sm, ssm, rds, sm2, ssm2]) c.destroy();
    await second.stop();
  });

  it('answer injected faults in their own protocol, and expose the in-process Lambda', async () => {
    const emu = await startEmulator();
    const services = jsonServicesIn(emu.services);
    services.lambda.registerFunction('fn', async () => 'ok');
    services.lambda.setAsyncRetryDelays([1]);
    services.lambda.registerFunction('fails', async () => {
      throw new Error('always');
    });
    const lambda = new LambdaClient(config(emu.url));
    const ddb = new DynamoDBClient(config(emu.url));
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'fn' }));
    assert.equal(new TextDecoder().decode(out.Payload), '"ok"');

    await lambda.send(new InvokeCommand({ FunctionName: 'fails', InvocationType: 'Event' }));
    await services.lambda.idle();
    assert.equal(services.lambda.failedInvocations()[0]!.attempts, 2);

    emu.setFaults({ throttleRate: 1 });
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'fn' })), { name: 'Throttling' });
    await assert.rejects(ddb.send(new DescribeTableCommand({ TableName: 'missing-table' })), {
      name: 'Throttling',
    });
    emu.setFaults({ throttleRate: 0, errorRate: 1 });
    await assert.rejects(
      ddb.send(new DescribeTableCommand({ TableName: 'missing-table' })),
      (err: Error & { $fault?: string }) => {
        assert.equal(err.name, 'InternalFailure');
        assert.equal(err.$fault, 'server');
        return true;
      },
    );
    emu.setFaults({ errorRate: 0 });
    await assert.rejects(ddb.send(new DescribeTableCommand({ TableName: 'missing-table' })), {
      name: 'ResourceNotFoundException',
    });
    assert.ok(emu.stats());
    lambda.destroy();
    ddb.destroy();
    await emu.stop();
  });
});
