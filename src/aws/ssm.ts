// SSM Parameter Store adapter: the only place an SSM client is built.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { awsError } from './call.ts';
import { type AwsConfig, clientConfig } from './config.ts';

export class SsmAdapter {
  readonly client: SSMClient;

  constructor(from: AwsConfig | SSMClient = {}) {
    this.client = from instanceof SSMClient ? from : new SSMClient(clientConfig(from, 'SSM'));
  }

  /** The parameter's value (SecureString parameters decrypted). */
  async getParameter(name: string): Promise<string> {
    const out = await call('GetParameter', name, () =>
      this.client.send(new GetParameterCommand({ Name: name, WithDecryption: true })),
    );
    return out.Parameter?.Value ?? '';
  }
}

async function call<T>(action: string, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw awsError(`ssm:${action}`, err, { parameter: name });
  }
}
