// The SetPassword options: who may read the secret, which key encrypts it, where it is stored.
import type { PasswordRequest } from '../model/api.ts';
import { ValidationError } from '../util/errors.ts';
import { type FieldKey, PASSWORD_KEYS } from './fields.ts';
import { fieldReader } from './objects.ts';
import type { Problems } from './problems.ts';
import { booleanValue, stringValue } from './raw.ts';

const PRINCIPAL = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(root|role\/\S+|user\/\S+|assumed-role\/\S+)$/;

/** IAM role, user or account-root ARNs, each named by its position when wrong. */
export function checkPrincipalArns(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new ValidationError(field, 'must be a list of IAM principal ARNs');
  return value.map((arn, i) => {
    if (typeof arn !== 'string' || !PRINCIPAL.test(arn)) {
      throw new ValidationError(
        `${field}[${i}]`,
        `${JSON.stringify(arn)} is not an IAM role, user or account root ARN`,
      );
    }
    return arn;
  });
}

/** A KMS key id, key ARN, alias name or alias ARN. */
export function checkKmsKeyId(value: unknown, field: string): string {
  const key = stringValue(value, field);
  if (!/^[A-Za-z0-9:/_-]{1,2048}$/.test(key)) {
    throw new ValidationError(field, `"${key}" is not a KMS key id, ARN or alias`);
  }
  return key;
}

/** The start of the secret's name: `<prefix>password/<cluster id>-<timestamp>` stays within 512 characters. */
export function checkSecretPrefix(value: unknown, field: string): string {
  const prefix = stringValue(value, field);
  if (!/^[A-Za-z0-9/_+=.@-]{1,400}$/.test(prefix)) {
    throw new ValidationError(
      field,
      `"${prefix}" must be 1–400 letters, digits or /_+=.@- (the start of a Secrets Manager name)`,
    );
  }
  return prefix;
}

/** The JSON key inside the secret that holds the password. */
export function checkSecretKey(value: unknown, field: string): string {
  const key = stringValue(value, field);
  if (key.length === 0 || key.length > 256) throw new ValidationError(field, 'must be 1–256 characters');
  return key;
}

/** RDS refuses a generated password and one RDS manages itself on the same cluster. */
export function checkPasswordChoice(
  setPassword: boolean,
  managed: boolean,
  fields: { setPassword: string; manageMasterUserPassword: string },
): void {
  if (setPassword && managed) {
    throw new ValidationError(
      fields.manageMasterUserPassword,
      `${fields.setPassword} and ${fields.manageMasterUserPassword} cannot both be true (choose one)`,
    );
  }
}

/** The whole PasswordRequest of a library call: known keys only, each option by its own rule. */
export function checkPasswordRequest(
  value: unknown,
  name: (key: FieldKey) => string,
  problems: Problems,
): PasswordRequest {
  // An unknown key has no name of its own: it is named inside the password object.
  const nameOf = (key: string) =>
    Object.hasOwn(PASSWORD_KEYS, key) ? name(key as FieldKey) : `${name('password')}.${key}`;
  const read = fieldReader(value as PasswordRequest, name('password'), PASSWORD_KEYS, nameOf, problems);
  const out: PasswordRequest = {};
  const take = <K extends keyof PasswordRequest>(
    key: K,
    rule: (v: unknown, field: string) => NonNullable<PasswordRequest[K]>,
  ) => {
    const checked = read(key, rule);
    if (checked !== undefined) out[key] = checked;
  };
  take('setPassword', booleanValue);
  take('manageMasterUserPassword', booleanValue);
  take('accessPrincipalArns', checkPrincipalArns);
  take('kmsKeyId', checkKmsKeyId);
  take('forceCreateKmsKey', booleanValue);
  take('secretPrefix', checkSecretPrefix);
  take('secretKey', checkSecretKey);
  problems.check(() =>
    checkPasswordChoice(out.setPassword === true, out.manageMasterUserPassword === true, {
      setPassword: name('setPassword'),
      manageMasterUserPassword: name('manageMasterUserPassword'),
    }),
  );
  return out;
}
