// Secrets Manager adapter: the only place a Secrets Manager client is built. No logic beyond
// mapping arguments to commands and SDK errors to AwsCallError.
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutResourcePolicyCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { awsError } from './call.ts';
import { type AwsConfig, clientConfig } from './config.ts';

export interface CreateSecretInput {
  name: string;
  secretString: string;
  kmsKeyId?: string;
  description?: string;
  tags?: Record<string, string>;
}

export class SecretsAdapter {
  readonly client: SecretsManagerClient;

  constructor(from: AwsConfig | SecretsManagerClient = {}) {
    this.client =
      from instanceof SecretsManagerClient
        ? from
        : new SecretsManagerClient(clientConfig(from, 'SECRETS_MANAGER'));
  }

  async createSecret(input: CreateSecretInput): Promise<{ arn: string; name: string }> {
    const out = await call('CreateSecret', { secret: input.name }, () =>
      this.client.send(
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
    const out = await call('GetSecretValue', { secret: secretId }, () =>
      this.client.send(new GetSecretValueCommand({ SecretId: secretId })),
    );
    return out.SecretString;
  }

  async putResourcePolicy(secretId: string, policy: object): Promise<void> {
    await call('PutResourcePolicy', { secret: secretId }, () =>
      this.client.send(
        new PutResourcePolicyCommand({ SecretId: secretId, ResourcePolicy: JSON.stringify(policy) }),
      ),
    );
  }

  /** With force, the secret is deleted at once (no recovery window). */
  async deleteSecret(secretId: string, options: { force: boolean }): Promise<void> {
    await call('DeleteSecret', { secret: secretId }, () =>
      this.client.send(
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
