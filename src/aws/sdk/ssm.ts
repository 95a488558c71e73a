// What the SSM adapter (../ssm.ts) uses of its SDK client, loaded on the adapter's first call.
// Named, so the Lambda bundle leaves out the commands nobody sends.
export {
  GetParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
