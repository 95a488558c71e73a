// What the RDS adapter (../rds.ts) uses of its SDK client, loaded on the adapter's first call.
// Named, so the Lambda bundle leaves out the commands nobody sends.
export {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
  RDSClient,
  RemoveTagsFromResourceCommand,
  RestoreDBClusterToPointInTimeCommand,
} from '@aws-sdk/client-rds';
// The SDK's process-wide state comes with the client: one import, not two (each costs a cold start).
export { state as sdkState } from '@aws-sdk/core/client';
