// What the DynamoDB adapter (../dynamodb.ts) uses of its SDK client, loaded on the adapter's first call.
// Named, so the Lambda bundle leaves out the commands nobody sends.
export {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
// The SDK's process-wide state comes with the client: one import, not two (each costs a cold start).
export { state as sdkState } from '@aws-sdk/core/client';
