// Emulated AWS KMS (awsJson1.1, target prefix `TrentService`): the manager creates a key per clone
// when asked (ForceCreateKmsKey), grants access through the key policy and schedules the key's
// deletion with the clone. Keys are symmetric customer-managed keys; their lifecycle (Enabled,
// Disabled, PendingDeletion, then gone once the window passes on the emulator's clock) and the
// error codes follow AWS. Encrypt / Decrypt / GenerateDataKey really encrypt (AES-256-GCM with
// per-key random material kept in the state, the encryption context as associated data), so a
// wrong context or a tampered blob fails as on AWS; the blob format is the emulator's own.

import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import {
  AwsServiceError,
  epochSeconds,
  invalidMember,
  type JsonAction,
  type JsonObject,
  optNumber,
  optString,
  RegionalJsonService,
  readTags,
  reqString,
} from '../protocol/json.ts';
import type { EmulatorContext, EmulatorRequest } from '../service.ts';

type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

interface Key {
  keyId: string;
  arn: string;
  description: string;
  policy: string;
  tags: [string, string][];
  state: KeyState;
  createdAt: string;
  deletionDate?: string;
  pendingWindowInDays?: number;
  /** Base64 AES-256 key material (created on first use for keys restored from older state files). */
  material?: string;
}

interface RegionState {
  keys: Record<string, Key>;
  /** alias name (`alias/x`) → key id */
  aliases: Record<string, string>;
}

/** Only the region of a request matters for lookups; other services call in with just that. */
type InRegion = Pick<EmulatorRequest, 'region'>;

/** What another emulated service (Secrets Manager) learns about a key it is asked to use. */
export type KeyUsability = 'usable' | 'disabled' | 'pending-deletion' | 'missing' | 'foreign';

const DAY_MS = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

export class KmsService extends RegionalJsonService<RegionState> {
  constructor(ctx: EmulatorContext) {
    super({ name: 'kms', targetPrefix: 'TrentService', version: '1.1', ctx });
  }

  protected actions(): Record<string, JsonAction> {
    return {
      CreateKey: (i, r) => this.createKey(i, r),
      DescribeKey: (i, r) => ({ KeyMetadata: this.metadata(this.resolve(r, reqString(i, 'KeyId'))) }),
      ScheduleKeyDeletion: (i, r) => this.scheduleKeyDeletion(i, r),
      CancelKeyDeletion: (i, r) => this.cancelKeyDeletion(i, r),
      EnableKey: (i, r) => this.setEnabled(i, r, true),
      DisableKey: (i, r) => this.setEnabled(i, r, false),
      PutKeyPolicy: (i, r) => this.putKeyPolicy(i, r),
      GetKeyPolicy: (i, r) => this.getKeyPolicy(i, r),
      CreateAlias: (i, r) => this.createAlias(i, r),
      DeleteAlias: (i, r) => this.deleteAlias(i, r),
      ListAliases: (i, r) => this.listAliases(i, r),
      TagResource: (i, r) => this.tagResource(i, r),
      ListResourceTags: (i, r) => this.listResourceTags(i, r),
      Encrypt: (i, r) => this.encrypt(i, r),
      Decrypt: (i, r) => this.decrypt(i, r),
      GenerateDataKey: (i, r) => this.generateDataKey(i, r),
    };
  }

  protected emptyRegion(): RegionState {
    return { keys: {}, aliases: {} };
  }

  /**
   * Whether `keyId` (id, ARN, alias or alias ARN) names a key of this emulated account that can
   * encrypt and decrypt in `region`. AWS-managed aliases (`alias/aws/…`) and other accounts' keys
   * are outside the emulator's knowledge ('foreign').
   */
  keyUsability(region: string, keyId: string): KeyUsability {
    if (keyId.startsWith('alias/aws/') || /^arn:aws[a-z-]*:kms:[^:]*:\d{12}:alias\/aws\//.test(keyId))
      return 'foreign';
    const account = /^arn:aws[a-z-]*:kms:[^:]*:(\d{12}):/.exec(keyId)?.[1];
    if (account !== undefined && account !== this.ctx.accountId) return 'foreign';
    let key: Key;
    try {
      key = this.resolve({ region }, keyId);
    } catch {
      return 'missing';
    }
    if (key.state === 'PendingDeletion') return 'pending-deletion';
    return key.state === 'Disabled' ? 'disabled' : 'usable';
  }

  private region(req: InRegion): RegionState {
    const r = this.regionState(req.region);
    // A key whose waiting period has passed is deleted for good, together with its aliases.
    const now = this.ctx.clock.now().getTime();
    for (const [id, k] of Object.entries(r.keys)) {
      if (k.deletionDate && Date.parse(k.deletionDate) <= now) delete r.keys[id];
    }
    for (const [alias, id] of Object.entries(r.aliases)) if (!r.keys[id]) delete r.aliases[alias];
    return r;
  }

  /** Key id, key ARN, alias name or alias ARN → the key; NotFoundException / InvalidArnException as AWS. */
  private resolve(req: InRegion, keyId: string): Key {
    const r = this.region(req);
    const aliasPrefix = `arn:aws:kms:${req.region}:${this.ctx.accountId}:`;
    let id: string | undefined;
    if (keyId.startsWith('arn:')) {
      const m = /^arn:aws[a-z-]*:kms:[^:]+:\d{12}:(key\/.+|alias\/.+)$/.exec(keyId);
      if (!m)
        throw new AwsServiceError('InvalidArnException', `ARN ${keyId} is not a valid KMS key or alias ARN.`);
      if (!keyId.startsWith(aliasPrefix)) throw this.notFound(keyId);
      const resource = m[1]!;
      id = resource.startsWith('key/') ? resource.slice(4) : r.aliases[resource];
    } else if (keyId.startsWith('alias/')) {
      id = r.aliases[keyId];
      if (!id) throw new AwsServiceError('NotFoundException', `Alias ${aliasPrefix}${keyId} is not found.`);
    } else if (UUID.test(keyId)) {
      id = keyId;
    } else {
      throw new AwsServiceError('NotFoundException', `Invalid keyId '${keyId}'`);
    }
    const key = id ? r.keys[id] : undefined;
    if (!key) throw this.notFound(keyId.startsWith('arn:') ? keyId : `${aliasPrefix}key/${id ?? keyId}`);
    return key;
  }

  private notFound(arn: string): AwsServiceError {
    return new AwsServiceError('NotFoundException', `Key '${arn}' does not exist`);
  }

  private mustNotBePendingDeletion(key: Key): void {
    if (key.state === 'PendingDeletion') {
      throw new AwsServiceError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    }
  }

  private metadata(key: Key): JsonObject {
    return {
      AWSAccountId: this.ctx.accountId,
      KeyId: key.keyId,
      Arn: key.arn,
      CreationDate: epochSeconds(new Date(key.createdAt)),
      Enabled: key.state === 'Enabled',
      Description: key.description,
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: key.state,
      ...(key.deletionDate ? { DeletionDate: epochSeconds(new Date(key.deletionDate)) } : {}),
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false,
      ...(key.pendingWindowInDays ? { PendingDeletionWindowInDays: key.pendingWindowInDays } : {}),
    };
  }

  private createKey(input: JsonObject, req: EmulatorRequest): JsonObject {
    const keySpec =
      optString(input, 'KeySpec') ?? optString(input, 'CustomerMasterKeySpec') ?? 'SYMMETRIC_DEFAULT';
    const usage = optString(input, 'KeyUsage') ?? 'ENCRYPT_DECRYPT';
    if (keySpec !== 'SYMMETRIC_DEFAULT' || usage !== 'ENCRYPT_DECRYPT') {
      throw new AwsServiceError(
        'UnsupportedOperationException',
        'The emulator only creates symmetric ENCRYPT_DECRYPT keys.',
      );
    }
    const policy = optString(input, 'Policy');
    if (policy !== undefined) validatePolicy(policy);
    const tags = readTags(input, 'Tags', 'TagKey', 'TagValue');
    const keyId = randomUUID();
    const key: Key = {
      keyId,
      arn: `arn:aws:kms:${req.region}:${this.ctx.accountId}:key/${keyId}`,
      description: optString(input, 'Description') ?? '',
      policy: policy ?? defaultPolicy(this.ctx.accountId),
      tags,
      state: 'Enabled',
      createdAt: this.ctx.clock.now().toISOString(),
      material: randomBytes(32).toString('base64'),
    };
    this.region(req).keys[keyId] = key;
    return { KeyMetadata: this.metadata(key) };
  }

  private scheduleKeyDeletion(input: JsonObject, req: EmulatorRequest): JsonObject {
    const key = this.resolve(req, reqString(input, 'KeyId'));
    const days = optNumber(input, 'PendingWindowInDays') ?? 30;
    if (!Number.isInteger(days) || days < 7) {
      throw invalidMember('PendingWindowInDays', days, 'Member must have value greater than or equal to 7');
    }
    if (days > 30)
      throw invalidMember('PendingWindowInDays', days, 'Member must have value less than or equal to 30');
    this.mustNotBePendingDeletion(key);
    const deletionDate = new Date(this.ctx.clock.now().getTime() + days * DAY_MS);
    key.state = 'PendingDeletion';
    key.deletionDate = deletionDate.toISOString();
    key.pendingWindowInDays = days;
    return {
      KeyId: key.arn,
      DeletionDate: epochSeconds(deletionDate),
      KeyState: key.state,
      PendingWindowInDays: days,
    };
  }

  private cancelKeyDeletion(input: JsonObject, req: EmulatorRequest): JsonObject {
    const key = this.resolve(req, reqString(input, 'KeyId'));
    if (key.state !== 'PendingDeletion') {
      throw new AwsServiceError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
    }
    // AWS leaves a key whose deletion was cancelled disabled.
    key.state = 'Disabled';
    delete key.deletionDate;
    delete key.pendingWindowInDays;
    return { KeyId: key.arn };
  }

  private setEnabled(input: JsonObject, req: EmulatorRequest, enabled: boolean): JsonObject {
    const key = this.resolve(req, reqString(input, 'KeyId'));
    this.mustNotBePendingDeletion(key);
    key.state = enabled ? 'Enabled' : 'Disabled';
    return {};
  }

  private policyName(input: JsonObject): string {
    const name = optString(input, 'PolicyName') ?? 'default';
    // `default` is the only key policy name AWS accepts.
    if (name !== 'default') throw new AwsServiceError('NotFoundException', `Policy ${name} does not exist.`);
    return name;
  }

  private putKeyPolicy(input: JsonObject, req: EmulatorRequest): JsonObject {
    const key = this.resolve(req, reqString(input, 'KeyId'));
    const policy = reqString(input, 'Policy');
    this.policyName(input);
    validatePolicy(policy);
    this.mustNotBePendingDeletion(key);
    key.policy = policy;
    return {};
  }

  private getKeyPolicy(input: JsonObject, req: EmulatorRequest): JsonObject {
    const key = this.resolve(req, reqString(input, 'KeyId'));
    return { Policy: key.policy, PolicyName: this.policyName(input) };
  }

  private createAlias(input: JsonObject, req: EmulatorRequest): JsonObject {
    const aliasName = reqString(input, 'AliasName');
    const key = this.resolve(req, reqString(input, 'TargetKeyId'));
    if (!ALIAS_NAME.test(aliasName) || aliasName.startsWith('alias/aws/')) {
      throw new AwsServiceError(
        'InvalidAliasNameException',
        `Alias must start with the prefix "alias/" and may not begin with "alias/aws/": ${aliasName}`,
      );
    }
    const r = this.region(req);
    if (r.aliases[aliasName]) {
      throw new AwsServiceError(
        'AlreadyExistsException',
        `An alias with the name arn:aws:kms:${req.region}:${this.ctx.accountId}:${aliasName} already exists`,
      );
    }
    this.mustNotBePendingDeletion(key);
    r.aliases[aliasName] = key.keyId;
    return {};
  }

  private deleteAlias(input: JsonObject, req: EmulatorRequest): JsonObject {
    const aliasName = reqString(input, 'AliasName');
    const r = this.region(req);
    if (!r.aliases[aliasName]) {
      throw new AwsServiceError(
        'NotFoundException',
        `Alias arn:aws:kms:${req.region}:${this.ctx.accountId}:${aliasName} is not found.`,
      );
    }
    delete r.aliases[aliasName];
    return {};
  }

  private listAliases(input: JsonObject, req: EmulatorRequest): JsonObject {
    const keyId = optString(input, 'KeyId');
    const only = keyId !== undefined ? this.resolve(req, keyId).keyId : undefined;
    const r = this.region(req);
    return {
      Aliases: Object.entries(r.aliases)
        .filter(([, id]) => only === undefined || id === only)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, id]) => ({
          AliasName: name,
          AliasArn: `arn:aws:kms:${req.region}:${this.ctx.accountId}:${name}`,
          TargetKeyId: id,
        })),
      Truncated: false,
    };
  }

  private tagResource(input: JsonObject, req: EmulatorRequest): JsonObject {
    const key = this.resolve(req, reqString(input, 'KeyId'));
    const tags = readTags(input, 'Tags', 'TagKey', 'TagValue');
    this.mustNotBePendingDeletion(key);
    const merged = new Map(key.tags);
    for (const [k, v] of tags) merged.set(k, v);
    key.tags = [...merged];
    return {};
  }

  /** The key must be Enabled to encrypt or decrypt: DisabledException / KMSInvalidStateException otherwise. */
  private mustBeUsable(key: Key): void {
    this.mustNotBePendingDeletion(key);
    if (key.state === 'Disabled') throw new AwsServiceError('DisabledException', `${key.arn} is disabled.`);
  }

  private encrypt(input: JsonObject, req: EmulatorRequest): JsonObject {
    const key = this.resolve(req, reqString(input, 'KeyId'));
    const plaintext = Buffer.from(reqString(input, 'Plaintext'), 'base64');
    if (plaintext.length < 1 || plaintext.length > 4096) {
      throw invalidMember('Plaintext', '***', 'Member must have length between 1 and 4096');
    }
    this.mustBeUsable(key);
    return {
      CiphertextBlob: seal(key, plaintext, encryptionContext(input)).toString('base64'),
      KeyId: key.arn,
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    };
  }

  private decrypt(input: JsonObject, req: EmulatorRequest): JsonObject {
    const blob = Buffer.from(reqString(input, 'CiphertextBlob'), 'base64');
    const keyId = blobKeyId(blob);
    if (!keyId) throw new AwsServiceError('InvalidCiphertextException', '');
    const key = this.resolve(req, keyId);
    const expected = optString(input, 'KeyId');
    if (expected !== undefined && this.resolve(req, expected).keyId !== key.keyId) {
      throw new AwsServiceError(
        'IncorrectKeyException',
        'The key ID in the request does not identify a KMS key that can perform this operation.',
      );
    }
    this.mustBeUsable(key);
    const plaintext = open(key, blob, encryptionContext(input));
    if (!plaintext) throw new AwsServiceError('InvalidCiphertextException', '');
    return {
      KeyId: key.arn,
      Plaintext: plaintext.toString('base64'),
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    };
  }

  private generateDataKey(input: JsonObject, req: EmulatorRequest): JsonObject {
    const key = this.resolve(req, reqString(input, 'KeyId'));
    const spec = optString(input, 'KeySpec');
    const bytes = optNumber(input, 'NumberOfBytes');
    if ((spec === undefined) === (bytes === undefined)) {
      throw new AwsServiceError('ValidationException', 'Please specify either number of bytes or key spec.');
    }
    const size = spec === 'AES_256' ? 32 : spec === 'AES_128' ? 16 : bytes;
    if (size === undefined || !Number.isInteger(size) || size < 1 || size > 1024) {
      throw invalidMember(
        spec !== undefined ? 'KeySpec' : 'NumberOfBytes',
        spec ?? bytes,
        'Member must be AES_256, AES_128 or a number of bytes between 1 and 1024',
      );
    }
    this.mustBeUsable(key);
    const plaintext = randomBytes(size);
    return {
      CiphertextBlob: seal(key, plaintext, encryptionContext(input)).toString('base64'),
      Plaintext: plaintext.toString('base64'),
      KeyId: key.arn,
    };
  }

  private listResourceTags(input: JsonObject, req: EmulatorRequest): JsonObject {
    const key = this.resolve(req, reqString(input, 'KeyId'));
    return { Tags: key.tags.map(([TagKey, TagValue]) => ({ TagKey, TagValue })), Truncated: false };
  }
}

function validatePolicy(policy: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    throw new AwsServiceError('MalformedPolicyDocumentException', 'The new key policy is not valid JSON.');
  }
  const statement = (doc as { Statement?: unknown } | null)?.Statement;
  if (!statement || typeof statement !== 'object') {
    throw new AwsServiceError('MalformedPolicyDocumentException', 'The new key policy has no Statement.');
  }
}

/** The policy KMS gives a key created without one: the account's IAM policies decide. */
function defaultPolicy(accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  });
}

// Ciphertext blob: version byte, the key's UUID (16 bytes), 12-byte IV, 16-byte GCM tag, ciphertext.
const BLOB_VERSION = 1;

function encryptionContext(input: JsonObject): Buffer {
  const ctx = input['EncryptionContext'];
  if (ctx === undefined || ctx === null) return Buffer.alloc(0);
  if (
    typeof ctx !== 'object' ||
    Array.isArray(ctx) ||
    Object.values(ctx).some((v) => typeof v !== 'string')
  ) {
    throw new AwsServiceError('SerializationException', 'EncryptionContext: expected a map of strings');
  }
  // Canonical (sorted) so the same context in another key order still decrypts, as on AWS.
  const sorted = Object.entries(ctx as Record<string, string>).sort(([a], [b]) => a.localeCompare(b));
  return Buffer.from(JSON.stringify(sorted));
}

function material(key: Key): Buffer {
  key.material ??= randomBytes(32).toString('base64');
  return Buffer.from(key.material, 'base64');
}

function seal(key: Key, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', material(key), iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const id = Buffer.from(key.keyId.replace(/-/g, ''), 'hex');
  return Buffer.concat([Buffer.from([BLOB_VERSION]), id, iv, cipher.getAuthTag(), body]);
}

function blobKeyId(blob: Buffer): string | undefined {
  if (blob.length < 1 + 16 + 12 + 16 || blob[0] !== BLOB_VERSION) return undefined;
  const hex = blob.subarray(1, 17).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The plaintext, or undefined when the blob was tampered with or the context differs. */
function open(key: Key, blob: Buffer, aad: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', material(key), blob.subarray(17, 29));
    decipher.setAAD(aad);
    decipher.setAuthTag(blob.subarray(29, 45));
    return Buffer.concat([decipher.update(blob.subarray(45)), decipher.final()]);
  } catch {
    return undefined;
  }
}
