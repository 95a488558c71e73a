// SSM Parameter Store adapter: the only place an SSM client is built.
import type { SSMClient } from '@aws-sdk/client-ssm';
import { awsError } from './call.ts';
import { type AwsConfig, clientConfig } from './config.ts';
import { SdkAdapter } from './sdk-adapter.ts';

type Sdk = typeof import('./sdk/ssm.ts');

export class SsmAdapter extends SdkAdapter<Sdk, SSMClient> {
  constructor(from: AwsConfig | SSMClient = {}) {
    super(
      'SSM',
      () => import('./sdk/ssm.ts'),
      from,
      (sdk, config) => new sdk.SSMClient(clientConfig(config, 'SSM')),
    );
  }

  /** The parameter's value (SecureString parameters decrypted). */
  async getParameter(name: string): Promise<string> {
    const [{ GetParameterCommand }, client] = await this.sdk();
    const out = await call('GetParameter', name, () =>
      client.send(new GetParameterCommand({ Name: name, WithDecryption: true })),
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
