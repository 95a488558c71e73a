// Emulated AWS Secrets Manager (awsJson1.1, target prefix `secretsmanager`). Enough of the API for
// the manager's generated passwords: secrets with versions and staging labels, resource policies,
// tags, the recovery window on delete, and lookup by name, full ARN or partial ARN (no suffix).
// Secret values are kept in plain text in memory and in --state: this is a test double.

import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  AwsServiceError,
  decodePageToken,
  encodePageToken,
  epochSeconds,
  invalidMember,
  type JsonAction,
  type JsonObject,
  optBoolean,
  optNumber,
  optObjects,
  optString,
  optStringList,
  RegionalJsonService,
  readTags,
  reqString,
} from '../protocol/json.ts';
import type { EmulatorContext, EmulatorRequest } from '../service.ts';
import type { KeyUsability } from './kms.ts';

export interface SecretsManagerOptions {
  /**
   * How a secret's KmsKeyId is checked when a value is encrypted (create, put) or decrypted (get):
   * normally the emulated KMS. A key that is disabled or pending deletion fails as AWS documents
   * (EncryptionFailure / DecryptionFailure); a key that does not exist fails the same way, which
   * is unconfirmed. Omit to accept any key.
   */
  kmsKeys?: (region: string, keyId: string) => KeyUsability;
}

interface SecretVersion {
  versionId: string;
  secretString?: string;
  /** Base64, as it travels in JSON. */
  secretBinary?: string;
  stages: string[];
  createdAt: string;
}

interface Secret {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  tags: [string, string][];
  policy?: string;
  versions: SecretVersion[];
  createdAt: string;
  lastChangedAt: string;
  /** Set while the secret waits out its recovery window. */
  deletedAt?: string;
  deletionDate?: string;
}

const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DAY_MS = 86_400_000;
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

export class SecretsManagerService extends RegionalJsonService<Record<string, Secret>> {
  private readonly kmsKeys: SecretsManagerOptions['kmsKeys'];

  constructor(ctx: EmulatorContext, options: SecretsManagerOptions = {}) {
    super({ name: 'secretsmanager', targetPrefix: 'secretsmanager', version: '1.1', ctx });
    this.kmsKeys = options.kmsKeys;
  }

  /** Whether the secret's key can be used now: AWS-managed and foreign keys are taken as usable. */
  private keyUsable(region: string, kmsKeyId: string | undefined): boolean {
    if (!kmsKeyId || !this.kmsKeys) return true;
    const usability = this.kmsKeys(region, kmsKeyId);
    return usability === 'usable' || usability === 'foreign';
  }

  private mustEncrypt(region: string, kmsKeyId: string | undefined): void {
    if (!this.keyUsable(region, kmsKeyId)) {
      throw new AwsServiceError(
        'EncryptionFailure',
        "Secrets Manager can't encrypt the protected secret text using the provided KMS key. Check that the KMS key is available, enabled, and not in an invalid state.",
      );
    }
  }

  protected actions(): Record<string, JsonAction> {
    return {
      CreateSecret: (i, r) => this.createSecret(i, r),
      GetSecretValue: (i, r) => this.getSecretValue(i, r),
      PutSecretValue: (i, r) => this.putSecretValue(i, r),
      UpdateSecret: (i, r) => this.updateSecret(i, r),
      GetRandomPassword: (i) => this.getRandomPassword(i),
      DescribeSecret: (i, r) => this.describeSecret(i, r),
      DeleteSecret: (i, r) => this.deleteSecret(i, r),
      RestoreSecret: (i, r) => this.restoreSecret(i, r),
      PutResourcePolicy: (i, r) => this.putResourcePolicy(i, r),
      GetResourcePolicy: (i, r) => this.getResourcePolicy(i, r),
      DeleteResourcePolicy: (i, r) => this.deleteResourcePolicy(i, r),
      ListSecrets: (i, r) => this.listSecrets(i, r),
      TagResource: (i, r) => this.tagResource(i, r),
      UntagResource: (i, r) => this.untagResource(i, r),
    };
  }

  protected emptyRegion(): Record<string, Secret> {
    return {};
  }

  private region(req: EmulatorRequest): Record<string, Secret> {
    const secrets = this.regionState(req.region);
    // Secrets whose recovery window has passed are gone for good, as on AWS.
    const now = this.ctx.clock.now().getTime();
    for (const [name, s] of Object.entries(secrets)) {
      if (s.deletionDate && Date.parse(s.deletionDate) <= now) delete secrets[name];
    }
    return secrets;
  }

  /** By name, full ARN, or partial ARN (the ARN without its random six-character suffix). */
  private find(req: EmulatorRequest, secretId: string): Secret | undefined {
    const secrets = this.region(req);
    if (!secretId.startsWith('arn:')) return secrets[secretId];
    return Object.values(secrets).find((s) => s.arn === secretId || s.arn.slice(0, -7) === secretId);
  }

  private mustFind(req: EmulatorRequest, input: JsonObject): Secret {
    const secret = this.find(req, reqString(input, 'SecretId'));
    if (!secret) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    }
    return secret;
  }

  private mustBeLive(secret: Secret): void {
    if (secret.deletedAt) {
      throw new AwsServiceError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
  }

  private now(): string {
    return this.ctx.clock.now().toISOString();
  }

  private createSecret(input: JsonObject, req: EmulatorRequest): JsonObject {
    const name = reqString(input, 'Name');
    if (!NAME_PATTERN.test(name)) {
      throw new AwsServiceError(
        'InvalidParameterException',
        'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
      );
    }
    const secrets = this.region(req);
    const existing = secrets[name];
    if (existing?.deletedAt) {
      throw new AwsServiceError(
        'InvalidRequestException',
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    if (existing) {
      throw new AwsServiceError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    }
    const value = readValue(input);
    const description = optString(input, 'Description');
    const kmsKeyId = optString(input, 'KmsKeyId');
    const now = this.now();
    const secret: Secret = {
      arn: `arn:aws:secretsmanager:${req.region}:${this.ctx.accountId}:secret:${name}-${randomSuffix()}`,
      name,
      tags: readTags(input, 'Tags'),
      versions: [],
      createdAt: now,
      lastChangedAt: now,
      ...(description !== undefined ? { description } : {}),
      ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
    };
    let versionId: string | undefined;
    if (value) {
      this.mustEncrypt(req.region, kmsKeyId);
      versionId = optString(input, 'ClientRequestToken') ?? randomUUID();
      secret.versions.push({ versionId, ...value, stages: ['AWSCURRENT'], createdAt: now });
    }
    secrets[name] = secret;
    return { ARN: secret.arn, Name: name, ...(versionId ? { VersionId: versionId } : {}) };
  }

  private getSecretValue(input: JsonObject, req: EmulatorRequest): JsonObject {
    const secret = this.mustFind(req, input);
    this.mustBeLive(secret);
    const versionId = optString(input, 'VersionId');
    const stage = optString(input, 'VersionStage') ?? (versionId ? undefined : 'AWSCURRENT');
    const version = secret.versions.find(
      (v) => (!versionId || v.versionId === versionId) && (!stage || v.stages.includes(stage)),
    );
    if (!version) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        versionId
          ? `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`
          : `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
      );
    }
    if (!this.keyUsable(req.region, secret.kmsKeyId)) {
      throw new AwsServiceError(
        'DecryptionFailure',
        "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
      );
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      ...(version.secretString !== undefined ? { SecretString: version.secretString } : {}),
      ...(version.secretBinary !== undefined ? { SecretBinary: version.secretBinary } : {}),
      VersionStages: version.stages,
      CreatedDate: epochSeconds(new Date(version.createdAt)),
    };
  }

  private putSecretValue(input: JsonObject, req: EmulatorRequest): JsonObject {
    const secret = this.mustFind(req, input);
    this.mustBeLive(secret);
    const value = readValue(input);
    if (!value) {
      throw new AwsServiceError(
        'InvalidRequestException',
        'You must provide either SecretString or SecretBinary.',
      );
    }
    const stages = optStringList(input, 'VersionStages') ?? ['AWSCURRENT'];
    const version = this.addVersion(req, secret, value, optString(input, 'ClientRequestToken'), stages);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      VersionStages: version.stages,
    };
  }

  /** A new version carrying `stages` (moving AWSCURRENT/AWSPREVIOUS as AWS does), or the same one on a retry. */
  private addVersion(
    req: EmulatorRequest,
    secret: Secret,
    value: { secretString?: string; secretBinary?: string },
    token: string | undefined,
    stages: string[],
  ): SecretVersion {
    const same = token ? secret.versions.find((v) => v.versionId === token) : undefined;
    if (same) {
      // A retried request with the same token is idempotent; a different value under it is not allowed.
      if (same.secretString !== value.secretString || same.secretBinary !== value.secretBinary) {
        throw new AwsServiceError(
          'ResourceExistsException',
          `A resource with the ID you requested already exists: version ${token} has a different value.`,
        );
      }
      return same;
    }
    this.mustEncrypt(req.region, secret.kmsKeyId);
    if (stages.includes('AWSCURRENT')) {
      for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS');
      for (const v of secret.versions) {
        if (v.stages.includes('AWSCURRENT'))
          v.stages = [...v.stages.filter((s) => s !== 'AWSCURRENT'), 'AWSPREVIOUS'];
      }
    }
    for (const v of secret.versions) {
      v.stages = v.stages.filter((s) => s === 'AWSCURRENT' || s === 'AWSPREVIOUS' || !stages.includes(s));
    }
    // Versions with no label left are deprecated; AWS drops them eventually, we drop them at once.
    secret.versions = secret.versions.filter((v) => v.stages.length > 0);
    const version: SecretVersion = {
      versionId: token ?? randomUUID(),
      ...value,
      stages: [...stages],
      createdAt: this.now(),
    };
    secret.versions.push(version);
    secret.lastChangedAt = version.createdAt;
    return version;
  }

  private updateSecret(input: JsonObject, req: EmulatorRequest): JsonObject {
    const secret = this.mustFind(req, input);
    this.mustBeLive(secret);
    const description = optString(input, 'Description');
    const kmsKeyId = optString(input, 'KmsKeyId');
    const value = readValue(input);
    // The new key must work before anything changes, as AWS re-encrypts with it.
    if (kmsKeyId !== undefined && value) this.mustEncrypt(req.region, kmsKeyId);
    if (description !== undefined) secret.description = description;
    if (kmsKeyId !== undefined) secret.kmsKeyId = kmsKeyId;
    secret.lastChangedAt = this.now();
    if (!value) return { ARN: secret.arn, Name: secret.name };
    const version = this.addVersion(req, secret, value, optString(input, 'ClientRequestToken'), [
      'AWSCURRENT',
    ]);
    return { ARN: secret.arn, Name: secret.name, VersionId: version.versionId };
  }

  private getRandomPassword(input: JsonObject): JsonObject {
    const length = optNumber(input, 'PasswordLength') ?? 32;
    if (!Number.isInteger(length) || length < 1 || length > 4096) {
      throw new AwsServiceError('InvalidParameterException', 'Password length must be between 1 and 4096.');
    }
    const exclude = new Set(optString(input, 'ExcludeCharacters') ?? '');
    const classes = [
      optBoolean(input, 'ExcludeLowercase') ? '' : LOWER,
      optBoolean(input, 'ExcludeUppercase') ? '' : UPPER,
      optBoolean(input, 'ExcludeNumbers') ? '' : DIGITS,
      optBoolean(input, 'ExcludePunctuation') ? '' : PUNCTUATION,
      optBoolean(input, 'IncludeSpace') ? ' ' : '',
    ]
      .map((chars) => [...chars].filter((c) => !exclude.has(c)).join(''))
      .filter((chars) => chars.length > 0);
    if (classes.length === 0) {
      throw new AwsServiceError(
        'InvalidParameterException',
        'No characters are left to build a password from.',
      );
    }
    const required = optBoolean(input, 'RequireEachIncludedType') ?? true;
    if (required && length < classes.length) {
      throw new AwsServiceError(
        'InvalidParameterException',
        'Password length is too short to include a character of each required type.',
      );
    }
    return { RandomPassword: randomPassword(length, classes, required) };
  }

  private describeSecret(input: JsonObject, req: EmulatorRequest): JsonObject {
    return this.describe(this.mustFind(req, input));
  }

  private describe(secret: Secret): JsonObject {
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description !== undefined ? { Description: secret.description } : {}),
      ...(secret.kmsKeyId !== undefined ? { KmsKeyId: secret.kmsKeyId } : {}),
      RotationEnabled: false,
      LastChangedDate: epochSeconds(new Date(secret.lastChangedAt)),
      ...(secret.deletedAt ? { DeletedDate: epochSeconds(new Date(secret.deletedAt)) } : {}),
      ...(secret.tags.length ? { Tags: secret.tags.map(([Key, Value]) => ({ Key, Value })) } : {}),
      VersionIdsToStages: Object.fromEntries(secret.versions.map((v) => [v.versionId, v.stages])),
      CreatedDate: epochSeconds(new Date(secret.createdAt)),
    };
  }

  private deleteSecret(input: JsonObject, req: EmulatorRequest): JsonObject {
    const secret = this.mustFind(req, input);
    const force = optBoolean(input, 'ForceDeleteWithoutRecovery') ?? false;
    const windowDays = optNumber(input, 'RecoveryWindowInDays');
    if (force && windowDays !== undefined) {
      throw new AwsServiceError(
        'InvalidParameterException',
        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
      );
    }
    if (windowDays !== undefined && (!Number.isInteger(windowDays) || windowDays < 7 || windowDays > 30)) {
      throw new AwsServiceError(
        'InvalidParameterException',
        'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
      );
    }
    const now = this.ctx.clock.now();
    if (force) {
      delete this.region(req)[secret.name];
      return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(now) };
    }
    if (secret.deletedAt) {
      throw new AwsServiceError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was already scheduled for deletion.",
      );
    }
    const deletionDate = new Date(now.getTime() + (windowDays ?? 30) * DAY_MS);
    secret.deletedAt = now.toISOString();
    secret.deletionDate = deletionDate.toISOString();
    return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(deletionDate) };
  }

  private restoreSecret(input: JsonObject, req: EmulatorRequest): JsonObject {
    const secret = this.mustFind(req, input);
    delete secret.deletedAt;
    delete secret.deletionDate;
    return { ARN: secret.arn, Name: secret.name };
  }

  private putResourcePolicy(input: JsonObject, req: EmulatorRequest): JsonObject {
    const secret = this.mustFind(req, input);
    const policy = reqString(input, 'ResourcePolicy');
    this.mustBeLive(secret);
    if (!isPolicyDocument(policy)) {
      throw new AwsServiceError(
        'MalformedPolicyDocumentException',
        'This resource policy contains an unsupported principal or is not valid JSON with a Statement list.',
      );
    }
    secret.policy = policy;
    return { ARN: secret.arn, Name: secret.name };
  }

  private getResourcePolicy(input: JsonObject, req: EmulatorRequest): JsonObject {
    const secret = this.mustFind(req, input);
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.policy ? { ResourcePolicy: secret.policy } : {}),
    };
  }

  private deleteResourcePolicy(input: JsonObject, req: EmulatorRequest): JsonObject {
    const secret = this.mustFind(req, input);
    this.mustBeLive(secret);
    delete secret.policy;
    return { ARN: secret.arn, Name: secret.name };
  }

  private listSecrets(input: JsonObject, req: EmulatorRequest): JsonObject {
    const maxResults = optNumber(input, 'MaxResults') ?? 100;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
      throw invalidMember('MaxResults', maxResults, 'Member must have value between 1 and 100');
    }
    const includeDeleted = optBoolean(input, 'IncludePlannedDeletion') ?? false;
    const filters = (optObjects(input, 'Filters') ?? []).map((f) => ({
      key: reqString(f, 'Key'),
      values: optStringList(f, 'Values') ?? [],
    }));
    for (const f of filters) {
      if (
        !['name', 'description', 'tag-key', 'tag-value', 'all', 'primary-region', 'owning-service'].includes(
          f.key,
        )
      ) {
        throw new AwsServiceError('InvalidParameterException', `Invalid filter key: ${f.key}`);
      }
    }
    const matching = Object.values(this.region(req))
      .filter((s) => includeDeleted || !s.deletedAt)
      .filter((s) => filters.every((f) => matchesFilter(s, f.key, f.values)))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
    const nextToken = optString(input, 'NextToken');
    const start = nextToken === undefined ? 0 : decodePageToken(nextToken, 'InvalidNextTokenException');
    const page = matching.slice(start, start + maxResults);
    const rest = start + maxResults < matching.length;
    return {
      SecretList: page.map((s) => {
        const d = this.describe(s);
        const { VersionIdsToStages, ...entry } = d;
        return { ...entry, SecretVersionsToStages: VersionIdsToStages };
      }),
      ...(rest ? { NextToken: encodePageToken(start + maxResults) } : {}),
    };
  }

  private tagResource(input: JsonObject, req: EmulatorRequest): JsonObject {
    const secret = this.mustFind(req, input);
    const tags = readTags(input, 'Tags');
    this.mustBeLive(secret);
    const merged = new Map(secret.tags);
    for (const [k, v] of tags) merged.set(k, v);
    secret.tags = [...merged];
    return {};
  }

  private untagResource(input: JsonObject, req: EmulatorRequest): JsonObject {
    const secret = this.mustFind(req, input);
    const keys = optStringList(input, 'TagKeys') ?? [];
    this.mustBeLive(secret);
    secret.tags = secret.tags.filter(([k]) => !keys.includes(k));
    return {};
  }
}

function readValue(input: JsonObject): { secretString?: string; secretBinary?: string } | undefined {
  const secretString = optString(input, 'SecretString');
  const secretBinary = optString(input, 'SecretBinary');
  if (secretString !== undefined && secretBinary !== undefined) {
    throw new AwsServiceError(
      'InvalidParameterException',
      'You must provide either SecretString or SecretBinary, not both.',
    );
  }
  if (secretString !== undefined) return { secretString };
  if (secretBinary !== undefined) return { secretBinary };
  return undefined;
}

/** ListSecrets filters: prefix matches, `!` negates, values of one key are ORed. */
function matchesFilter(s: Secret, key: string, values: string[]): boolean {
  const fields = (): string[] => {
    switch (key) {
      case 'name':
        return [s.name];
      case 'description':
        return s.description ? [s.description] : [];
      case 'tag-key':
        return s.tags.map(([k]) => k);
      case 'tag-value':
        return s.tags.map(([, v]) => v);
      case 'all':
        return [s.name, ...(s.description ? [s.description] : []), ...s.tags.flat()];
      default:
        return [];
    }
  };
  const candidates = fields();
  const positive = values.filter((v) => !v.startsWith('!'));
  const negative = values.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
  if (negative.some((n) => candidates.some((c) => c.startsWith(n)))) return false;
  return positive.length === 0 || positive.some((p) => candidates.some((c) => c.startsWith(p)));
}

function isPolicyDocument(text: string): boolean {
  try {
    const doc = JSON.parse(text) as { Statement?: unknown };
    return (
      !!doc && typeof doc === 'object' && (Array.isArray(doc.Statement) || typeof doc.Statement === 'object')
    );
  } catch {
    return false;
  }
}

function randomSuffix(): string {
  return [...randomBytes(6)].map((b) => SUFFIX_CHARS[b % SUFFIX_CHARS.length]).join('');
}

/** Uniform over the allowed characters (crypto-secure); with `oneOfEach`, every class appears at least once. */
function randomPassword(length: number, classes: string[], oneOfEach: boolean): string {
  const all = classes.join('');
  const chars = Array.from({ length }, () => all[randomInt(all.length)]!);
  if (oneOfEach) {
    // Put one character of each class at distinct random positions.
    const positions = [...Array(length).keys()];
    for (const cls of classes) {
      const at = positions.splice(randomInt(positions.length), 1)[0]!;
      chars[at] = cls[randomInt(cls.length)]!;
    }
  }
  return chars.join('');
}
