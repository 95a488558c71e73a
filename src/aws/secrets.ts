// Secrets Manager adapter: the only place a Secrets Manager client is built. No logic beyond
// mapping arguments to commands and SDK errors to AwsCallError.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsError } from './call.ts';
import { type AwsConfig, clientConfig } from './config.ts';
import { SdkAdapter } from './sdk-adapter.ts';

type Sdk = typeof import('./sdk/secrets.ts');

export interface CreateSecretInput {
  name: string;
  secretString: string;
  kmsKeyId?: string;
  description?: string;
  tags?: Record<string, string>;
}

export class SecretsAdapter extends SdkAdapter<Sdk, SecretsManagerClient> {
  constructor(from: AwsConfig | SecretsManagerClient = {}) {
    super(
      'Secrets Manager',
      () => import('./sdk/secrets.ts'),
      from,
      (sdk, config) => new sdk.SecretsManagerClient(clientConfig(config, 'SECRETS_MANAGER')),
    );
  }

  async createSecret(input: CreateSecretInput): Promise<{ arn: string; name: string }> {
    const [{ CreateSecretCommand }, client] = await this.sdk();
    const out = await call('CreateSecret', { secret: input.name }, () =>
      client.send(
        new CreateSecretCommand({
          Name: input.name,
          SecretString: input.secretString,
          ...(input.kmsKeyId ? { KmsKeyId: input.kmsKeyId } : {}),
          ...(input.description ? { Description: input.description } : {}),
          ...(input.tags ? { Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
        }),
      ),
    );
    return { arn: out.ARN ?? '', name: out.Name ?? input.name };
  }

  /** The SecretString of the current version (undefined for binary secrets). */
  async getSecretValue(secretId: string): Promise<string | undefined> {
    const [{ GetSecretValueCommand }, client] = await this.sdk();
    const out = await call('GetSecretValue', { secret: secretId }, () =>
      client.send(new GetSecretValueCommand({ SecretId: secretId })),
    );
    return out.SecretString;
  }

  async putResourcePolicy(secretId: string, policy: object): Promise<void> {
    const [{ PutResourcePolicyCommand }, client] = await this.sdk();
    await call('PutResourcePolicy', { secret: secretId }, () =>
      client.send(
        new PutResourcePolicyCommand({ SecretId: secretId, ResourcePolicy: JSON.stringify(policy) }),
      ),
    );
  }

  /** With force, the secret is deleted at once (no recovery window). */
  async deleteSecret(secretId: string, options: { force: boolean }): Promise<void> {
    const [{ DeleteSecretCommand }, client] = await this.sdk();
    await call('DeleteSecret', { secret: secretId }, () =>
      client.send(
        new DeleteSecretCommand(
          options.force ? { SecretId: secretId, ForceDeleteWithoutRecovery: true } : { SecretId: secretId },
        ),
      ),
    );
  }
}

async function call<T>(action: string, context: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw awsError(`secretsmanager:${action}`, err, context);
  }
}
