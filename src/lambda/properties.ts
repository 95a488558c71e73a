// The custom resource's ResourceProperties. CloudFormation sends every value as a string, so the first
// stage turns "true"/"false", numbers, lists and tag maps into typed values; the second runs the one
// set of request rules (src/validation) with the properties' own names. Every problem of both stages
// is reported together. Empty strings count as absent (templates often pass an empty parameter for
// "not set").

import type { ProvisionRequest } from '../model/api.ts';
import { ValidationError } from '../util/errors.ts';
import {
  checkKeys,
  describeValue,
  type FieldNames,
  isBlank,
  isPlainObject,
  LIBRARY_DEFAULTS,
  PASSWORD_KEYS,
  Problems,
  parseBoolean,
  parseList,
  parseWholeNumber,
  textOf,
  validateProvision,
  wholeNumberIn,
} from '../validation/index.ts';

export interface CloneProperties {
  sourceClusterId: string;
  clusterId?: string;
  copyOk?: boolean;
  purgeObsoleteCopies?: boolean;
  instanceClass?: string;
  copyCreatedSince?: Date;
  setPassword?: boolean;
  manageMasterUserPassword?: boolean;
  accessPrincipalArns?: string[];
  kmsKeyId?: string;
  forceCreateKmsKey?: boolean;
  secretPrefix?: string;
  noFailOnExistingCluster?: boolean;
  tags?: Record<string, string>;
  /** Answer SUCCESS only once the clone's writer is available (default true). */
  waitForAvailable: boolean;
  maxCopyAge?: string;
  maxClonesPerSource?: number;
  timeToLive?: string;
  /** CloudFormation's own ServiceTimeout (seconds): how long it waits for the answer. */
  serviceTimeoutSeconds?: number;
}

/** Properties that say how to answer, not what clone to make: changing only these is a no-op Update. */
export const ANSWER_ONLY: readonly (keyof CloneProperties)[] = ['waitForAvailable', 'serviceTimeoutSeconds'];

/** How a template names each request field. */
export const CFN_FIELDS: FieldNames = {
  sourceClusterId: 'SourceClusterId',
  clusterId: 'ClusterId',
  copyOk: 'CopyOk',
  purgeObsoleteCopies: 'PurgeObsoleteCopies',
  instanceClass: 'InstanceClass',
  copyCreatedSince: 'CopyCreatedSince',
  setPassword: 'SetPassword',
  manageMasterUserPassword: 'ManageMasterUserPassword',
  accessPrincipalArns: 'AccessPrincipalArns',
  kmsKeyId: 'KmsKeyId',
  forceCreateKmsKey: 'ForceCreateKmsKey',
  secretPrefix: 'SecretPrefix',
  noFailOnExistingCluster: 'NoFailOnExistingCluster',
  tags: 'Tags',
  maxCopyAge: 'MaxCopyAge',
  maxClonesPerSource: 'MaxClonesPerSource',
  ttl: 'TimeToLive',
};

type Shape = (value: unknown, name: string) => unknown;

/** Tags as a map of key to value, or CloudFormation's list of {Key, Value}; values as text. */
const tagMap: Shape = (v, name) => {
  let entries: [string, string][];
  if (Array.isArray(v)) {
    entries = v.map((t: unknown, i) => {
      if (!isPlainObject(t) || t.Key === undefined) {
        throw new ValidationError(`${name}[${i}]`, 'must be {"Key": …, "Value": …}');
      }
      return [textOf(t.Key, `${name}[${i}].Key`), textOf(t.Value ?? '', `${name}[${i}].Value`)];
    });
  } else if (isPlainObject(v)) {
    entries = Object.entries(v).map(([k, value]) => [k, textOf(value, `${name}.${k}`)]);
  } else {
    throw new ValidationError(
      name,
      `must be a map of tag names to values or a list of {Key, Value}, got ${describeValue(v)}`,
    );
  }
  // fromEntries keeps every key as the object's own, so the tag rules see (and refuse) __proto__.
  return Object.fromEntries(entries);
};

const serviceTimeout: Shape = (v, name) => wholeNumberIn(parseWholeNumber(v, name), name, 1, 3600);

/** CloudFormation property name → (field of CloneProperties, how its text becomes a typed value). */
const SCHEMA: Readonly<Record<string, [keyof CloneProperties, Shape]>> = {
  SourceClusterId: ['sourceClusterId', textOf],
  ClusterId: ['clusterId', textOf],
  CopyOk: ['copyOk', parseBoolean],
  PurgeObsoleteCopies: ['purgeObsoleteCopies', parseBoolean],
  InstanceClass: ['instanceClass', textOf],
  CopyCreatedSince: ['copyCreatedSince', textOf],
  SetPassword: ['setPassword', parseBoolean],
  ManageMasterUserPassword: ['manageMasterUserPassword', parseBoolean],
  AccessPrincipalArns: ['accessPrincipalArns', parseList],
  KmsKeyId: ['kmsKeyId', textOf],
  ForceCreateKmsKey: ['forceCreateKmsKey', parseBoolean],
  SecretPrefix: ['secretPrefix', textOf],
  // The first implementation's templates spelled it this way.
  SecretpPrefix: ['secretPrefix', textOf],
  NoFailOnExistingCluster: ['noFailOnExistingCluster', parseBoolean],
  Tags: ['tags', tagMap],
  WaitForAvailable: ['waitForAvailable', parseBoolean],
  MaxCopyAge: ['maxCopyAge', textOf],
  MaxClonesPerSource: ['maxClonesPerSource', parseWholeNumber],
  TimeToLive: ['timeToLive', textOf],
  ServiceTimeout: ['serviceTimeoutSeconds', serviceTimeout],
};

export const PROPERTY_NAMES: readonly string[] = Object.keys(SCHEMA);

/** Every property a template may give; ServiceToken is CloudFormation's own. */
const KNOWN: Readonly<Record<string, true>> = Object.fromEntries(
  [...PROPERTY_NAMES, 'ServiceToken'].map((name) => [name, true]),
);

/** The properties after the first stage: typed, the instant still as text. */
type Shaped = Partial<Omit<CloneProperties, 'copyCreatedSince'>> & { copyCreatedSince?: string };

/** The request the properties ask for, for the rules to check (the password options nested). */
function requestOf(p: Shaped): ProvisionRequest {
  const { sourceClusterId = '', timeToLive, waitForAvailable, serviceTimeoutSeconds, ...rest } = p;
  const req: Record<string, unknown> = { sourceClusterId };
  const password: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    (Object.hasOwn(PASSWORD_KEYS, key) ? password : req)[key] = value;
  }
  if (timeToLive !== undefined) req.ttl = timeToLive;
  if (Object.keys(password).length > 0) req.password = password;
  // The rules check every field's type; this only moves the fields to where the request has them.
  return req as unknown as ProvisionRequest;
}

/** Validates and normalises ResourceProperties; throws ValidationError(s) naming every bad property. */
export function parseProperties(raw: unknown): CloneProperties {
  if (!isPlainObject(raw)) {
    throw new ValidationError('ResourceProperties', `must be an object, got ${describeValue(raw)}`);
  }
  const problems = new Problems();
  checkKeys(raw, KNOWN, (name) => name, problems, 'property');
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!Object.hasOwn(SCHEMA, name) || isBlank(value)) continue;
    const [field, shape] = SCHEMA[name]!;
    const parsed = problems.check(() => shape(value, name));
    if (parsed === undefined) continue;
    if (out[field] !== undefined && JSON.stringify(out[field]) !== JSON.stringify(parsed)) {
      problems.add(name, 'conflicts with SecretPrefix (give only one of them)');
    } else {
      out[field] = parsed;
    }
  }
  const shaped = out as Shaped;
  const fields: FieldNames = { ...CFN_FIELDS };
  if (isBlank(raw.SecretPrefix) && !isBlank(raw.SecretpPrefix)) fields.secretPrefix = 'SecretpPrefix';
  const policy = problems.checkUnreported(() =>
    validateProvision(requestOf(shaped), LIBRARY_DEFAULTS, fields),
  );
  problems.throwIfAny();
  // The rules' normal forms: identifiers in lower case, the instant as a Date.
  const { sourceClusterId, clusterId, instanceClass, copyCreatedSince } = policy!;
  const { copyCreatedSince: sinceText, ...typed } = shaped;
  return {
    waitForAvailable: true,
    ...typed,
    sourceClusterId,
    ...(clusterId !== undefined ? { clusterId } : {}),
    ...(instanceClass !== undefined ? { instanceClass } : {}),
    ...(copyCreatedSince !== undefined ? { copyCreatedSince } : {}),
  };
}

/** The fields whose values differ (compared after normalisation, so "true" equals true). */
export function changedProperties(a: CloneProperties, b: CloneProperties): (keyof CloneProperties)[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof CloneProperties)[]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}
