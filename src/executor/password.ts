// SetPassword: a generated master password kept in Secrets Manager, set on the clone once its
// instance is up (RestoreDBClusterToPointInTime takes no password, and ModifyDBCluster needs an
// available cluster). The password never appears in a log line or a return value.
import { randomInt } from 'node:crypto';
import type { KmsAdapter } from '../aws/kms.ts';
import type { RdsAdapter } from '../aws/rds.ts';
import type { SecretsAdapter } from '../aws/secrets.ts';
import type { PasswordRequest } from '../model/api.ts';
import type { ClusterInfo } from '../model/inventory.ts';
import { TAG, TAG_PREFIX } from '../model/tags.ts';
import { AcmError, AwsInvalidStateError, AwsNotFoundError, ValidationError } from '../util/errors.ts';
import { idTimestamp } from '../util/identifiers.ts';

export interface PasswordServices {
  secrets: SecretsAdapter;
  kms: KmsAdapter;
  rds: RdsAdapter;
}

export interface PreparedPassword {
  secretArn: string;
  secretName: string;
  kmsKeyId?: string;
  keyCreated: boolean;
}

export const DEFAULT_SECRET_PREFIX = '/aurora-clone-manager/';
export const DEFAULT_SECRET_JSON_KEY = 'password';
/** Days before a key the manager created is deleted (7 is the shortest window KMS allows). */
export const KEY_DELETION_WINDOW_DAYS = 7;
export const PASSWORD_LENGTH = 32;

// Printable ASCII without what RDS refuses in a master password ('/', '"', '@', space) and
// without characters that need quoting in shells and connection URLs.
const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~!#%^*+=';
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]+$/;

/** A crypto-secure random password of RDS-safe characters with letters and digits in it. */
export function generatePassword(length = PASSWORD_LENGTH): string {
  for (;;) {
    let out = '';
    for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    // Some password policies (and people) expect every class; redraw the rare miss.
    if (/[A-Z]/.test(out) && /[a-z]/.test(out) && /\d/.test(out)) return out;
  }
}

/** `<prefix>password/<cluster id>-<timestamp>`; a prefix without a trailing slash gets one. */
export function secretNameFor(prefix: string | undefined, clusterId: string, now: Date): string {
  const p =
    prefix === undefined || prefix === ''
      ? DEFAULT_SECRET_PREFIX
      : prefix.endsWith('/')
        ? prefix
        : `${prefix}/`;
  const name = `${p}password/${clusterId}-${idTimestamp(now)}`;
  if (!SECRET_NAME.test(name) || name.length > 512) {
    throw new ValidationError('secretPrefix', `makes an invalid secret name ${JSON.stringify(name)}`);
  }
  return name;
}

function accountOf(arn: string): string | undefined {
  return /^arn:[\w-]+:[\w-]+:[\w-]*:(\d{12}):/.exec(arn)?.[1];
}

function partitionOf(arn: string): string {
  return /^arn:([\w-]+):/.exec(arn)?.[1] ?? 'aws';
}

/** The secret's resource policy: the access principals may read the value, nothing else. */
export function secretPolicy(principals: string[]): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AuroraCloneManagerAccess',
        Effect: 'Allow',
        Principal: { AWS: principals },
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: '*',
      },
    ],
  };
}

/**
 * Policy for a key the manager created: the account keeps administering it (KMS refuses a policy
 * that locks the account out) and the access principals may decrypt through Secrets Manager only.
 */
export function keyPolicy(keyArn: string, principals: string[]): object {
  const account = accountOf(keyArn);
  const statements: object[] = [
    {
      Sid: 'AccountAdministers',
      Effect: 'Allow',
      Principal: { AWS: `arn:${partitionOf(keyArn)}:iam::${account}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ];
  if (principals.length > 0) {
    statements.push({
      Sid: 'AccessPrincipalsDecryptSecret',
      Effect: 'Allow',
      Principal: { AWS: principals },
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringLike: { 'kms:ViaService': 'secretsmanager.*.amazonaws.com' } },
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * Before the clone is created: generate the password and keep it in a new secret (encrypted with
 * the given key, a new key when forced, else the deployment default passed in as kmsKeyId).
 * Whatever this created is removed again if a later step fails.
 */
export async function preparePassword(
  req: PasswordRequest,
  target: { clusterId: string; managerId: string; now: Date; username?: string; engine?: string },
  services: PasswordServices,
): Promise<PreparedPassword> {
  const principals = req.accessPrincipalArns ?? [];
  const secretName = secretNameFor(req.secretPrefix, target.clusterId, target.now);
  const jsonKey = req.secretKey ?? DEFAULT_SECRET_JSON_KEY;
  const tags = { [TAG.manager]: target.managerId, [`${TAG_PREFIX}cluster-id`]: target.clusterId };

  let kmsKeyId = req.kmsKeyId;
  let keyCreated = false;
  if (!kmsKeyId && req.forceCreateKmsKey) {
    const key = await services.kms.createKey({
      description: `aurora-clone-manager ${target.managerId}: password of ${target.clusterId}`,
      tags,
    });
    kmsKeyId = key.arn || key.keyId;
    keyCreated = true;
    try {
      if (principals.length > 0) await services.kms.putKeyPolicy(key.keyId, keyPolicy(key.arn, principals));
    } catch (err) {
      await undo(() => services.kms.scheduleKeyDeletion(key.keyId, KEY_DELETION_WINDOW_DAYS));
      throw err;
    }
  }

  const value: Record<string, string> = { dbClusterIdentifier: target.clusterId };
  if (target.username) value.username = target.username;
  if (target.engine) value.engine = target.engine;
  // Tells applyPendingPassword where the password is when the JSON key is not the default.
  if (jsonKey !== DEFAULT_SECRET_JSON_KEY) value.passwordKey = jsonKey;
  value[jsonKey] = generatePassword();

  let secretArn: string;
  try {
    const created = await services.secrets.createSecret({
      name: secretName,
      secretString: JSON.stringify(value),
      ...(kmsKeyId ? { kmsKeyId } : {}),
      description: `Master password of Aurora clone ${target.clusterId} (aurora-clone-manager ${target.managerId})`,
      tags,
    });
    secretArn = created.arn;
  } catch (err) {
    if (keyCreated && kmsKeyId)
      await undo(() => services.kms.scheduleKeyDeletion(kmsKeyId, KEY_DELETION_WINDOW_DAYS));
    throw err;
  }
  try {
    if (principals.length > 0) await services.secrets.putResourcePolicy(secretArn, secretPolicy(principals));
  } catch (err) {
    await undo(() => services.secrets.deleteSecret(secretArn, { force: true }));
    if (keyCreated && kmsKeyId)
      await undo(() => services.kms.scheduleKeyDeletion(kmsKeyId, KEY_DELETION_WINDOW_DAYS));
    throw err;
  }
  return { secretArn, secretName, ...(kmsKeyId ? { kmsKeyId } : {}), keyCreated };
}

/**
 * Once the writer is up: set the pending password. A pending tag with a secret means "set the
 * generated password"; a pending tag without one means "let RDS manage the master password".
 * Running it twice is harmless (the same password is set again).
 */
export async function applyPendingPassword(
  cluster: ClusterInfo,
  services: PasswordServices,
): Promise<boolean> {
  const managed = cluster.managed;
  if (!managed?.passwordPending) return false;
  if (managed.passwordSecret) {
    const text = await services.secrets.getSecretValue(managed.passwordSecret);
    const password = passwordIn(text, managed.passwordSecret);
    await services.rds.modifyCluster({
      clusterId: cluster.id,
      masterUserPassword: password,
      applyImmediately: true,
    });
  } else {
    await services.rds.modifyCluster({
      clusterId: cluster.id,
      manageMasterUserPassword: true,
      applyImmediately: true,
    });
  }
  await services.rds.removeTags(cluster.arn, [TAG.passwordState]);
  return true;
}

function passwordIn(text: string | undefined, secretId: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    throw new AcmError(`secret ${secretId} does not hold JSON`, { secret: secretId });
  }
  const obj = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const key = typeof obj.passwordKey === 'string' ? obj.passwordKey : DEFAULT_SECRET_JSON_KEY;
  const password = obj[key];
  if (typeof password !== 'string' || password === '') {
    throw new AcmError(`secret ${secretId} has no "${key}" value`, { secret: secretId });
  }
  return password;
}

/** What a deleted clone's password left behind: its secret, and a key made only for it. */
export interface PasswordLeftovers {
  secretArn?: string;
  createdKeyId?: string;
}

/** What a prepared password leaves to clean up if its clone goes: the secret, and a key made for it. */
export function leftoversOf(p: PreparedPassword): PasswordLeftovers {
  return { secretArn: p.secretArn, ...(p.keyCreated && p.kmsKeyId ? { createdKeyId: p.kmsKeyId } : {}) };
}

/** On delete: the secret goes at once; a key the manager made is scheduled for deletion. Gone already is fine. */
export async function cleanupPassword(
  left: PasswordLeftovers,
  services: Pick<PasswordServices, 'secrets' | 'kms'>,
): Promise<{ secretDeleted?: string; kmsKeyScheduledForDeletion?: string }> {
  const out: { secretDeleted?: string; kmsKeyScheduledForDeletion?: string } = {};
  if (left.secretArn) {
    const secretArn = left.secretArn;
    await alreadyGoneIsFine(() => services.secrets.deleteSecret(secretArn, { force: true }));
    out.secretDeleted = secretArn;
  }
  if (left.createdKeyId) {
    const keyId = left.createdKeyId;
    // An invalid state here is a key already pending deletion (a repeated delete).
    await alreadyGoneIsFine(() => services.kms.scheduleKeyDeletion(keyId, KEY_DELETION_WINDOW_DAYS));
    out.kmsKeyScheduledForDeletion = keyId;
  }
  return out;
}

async function alreadyGoneIsFine(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof AwsNotFoundError || err instanceof AwsInvalidStateError) return;
    throw err;
  }
}

/** Best-effort rollback: the original error is the one worth reporting. */
async function undo(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch {
    // The resource stays behind, tagged with the manager id; the original failure is rethrown.
  }
}
