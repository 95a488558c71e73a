// Lambda adapter: the only place a Lambda client is built. Used for the custom resource's
// asynchronous self-invocation (a continuation Lambda retries if it crashes).
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { awsError } from './call.ts';
import { type AwsConfig, clientConfig } from './config.ts';
import { SdkAdapter } from './sdk-adapter.ts';

type Sdk = typeof import('./sdk/lambda.ts');

export class LambdaAdapter extends SdkAdapter<Sdk, LambdaClient> {
  constructor(from: AwsConfig | LambdaClient = {}) {
    super(
      'Lambda',
      () => import('./sdk/lambda.ts'),
      from,
      (sdk, config) => new sdk.LambdaClient(clientConfig(config, 'LAMBDA')),
    );
  }

  /** InvocationType=Event: Lambda queues the payload and answers 202 at once. */
  async invokeAsync(functionName: string, payload: unknown): Promise<{ statusCode: number }> {
    const [{ InvokeCommand }, client] = await this.sdk();
    const out = await call(functionName, () =>
      client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      ),
    );
    return { statusCode: out.StatusCode ?? 0 };
  }
}

async function call<T>(functionName: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw awsError('lambda:Invoke', err, { functionName });
  }
}
