// Nothing is created in a real account without the user asking: the lease table comes from the
// manager's stack there; only a local endpoint (the emulator, moto) gets one made on first use.
// And the AWS side can be handed in: SDK clients or whole adapters.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { RdsAdapter } from '../../src/aws/rds.ts';
import { provisionClone } from '../../src/engine/api.ts';
import { ValidationError } from '../../src/util/errors.ts';
import { type EngineEnv, engineEnv } from '../helpers/engine-env.ts';

describe('the lease table', () => {
  let env: EngineEnv;
  let dynamodb: DynamoDBClient;
  const tables = async () => (await dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
  before(async () => {
    env = await engineEnv();
    dynamodb = new DynamoDBClient({
      endpoint: env.emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  after(async () => {
    await env.emulator.stop();
  });

  it('is made on first use against a local endpoint', async () => {
    await provisionClone(
      { sourceClusterId: 'prod', dryRun: false },
      { ...env.options, leaseTable: 'made-locally' },
    );
    assert.ok((await tables()).includes('made-locally'));
  });

  it('uses an adapter or SDK client handed in through the options', async () => {
    // Prepare: an RDS adapter that counts its calls
    const calls: string[] = [];
    const rds = new RdsAdapter(env.options.aws ?? {}, (action) => calls.push(action));
    // Act
    await provisionClone({ sourceClusterId: 'prod', dryRun: true }, { ...env.options, clients: { rds } });
    // Assess
    assert.ok(calls.includes('DescribeDBClusters'), calls.join(', '));
  });

  it('is not made in what looks like a real account: the error says how to get one', async () => {
    // Prepare: clients handed in, no endpoint in the configuration: to the manager this is AWS.
    const before = await tables();
    const rds = new RDSClient({
      endpoint: env.emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const options = { leaseTable: 'not-made', clients: { dynamodb, rds }, aws: { region: 'us-east-1' } };
    // Act / Assess
    await assert.rejects(
      provisionClone({ sourceClusterId: 'prod' }, options),
      (err: unknown) =>
        err instanceof ValidationError &&
        err.field === 'leaseTable' &&
        /not-made does not exist in this account and Region: deploy the manager's stack/.test(err.message),
    );
    assert.deepEqual(await tables(), before);
  });
});
