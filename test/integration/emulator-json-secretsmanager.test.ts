// Secrets Manager emulation through the real SDK v3 client, over HTTP.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DisableKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { ManualClock } from '../../src/util/clock.ts';
import { type JsonEmulator, startJsonEmulator } from './emulator-json-harness.ts';

const clock = new ManualClock('2026-11-25T10:00:00Z');
let emu: JsonEmulator;
let sm: SecretsManagerClient;
let kms: KMSClient;

before(async () => {
  emu = await startJsonEmulator({ clock });
  sm = new SecretsManagerClient(emu.clientConfig);
  kms = new KMSClient(emu.clientConfig);
});
after(async () => {
  sm.destroy();
  kms.destroy();
  await emu.close();
});
beforeEach(() => {
  emu.services.secretsmanager.reset();
  emu.services.kms.reset();
});

async function newKey(alias?: string): Promise<string> {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  if (alias) await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata!.KeyId }));
  return KeyMetadata!.KeyId!;
}

async function rejectsWith(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name, err.message);
    return true;
  });
}

describe('Secrets Manager emulation', () => {
  it('creates a secret with an AWS-shaped ARN and returns its value by name and by ARN', async () => {
    await newKey('alias/acm');
    const created = await sm.send(
      new CreateSecretCommand({
        Name: '/aurora-clone-manager/password/clone-1',
        SecretString: 's3cret',
        KmsKeyId: 'alias/acm',
        Description: 'clone password',
        Tags: [{ Key: 'team', Value: 'db' }],
      }),
    );
    assert.match(
      created.ARN!,
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:\/aurora-clone-manager\/password\/clone-1-[A-Za-z0-9]{6}$/,
    );
    assert.ok(created.VersionId);

    const byName = await sm.send(
      new GetSecretValueCommand({ SecretId: '/aurora-clone-manager/password/clone-1' }),
    );
    assert.equal(byName.SecretString, 's3cret');
    assert.deepEqual(byName.VersionStages, ['AWSCURRENT']);
    assert.ok(byName.CreatedDate instanceof Date);
    const byArn = await sm.send(new GetSecretValueCommand({ SecretId: created.ARN! }));
    assert.equal(byArn.SecretString, 's3cret');
    const byPartialArn = await sm.send(new GetSecretValueCommand({ SecretId: created.ARN!.slice(0, -7) }));
    assert.equal(byPartialArn.Name, '/aurora-clone-manager/password/clone-1');

    const described = await sm.send(new DescribeSecretCommand({ SecretId: created.ARN! }));
    assert.equal(described.KmsKeyId, 'alias/acm');
    assert.equal(described.Description, 'clone password');
    assert.deepEqual(described.Tags, [{ Key: 'team', Value: 'db' }]);
    assert.deepEqual(described.VersionIdsToStages, { [created.VersionId!]: ['AWSCURRENT'] });
  });

  it('refuses a second secret with the same name (ResourceExistsException) and a bad name', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'a' }));
    await rejectsWith(
      sm.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'b' })),
      'ResourceExistsException',
    );
    await rejectsWith(sm.send(new CreateSecretCommand({ Name: 'bad name!' })), 'InvalidParameterException');
  });

  it('answers ResourceNotFoundException for unknown secrets and secrets without a value', async () => {
    await rejectsWith(sm.send(new GetSecretValueCommand({ SecretId: 'nope' })), 'ResourceNotFoundException');
    await rejectsWith(sm.send(new DescribeSecretCommand({ SecretId: 'nope' })), 'ResourceNotFoundException');
    await sm.send(new CreateSecretCommand({ Name: 'empty' }));
    await rejectsWith(sm.send(new GetSecretValueCommand({ SecretId: 'empty' })), 'ResourceNotFoundException');
  });

  it('moves AWSCURRENT to a new version on PutSecretValue and keeps the old one as AWSPREVIOUS', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'rotating', SecretString: 'v1' }));
    const put = await sm.send(new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v2' }));
    assert.deepEqual(put.VersionStages, ['AWSCURRENT']);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'rotating' }))).SecretString, 'v2');
    const previous = await sm.send(
      new GetSecretValueCommand({ SecretId: 'rotating', VersionStage: 'AWSPREVIOUS' }),
    );
    assert.equal(previous.SecretString, 'v1');
    // The same client token with a different value is a conflict, with the same value a no-op.
    const token = '11111111-2222-3333-4444-555555555555';
    await sm.send(
      new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v3', ClientRequestToken: token }),
    );
    const again = await sm.send(
      new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v3', ClientRequestToken: token }),
    );
    assert.equal(again.VersionId, token);
    await rejectsWith(
      sm.send(
        new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v4', ClientRequestToken: token }),
      ),
      'ResourceExistsException',
    );
  });

  it('schedules deletion with a recovery window: the secret is unusable, still described, and restorable', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'x' }));
    const del = await sm.send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 7 }));
    assert.equal(del.DeletionDate!.toISOString(), '2026-12-02T10:00:00.000Z');
    await rejectsWith(sm.send(new GetSecretValueCommand({ SecretId: 'doomed' })), 'InvalidRequestException');
    await rejectsWith(
      sm.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'y' })),
      'InvalidRequestException',
    );
    await rejectsWith(sm.send(new DeleteSecretCommand({ SecretId: 'doomed' })), 'InvalidRequestException');
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'doomed' }));
    assert.ok(described.DeletedDate instanceof Date);
    assert.equal((await sm.send(new ListSecretsCommand({}))).SecretList!.length, 0);
    assert.equal(
      (await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true }))).SecretList!.length,
      1,
    );

    await sm.send(new RestoreSecretCommand({ SecretId: 'doomed' }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'doomed' }))).SecretString, 'x');
  });

  it('purges a secret once its recovery window has passed on the emulator clock', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'expiring', SecretString: 'x' }));
    await sm.send(new DeleteSecretCommand({ SecretId: 'expiring', RecoveryWindowInDays: 7 }));
    clock.advance(7 * 86_400_000 + 1000);
    await rejectsWith(
      sm.send(new DescribeSecretCommand({ SecretId: 'expiring' })),
      'ResourceNotFoundException',
    );
    await sm.send(new CreateSecretCommand({ Name: 'expiring', SecretString: 'new' }));
  });

  it('deletes at once with ForceDeleteWithoutRecovery and validates the delete options', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'gone', SecretString: 'x' }));
    await rejectsWith(
      sm.send(
        new DeleteSecretCommand({
          SecretId: 'gone',
          ForceDeleteWithoutRecovery: true,
          RecoveryWindowInDays: 7,
        }),
      ),
      'InvalidParameterException',
    );
    await rejectsWith(
      sm.send(new DeleteSecretCommand({ SecretId: 'gone', RecoveryWindowInDays: 3 })),
      'InvalidParameterException',
    );
    await sm.send(new DeleteSecretCommand({ SecretId: 'gone', ForceDeleteWithoutRecovery: true }));
    await rejectsWith(sm.send(new DescribeSecretCommand({ SecretId: 'gone' })), 'ResourceNotFoundException');
    await sm.send(new CreateSecretCommand({ Name: 'gone', SecretString: 'again' }));
  });

  it('stores resource policies and rejects malformed ones', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'shared', SecretString: 'x' }));
    const empty = await sm.send(new GetResourcePolicyCommand({ SecretId: 'shared' }));
    assert.equal(empty.ResourcePolicy, undefined);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:role/app' },
          Action: 'secretsmanager:GetSecretValue',
          Resource: '*',
        },
      ],
    });
    await sm.send(new PutResourcePolicyCommand({ SecretId: 'shared', ResourcePolicy: policy }));
    assert.equal(
      (await sm.send(new GetResourcePolicyCommand({ SecretId: 'shared' }))).ResourcePolicy,
      policy,
    );
    await rejectsWith(
      sm.send(new PutResourcePolicyCommand({ SecretId: 'shared', ResourcePolicy: '{not json' })),
      'MalformedPolicyDocumentException',
    );
    await rejectsWith(
      sm.send(new PutResourcePolicyCommand({ SecretId: 'missing', ResourcePolicy: policy })),
      'ResourceNotFoundException',
    );
  });

  it('lists secrets with a name filter and pages through them', async () => {
    for (const n of ['/acm/password/a', '/acm/password/b', '/acm/password/c', '/other/x']) {
      await sm.send(new CreateSecretCommand({ Name: n, SecretString: 'x' }));
    }
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await sm.send(
        new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['/acm/'] }], MaxResults: 2, NextToken }),
      );
      assert.ok(page.SecretList!.length <= 2);
      names.push(...page.SecretList!.map((s) => s.Name!));
      NextToken = page.NextToken;
    } while (NextToken);
    assert.deepEqual(names.sort(), ['/acm/password/a', '/acm/password/b', '/acm/password/c']);
    await rejectsWith(sm.send(new ListSecretsCommand({ NextToken: '!!' })), 'InvalidNextTokenException');
  });

  it('adds tags with TagResource', async () => {
    await sm.send(
      new CreateSecretCommand({ Name: 'tagged', SecretString: 'x', Tags: [{ Key: 'a', Value: '1' }] }),
    );
    await sm.send(
      new TagResourceCommand({
        SecretId: 'tagged',
        Tags: [
          { Key: 'a', Value: '2' },
          { Key: 'b', Value: '3' },
        ],
      }),
    );
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'tagged' }));
    assert.deepEqual(d.Tags, [
      { Key: 'a', Value: '2' },
      { Key: 'b', Value: '3' },
    ]);
    await rejectsWith(
      sm.send(new TagResourceCommand({ SecretId: 'none', Tags: [] })),
      'ResourceNotFoundException',
    );
  });

  it('encrypts only with a usable KMS key: EncryptionFailure and DecryptionFailure otherwise', async () => {
    await assert.rejects(
      sm.send(new CreateSecretCommand({ Name: 'k1', SecretString: 'x', KmsKeyId: 'alias/missing' })),
      { name: 'EncryptionFailure' },
    );
    await sm.send(
      new CreateSecretCommand({ Name: 'k2', SecretString: 'x', KmsKeyId: 'alias/aws/secretsmanager' }),
    );
    const keyId = await newKey();
    await sm.send(new CreateSecretCommand({ Name: 'k3', SecretString: 'x', KmsKeyId: keyId }));
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    await rejectsWith(
      sm.send(new PutSecretValueCommand({ SecretId: 'k3', SecretString: 'y' })),
      'EncryptionFailure',
    );
    const other = await newKey();
    await sm.send(new CreateSecretCommand({ Name: 'k4', SecretString: 'x', KmsKeyId: other }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: other, PendingWindowInDays: 7 }));
    await rejectsWith(sm.send(new GetSecretValueCommand({ SecretId: 'k4' })), 'DecryptionFailure');
  });

  it('updates description, key and value with UpdateSecret', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'upd', SecretString: 'v1' }));
    const keyId = await newKey();
    const out = await sm.send(
      new UpdateSecretCommand({ SecretId: 'upd', Description: 'now', KmsKeyId: keyId, SecretString: 'v2' }),
    );
    assert.ok(out.VersionId);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'upd' }));
    assert.deepEqual([d.Description, d.KmsKeyId], ['now', keyId]);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'upd' }))).SecretString, 'v2');
    await rejectsWith(
      sm.send(new UpdateSecretCommand({ SecretId: 'nope', Description: 'x' })),
      'ResourceNotFoundException',
    );
  });

  it('generates random passwords from the allowed characters, one of each type by default', async () => {
    const { RandomPassword: p } = await sm.send(
      new GetRandomPasswordCommand({
        PasswordLength: 40,
        ExcludePunctuation: true,
        ExcludeCharacters: 'abc',
      }),
    );
    assert.equal(p!.length, 40);
    assert.match(p!, /^[d-zA-Z0-9]+$/);
    assert.match(p!, /[d-z]/);
    assert.match(p!, /[A-Z]/);
    assert.match(p!, /[0-9]/);
    const defaults = await sm.send(new GetRandomPasswordCommand({}));
    assert.equal(defaults.RandomPassword!.length, 32);
    await rejectsWith(
      sm.send(new GetRandomPasswordCommand({ PasswordLength: 0 })),
      'InvalidParameterException',
    );
  });

  it('keeps regions apart', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'regional', SecretString: 'x' }));
    const eu = new SecretsManagerClient({ ...emu.clientConfig, region: 'eu-west-1' });
    await rejectsWith(
      eu.send(new GetSecretValueCommand({ SecretId: 'regional' })),
      'ResourceNotFoundException',
    );
    eu.destroy();
  });

  it('survives snapshot and restore', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'persisted', SecretString: 'x' }));
    const state = JSON.parse(JSON.stringify(emu.services.secretsmanager.snapshot()));
    emu.services.secretsmanager.reset();
    emu.services.secretsmanager.restore(state);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'persisted' }))).SecretString, 'x');
  });
});
