// What the Secrets Manager adapter (../secrets.ts) uses of its SDK client, loaded on the adapter's first call.
// Named, so the Lambda bundle leaves out the commands nobody sends.
export {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutResourcePolicyCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
// The SDK's process-wide state comes with the client: one import, not two (each costs a cold start).
export { state as sdkState } from '@aws-sdk/core/client';
