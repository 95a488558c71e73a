// What the Lambda adapter (../lambda.ts) uses of its SDK client, loaded on the adapter's first call.
// Named, so the Lambda bundle leaves out the commands nobody sends.
export {
  InvokeCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
// The SDK's process-wide state comes with the client: one import, not two (each costs a cold start).
export { state as sdkState } from '@aws-sdk/core/client';
