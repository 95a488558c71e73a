// KMS adapter: the only place a KMS client is built. No logic beyond argument mapping.
import type { KMSClient } from '@aws-sdk/client-kms';
import { awsError } from './call.ts';
import { type AwsConfig, clientConfig } from './config.ts';
import { SdkAdapter } from './sdk-adapter.ts';

type Sdk = typeof import('./sdk/kms.ts');

export interface KeyInfo {
  keyId: string;
  arn: string;
  keyState?: string;
  deletionDate?: Date;
}

export class KmsAdapter extends SdkAdapter<Sdk, KMSClient> {
  constructor(from: AwsConfig | KMSClient = {}) {
    super(
      'KMS',
      () => import('./sdk/kms.ts'),
      from,
      (sdk, config) => new sdk.KMSClient(clientConfig(config, 'KMS')),
    );
  }

  /** A symmetric encryption key; without a policy KMS gives it the default (account root) policy. */
  async createKey(input: {
    description?: string;
    tags?: Record<string, string>;
    policy?: object;
  }): Promise<KeyInfo> {
    const [{ CreateKeyCommand }, client] = await this.sdk();
    const out = await call('CreateKey', {}, () =>
      client.send(
        new CreateKeyCommand({
          ...(input.description ? { Description: input.description } : {}),
          ...(input.policy ? { Policy: JSON.stringify(input.policy) } : {}),
          ...(input.tags
            ? { Tags: Object.entries(input.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) }
            : {}),
        }),
      ),
    );
    return keyInfo(out.KeyMetadata);
  }

  async putKeyPolicy(keyId: string, policy: object): Promise<void> {
    const [{ PutKeyPolicyCommand }, client] = await this.sdk();
    await call('PutKeyPolicy', { keyId }, () =>
      client.send(
        new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify(policy) }),
      ),
    );
  }

  /** Returns when the key will be deleted. */
  async scheduleKeyDeletion(keyId: string, pendingWindowInDays: number): Promise<Date | undefined> {
    const [{ ScheduleKeyDeletionCommand }, client] = await this.sdk();
    const out = await call('ScheduleKeyDeletion', { keyId }, () =>
      client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: pendingWindowInDays })),
    );
    return out.DeletionDate;
  }

  async describeKey(keyId: string): Promise<KeyInfo> {
    const [{ DescribeKeyCommand }, client] = await this.sdk();
    const out = await call('DescribeKey', { keyId }, () =>
      client.send(new DescribeKeyCommand({ KeyId: keyId })),
    );
    return keyInfo(out.KeyMetadata);
  }
}

function keyInfo(
  m: { KeyId?: string; Arn?: string; KeyState?: string; DeletionDate?: Date } | undefined,
): KeyInfo {
  return {
    keyId: m?.KeyId ?? '',
    arn: m?.Arn ?? '',
    ...(m?.KeyState ? { keyState: m.KeyState } : {}),
    ...(m?.DeletionDate ? { deletionDate: m.DeletionDate } : {}),
  };
}

async function call<T>(action: string, context: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw awsError(`kms:${action}`, err, context);
  }
}
