// The only module that builds a DynamoDB client: the lease table's few calls.
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AwsAlreadyExistsError, AwsNotFoundError } from '../util/errors.ts';
import { awsCall, awsError } from './call.ts';
import { type AwsConfig, clientConfig } from './config.ts';
import { SdkAdapter } from './sdk-adapter.ts';

export type Item = Record<string, AttributeValue>;

type Sdk = typeof import('./sdk/dynamodb.ts');

export class DynamoDbAdapter extends SdkAdapter<Sdk, DynamoDBClient> {
  constructor(clientOrConfig: DynamoDBClient | AwsConfig = {}) {
    super(
      'DynamoDB',
      () => import('./sdk/dynamodb.ts'),
      clientOrConfig,
      (sdk, config) => new sdk.DynamoDBClient(clientConfig(config, 'DYNAMODB')),
    );
  }

  /** 'ACTIVE', 'CREATING' …, or undefined when the table does not exist. */
  async tableStatus(table: string): Promise<string | undefined> {
    const [{ DescribeTableCommand }, client] = await this.sdk();
    try {
      const r = await awsCall('dynamodb:DescribeTable', { table }, () =>
        client.send(new DescribeTableCommand({ TableName: table })),
      );
      return r.Table?.TableStatus;
    } catch (err) {
      if (err instanceof AwsNotFoundError) return undefined;
      throw err;
    }
  }

  /** A table keyed by `pk` (string), billed per request. */
  async createTable(table: string): Promise<void> {
    const [{ CreateTableCommand }, client] = await this.sdk();
    try {
      await awsCall('dynamodb:CreateTable', { table }, () =>
        client.send(
          new CreateTableCommand({
            TableName: table,
            AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        ),
      );
    } catch (err) {
      // Made meanwhile by another process: what was wanted.
      if (!(err instanceof AwsAlreadyExistsError)) throw err;
    }
  }

  /** One item by key, read consistently; undefined when the table or the item does not exist. */
  async getItem(table: string, key: Item): Promise<Item | undefined> {
    const [{ GetItemCommand }, client] = await this.sdk();
    try {
      const r = await awsCall('dynamodb:GetItem', { table }, () =>
        client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true })),
      );
      return r.Item;
    } catch (err) {
      if (err instanceof AwsNotFoundError) return undefined;
      throw err;
    }
  }

  /** Conditional update; returns the item after the update, or undefined when the condition failed. */
  async conditionalUpdate(input: UpdateInput & { condition: string }): Promise<Item | undefined> {
    const r = await this.tryUpdate(input);
    return r.ok ? r.item : undefined;
  }

  /**
   * Update, conditional when `condition` is given. When the condition fails: `ok` false, with the item
   * as it was (ReturnValuesOnConditionCheckFailure ALL_OLD) when `seeOnFailure` asks for it.
   */
  async tryUpdate(
    input: UpdateInput & { seeOnFailure?: boolean },
  ): Promise<{ ok: true; item: Item } | { ok: false; item?: Item }> {
    const [{ UpdateItemCommand, ConditionalCheckFailedException }, client] = await this.sdk();
    try {
      const r = await client.send(
        new UpdateItemCommand({
          TableName: input.table,
          Key: input.key,
          UpdateExpression: input.update,
          ...(input.condition ? { ConditionExpression: input.condition } : {}),
          ExpressionAttributeNames: input.names,
          ...(Object.keys(input.values).length ? { ExpressionAttributeValues: input.values } : {}),
          ReturnValues: 'ALL_NEW',
          ...(input.seeOnFailure ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
        }),
      );
      return { ok: true, item: r.Attributes ?? {} };
    } catch (err) {
      // The condition failed: someone else holds the lease. Anything else is an error.
      if (err instanceof ConditionalCheckFailedException)
        return { ok: false, ...(err.Item ? { item: err.Item } : {}) };
      throw awsError('dynamodb:UpdateItem', err, { table: input.table });
    }
  }
}

interface UpdateInput {
  table: string;
  key: Item;
  update: string;
  condition?: string;
  names: Record<string, string>;
  values: Item;
}
