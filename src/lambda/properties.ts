// One schema for the custom resource's ResourceProperties. CloudFormation sends every value as a
// string, so "true"/"false" and numbers are parsed here; unknown properties and bad values are
// collected and reported together, each message naming the property. Empty strings count as
// absent (templates often pass an empty parameter for "not set").

import { TAG_PREFIX } from '../model/tags.ts';
import { parseDuration, parseInstant } from '../util/duration.ts';
import { ValidationError, ValidationErrors } from '../util/errors.ts';
import { identifierProblem } from '../util/identifiers.ts';

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

type Parser = (value: unknown, name: string) => unknown;

const asString: Parser = (v, name) => {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new ValidationError(name, `must be a string, got ${describe(v)}`);
};

const asBoolean: Parser = (v, name) => {
  if (typeof v === 'boolean') return v;
  const s = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new ValidationError(name, `must be "true" or "false", got ${describe(v)}`);
};

const integerIn =
  (min: number, max: number): Parser =>
  (v, name) => {
    const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
    if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) {
      throw new ValidationError(name, `must be a whole number from ${min} to ${max}, got ${describe(v)}`);
    }
    return Number(s);
  };

const identifier: Parser = (v, name) => {
  const s = asString(v, name) as string;
  const problem = identifierProblem(s);
  if (problem) throw new ValidationError(name, `"${s}" is not a valid DB cluster identifier: ${problem}`);
  return s.toLowerCase();
};

const duration: Parser = (v, name) => {
  const s = asString(v, name) as string;
  if (parseDuration(s) === undefined) {
    throw new ValidationError(name, `"${s}" is not a duration (ISO-8601 like P3D or PT8H, or 8h, 30m)`);
  }
  return s;
};

const instant: Parser = (v, name) => {
  const s = asString(v, name) as string;
  const d = parseInstant(s);
  if (!d)
    throw new ValidationError(name, `"${s}" is not an ISO-8601 date or time (e.g. 2026-11-25T08:00:00Z)`);
  return d;
};

const instanceClass: Parser = (v, name) => {
  const s = asString(v, name) as string;
  if (!/^db\.[a-z0-9-]+(\.[a-z0-9-]+)?$/i.test(s)) {
    throw new ValidationError(name, `"${s}" is not a DB instance class (e.g. db.r6g.large or db.serverless)`);
  }
  return s;
};

const PRINCIPAL = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(root|role\/\S+|user\/\S+|assumed-role\/\S+)$/;
const principals: Parser = (v, name) => {
  const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : undefined;
  if (!items)
    throw new ValidationError(name, `must be a list or a comma-separated string of ARNs, got ${describe(v)}`);
  const arns = items.map((x, i) => asString(x, `${name}[${i}]`) as string).filter((x) => x !== '');
  arns.forEach((arn, i) => {
    if (!PRINCIPAL.test(arn)) {
      throw new ValidationError(`${name}[${i}]`, `"${arn}" is not an IAM role, user or account root ARN`);
    }
  });
  return arns;
};

const kmsKey: Parser = (v, name) => {
  const s = asString(v, name) as string;
  if (!/^[A-Za-z0-9:/_-]{1,2048}$/.test(s))
    throw new ValidationError(name, `"${s}" is not a KMS key id, ARN or alias`);
  return s;
};

const secretPrefix: Parser = (v, name) => {
  const s = asString(v, name) as string;
  if (!/^[A-Za-z0-9/_+=.@-]{1,400}$/.test(s)) {
    throw new ValidationError(
      name,
      `"${s}" may contain only letters, digits and /_+=.@- (a Secrets Manager name)`,
    );
  }
  return s;
};

const tags: Parser = (v, name) => {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    v.forEach((t, i) => {
      const entry = t as { Key?: unknown; Value?: unknown } | null;
      if (!entry || typeof entry !== 'object' || entry.Key === undefined) {
        throw new ValidationError(`${name}[${i}]`, 'must be {"Key": …, "Value": …}');
      }
      out[asString(entry.Key, `${name}[${i}].Key`) as string] = asString(
        entry.Value ?? '',
        `${name}[${i}].Value`,
      ) as string;
    });
  } else if (v && typeof v === 'object') {
    for (const [k, val] of Object.entries(v)) out[k] = asString(val, `${name}.${k}`) as string;
  } else {
    throw new ValidationError(
      name,
      `must be a map of tag names to values or a list of {Key, Value}, got ${describe(v)}`,
    );
  }
  for (const [k, val] of Object.entries(out)) {
    if (k === '' || k.length > 128)
      throw new ValidationError(`${name}.${k}`, 'tag keys must be 1–128 characters');
    if (val.length > 256)
      throw new ValidationError(`${name}.${k}`, 'tag values must be at most 256 characters');
    if (/^aws:/i.test(k)) throw new ValidationError(`${name}.${k}`, 'the aws: prefix is reserved by AWS');
    if (k.startsWith(TAG_PREFIX))
      throw new ValidationError(`${name}.${k}`, `the ${TAG_PREFIX} prefix is the manager's own`);
  }
  return out;
};

/** CloudFormation property name → (field of CloneProperties, parser). */
const SCHEMA: Record<string, [keyof CloneProperties, Parser]> = {
  SourceClusterId: ['sourceClusterId', identifier],
  ClusterId: ['clusterId', identifier],
  CopyOk: ['copyOk', asBoolean],
  PurgeObsoleteCopies: ['purgeObsoleteCopies', asBoolean],
  InstanceClass: ['instanceClass', instanceClass],
  CopyCreatedSince: ['copyCreatedSince', instant],
  SetPassword: ['setPassword', asBoolean],
  ManageMasterUserPassword: ['manageMasterUserPassword', asBoolean],
  AccessPrincipalArns: ['accessPrincipalArns', principals],
  KmsKeyId: ['kmsKeyId', kmsKey],
  ForceCreateKmsKey: ['forceCreateKmsKey', asBoolean],
  SecretPrefix: ['secretPrefix', secretPrefix],
  // The first implementation's templates spelled it this way.
  SecretpPrefix: ['secretPrefix', secretPrefix],
  NoFailOnExistingCluster: ['noFailOnExistingCluster', asBoolean],
  Tags: ['tags', tags],
  WaitForAvailable: ['waitForAvailable', asBoolean],
  MaxCopyAge: ['maxCopyAge', duration],
  MaxClonesPerSource: ['maxClonesPerSource', integerIn(1, 15)],
  TimeToLive: ['timeToLive', duration],
  ServiceTimeout: ['serviceTimeoutSeconds', integerIn(1, 3600)],
};

/** Set by CloudFormation itself; not a property of the clone. */
const IGNORED = new Set(['ServiceToken']);

export const PROPERTY_NAMES: readonly string[] = Object.keys(SCHEMA);

/** Validates and normalises ResourceProperties; throws ValidationError(s) naming every bad property. */
export function parseProperties(raw: unknown): CloneProperties {
  const errors: ValidationError[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ValidationError('ResourceProperties', `must be an object, got ${describe(raw)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (IGNORED.has(name)) continue;
    const entry = SCHEMA[name];
    if (!entry) {
      errors.push(new ValidationError(name, `unknown property (known: ${PROPERTY_NAMES.join(', ')})`));
      continue;
    }
    if (value === undefined || value === null || value === '') continue;
    const [field, parse] = entry;
    try {
      const parsed = parse(value, name);
      if (out[field] !== undefined && JSON.stringify(out[field]) !== JSON.stringify(parsed)) {
        errors.push(new ValidationError(name, 'conflicts with SecretPrefix (give only one of them)'));
      } else {
        out[field] = parsed;
      }
    } catch (err) {
      if (err instanceof ValidationError) errors.push(err);
      else throw err;
    }
  }
  if (out.sourceClusterId === undefined && !errors.some((e) => e.field === 'SourceClusterId')) {
    errors.push(new ValidationError('SourceClusterId', 'is required'));
  }
  if (out.setPassword && out.manageMasterUserPassword) {
    errors.push(
      new ValidationError('ManageMasterUserPassword', 'cannot be combined with SetPassword (choose one)'),
    );
  }
  if (out.sourceClusterId !== undefined && out.clusterId === out.sourceClusterId) {
    errors.push(new ValidationError('ClusterId', 'must differ from SourceClusterId'));
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ValidationErrors(errors);
  return { waitForAvailable: true, ...out } as CloneProperties;
}

/** The fields whose values differ (compared after normalisation, so "true" equals true). */
export function changedProperties(a: CloneProperties, b: CloneProperties): (keyof CloneProperties)[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof CloneProperties)[]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  return `${typeof v} ${String(v)}`;
}
