// KMS emulation through the real SDK v3 client, over HTTP.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyPolicyCommand,
  KMSClient,
  ListAliasesCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { ManualClock } from '../../src/util/clock.ts';
import { type JsonEmulator, startJsonEmulator } from './emulator-json-harness.ts';

const clock = new ManualClock('2026-11-25T10:00:00Z');
let emu: JsonEmulator;
let kms: KMSClient;

before(async () => {
  emu = await startJsonEmulator({ clock });
  kms = new KMSClient(emu.clientConfig);
});
after(async () => {
  kms.destroy();
  await emu.close();
});
beforeEach(() => emu.services.kms.reset());

async function rejectsWith(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name, err.message);
    return true;
  });
}

const policy = (principal: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:Decrypt', Resource: '*' }],
  });

describe('KMS emulation', () => {
  it('creates a key with a UUID id, an ARN, its description, tags and policy', async () => {
    const { KeyMetadata: meta } = await kms.send(
      new CreateKeyCommand({
        Description: 'clone-1 password key',
        Tags: [{ TagKey: 'aurora-clone-manager:role', TagValue: 'password-key' }],
        Policy: policy('arn:aws:iam::123456789012:role/app'),
      }),
    );
    assert.match(meta!.KeyId!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(meta!.Arn, `arn:aws:kms:us-east-1:123456789012:key/${meta!.KeyId}`);
    assert.deepEqual(
      [meta!.KeyState, meta!.Enabled, meta!.Description],
      ['Enabled', true, 'clone-1 password key'],
    );
    assert.equal(meta!.CreationDate!.toISOString(), '2026-11-25T10:00:00.000Z');

    const described = await kms.send(new DescribeKeyCommand({ KeyId: meta!.Arn }));
    assert.equal(described.KeyMetadata!.KeyId, meta!.KeyId);
    const tags = await kms.send(new ListResourceTagsCommand({ KeyId: meta!.KeyId }));
    assert.deepEqual(tags.Tags, [{ TagKey: 'aurora-clone-manager:role', TagValue: 'password-key' }]);
    const got = await kms.send(new GetKeyPolicyCommand({ KeyId: meta!.KeyId }));
    assert.equal(got.Policy, policy('arn:aws:iam::123456789012:role/app'));
  });

  it('gives a key created without a policy the default policy, and replaces it with PutKeyPolicy', async () => {
    const { KeyMetadata: meta } = await kms.send(new CreateKeyCommand({}));
    const initial = JSON.parse((await kms.send(new GetKeyPolicyCommand({ KeyId: meta!.KeyId }))).Policy!);
    assert.equal(initial.Statement[0].Principal.AWS, 'arn:aws:iam::123456789012:root');
    await kms.send(
      new PutKeyPolicyCommand({ KeyId: meta!.KeyId, Policy: policy('arn:aws:iam::123456789012:role/x') }),
    );
    assert.equal(
      (await kms.send(new GetKeyPolicyCommand({ KeyId: meta!.KeyId }))).Policy,
      policy('arn:aws:iam::123456789012:role/x'),
    );
    await rejectsWith(
      kms.send(new PutKeyPolicyCommand({ KeyId: meta!.KeyId, Policy: 'not json' })),
      'MalformedPolicyDocumentException',
    );
  });

  it('answers NotFoundException for unknown keys and InvalidArnException for bad ARNs', async () => {
    await rejectsWith(
      kms.send(new DescribeKeyCommand({ KeyId: '00000000-0000-0000-0000-000000000000' })),
      'NotFoundException',
    );
    await rejectsWith(kms.send(new DescribeKeyCommand({ KeyId: 'alias/missing' })), 'NotFoundException');
    await rejectsWith(
      kms.send(new GetKeyPolicyCommand({ KeyId: 'arn:aws:kms:us-east-1:nope' })),
      'InvalidArnException',
    );
  });

  it('schedules deletion within 7–30 days; the key is then PendingDeletion, frozen, and gone after the window', async () => {
    const { KeyMetadata: meta } = await kms.send(new CreateKeyCommand({}));
    await rejectsWith(
      kms.send(new ScheduleKeyDeletionCommand({ KeyId: meta!.KeyId, PendingWindowInDays: 6 })),
      'ValidationException',
    );
    await rejectsWith(
      kms.send(new ScheduleKeyDeletionCommand({ KeyId: meta!.KeyId, PendingWindowInDays: 31 })),
      'ValidationException',
    );
    const scheduled = await kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: meta!.KeyId, PendingWindowInDays: 7 }),
    );
    assert.deepEqual(
      [scheduled.KeyState, scheduled.PendingWindowInDays, scheduled.KeyId],
      ['PendingDeletion', 7, meta!.Arn],
    );
    assert.equal(scheduled.DeletionDate!.toISOString(), '2026-12-02T10:00:00.000Z');
    const d = await kms.send(new DescribeKeyCommand({ KeyId: meta!.KeyId }));
    assert.deepEqual([d.KeyMetadata!.KeyState, d.KeyMetadata!.Enabled], ['PendingDeletion', false]);
    await rejectsWith(
      kms.send(
        new PutKeyPolicyCommand({ KeyId: meta!.KeyId, Policy: policy('arn:aws:iam::123456789012:root') }),
      ),
      'KMSInvalidStateException',
    );
    await rejectsWith(
      kms.send(new ScheduleKeyDeletionCommand({ KeyId: meta!.KeyId })),
      'KMSInvalidStateException',
    );

    clock.advance(7 * 86_400_000);
    await rejectsWith(kms.send(new DescribeKeyCommand({ KeyId: meta!.KeyId })), 'NotFoundException');
  });

  it('cancels a scheduled deletion, leaving the key disabled', async () => {
    const { KeyMetadata: meta } = await kms.send(new CreateKeyCommand({}));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: meta!.KeyId }));
    await kms.send(new CancelKeyDeletionCommand({ KeyId: meta!.KeyId }));
    const d = await kms.send(new DescribeKeyCommand({ KeyId: meta!.KeyId }));
    assert.equal(d.KeyMetadata!.KeyState, 'Disabled');
  });

  it('resolves aliases and refuses duplicates and reserved names', async () => {
    const { KeyMetadata: meta } = await kms.send(new CreateKeyCommand({}));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/acm-default', TargetKeyId: meta!.KeyId }));
    const viaAlias = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/acm-default' }));
    assert.equal(viaAlias.KeyMetadata!.KeyId, meta!.KeyId);
    const viaAliasArn = await kms.send(
      new DescribeKeyCommand({ KeyId: 'arn:aws:kms:us-east-1:123456789012:alias/acm-default' }),
    );
    assert.equal(viaAliasArn.KeyMetadata!.KeyId, meta!.KeyId);
    await rejectsWith(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/acm-default', TargetKeyId: meta!.KeyId })),
      'AlreadyExistsException',
    );
    await rejectsWith(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/rds', TargetKeyId: meta!.KeyId })),
      'InvalidAliasNameException',
    );
    const aliases = await kms.send(new ListAliasesCommand({ KeyId: meta!.KeyId }));
    assert.deepEqual(
      aliases.Aliases!.map((a) => a.AliasName),
      ['alias/acm-default'],
    );
  });

  it('encrypts and decrypts for real, bound to the encryption context', async () => {
    const { KeyMetadata: meta } = await kms.send(new CreateKeyCommand({}));
    const context = { purpose: 'test', cluster: 'clone-1' };
    const enc = await kms.send(
      new EncryptCommand({
        KeyId: meta!.KeyId,
        Plaintext: new TextEncoder().encode('hello'),
        EncryptionContext: context,
      }),
    );
    assert.equal(enc.KeyId, meta!.Arn);
    assert.ok(!Buffer.from(enc.CiphertextBlob!).includes('hello'));
    const dec = await kms.send(
      new DecryptCommand({
        CiphertextBlob: enc.CiphertextBlob,
        EncryptionContext: { cluster: 'clone-1', purpose: 'test' },
      }),
    );
    assert.equal(new TextDecoder().decode(dec.Plaintext), 'hello');
    assert.equal(dec.KeyId, meta!.Arn);
    await rejectsWith(
      kms.send(
        new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { purpose: 'other' } }),
      ),
      'InvalidCiphertextException',
    );
    await rejectsWith(
      kms.send(new DecryptCommand({ CiphertextBlob: new TextEncoder().encode('garbage') })),
      'InvalidCiphertextException',
    );

    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: meta!.KeyId, KeySpec: 'AES_256' }));
    assert.equal(dataKey.Plaintext!.length, 32);
    const unwrapped = await kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob }));
    assert.deepEqual(Buffer.from(unwrapped.Plaintext!), Buffer.from(dataKey.Plaintext!));

    await kms.send(new DisableKeyCommand({ KeyId: meta!.KeyId }));
    await rejectsWith(
      kms.send(new EncryptCommand({ KeyId: meta!.KeyId, Plaintext: new TextEncoder().encode('x') })),
      'DisabledException',
    );
  });
});
