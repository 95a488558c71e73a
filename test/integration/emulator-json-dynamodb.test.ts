// DynamoDB emulation (dynalite behind the emulator) through the real SDK v3 client, over HTTP.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type JsonEmulator, startJsonEmulator } from './emulator-json-harness.ts';

let emu: JsonEmulator;
let ddb: DynamoDBClient;

before(async () => {
  emu = await startJsonEmulator();
  ddb = new DynamoDBClient(emu.clientConfig);
});
after(async () => {
  ddb.destroy();
  await emu.close();
});

async function createLeaseTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

describe('DynamoDB emulation', () => {
  it('creates an ACTIVE table at once, with this account and region in its ARN', async () => {
    await createLeaseTable(ddb, 'leases');
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: 'leases' }));
    assert.equal(Table!.TableStatus, 'ACTIVE');
    assert.equal(Table!.TableArn, 'arn:aws:dynamodb:us-east-1:123456789012:table/leases');
  });

  it('enforces conditional writes with ConditionalCheckFailedException', async () => {
    await createLeaseTable(ddb, 'locks');
    const acquire = (owner: string) =>
      ddb.send(
        new PutItemCommand({
          TableName: 'locks',
          Item: { pk: { S: 'source-1' }, owner: { S: owner } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    await acquire('a');
    await assert.rejects(acquire('b'), { name: 'ConditionalCheckFailedException' });
    const { Item } = await ddb.send(
      new GetItemCommand({ TableName: 'locks', Key: { pk: { S: 'source-1' } } }),
    );
    assert.equal(Item!['owner']!.S, 'a');

    const updated = await ddb.send(
      new UpdateItemCommand({
        TableName: 'locks',
        Key: { pk: { S: 'source-1' } },
        UpdateExpression: 'SET #o = :new',
        ConditionExpression: '#o = :old',
        ExpressionAttributeNames: { '#o': 'owner' },
        ExpressionAttributeValues: { ':new': { S: 'c' }, ':old': { S: 'a' } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    assert.equal(updated.Attributes!['owner']!.S, 'c');
  });

  it('answers ResourceNotFoundException and ResourceInUseException as DynamoDB does', async () => {
    await assert.rejects(ddb.send(new GetItemCommand({ TableName: 'nope', Key: { pk: { S: 'x' } } })), {
      name: 'ResourceNotFoundException',
    });
    await createLeaseTable(ddb, 'twice');
    await assert.rejects(createLeaseTable(ddb, 'twice'), { name: 'ResourceInUseException' });
  });

  it('keeps regions apart and drops every table on reset', async () => {
    await createLeaseTable(ddb, 'regional');
    const eu = new DynamoDBClient({ ...emu.clientConfig, region: 'eu-west-1' });
    await assert.rejects(eu.send(new DescribeTableCommand({ TableName: 'regional' })), {
      name: 'ResourceNotFoundException',
    });
    await createLeaseTable(eu, 'regional');
    const { Table } = await eu.send(new DescribeTableCommand({ TableName: 'regional' }));
    assert.equal(Table!.TableArn, 'arn:aws:dynamodb:eu-west-1:123456789012:table/regional');
    eu.destroy();

    emu.services.dynamodb.reset();
    await assert.rejects(ddb.send(new DescribeTableCommand({ TableName: 'regional' })), {
      name: 'ResourceNotFoundException',
    });
  });
});
