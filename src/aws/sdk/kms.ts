// What the KMS adapter (../kms.ts) uses of its SDK client, loaded on the adapter's first call.
// Named, so the Lambda bundle leaves out the commands nobody sends.
export {
  CreateKeyCommand,
  DescribeKeyCommand,
  KMSClient,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
// The SDK's process-wide state comes with the client: one import, not two (each costs a cold start).
export { state as sdkState } from '@aws-sdk/core/client';
