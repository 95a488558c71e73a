// AuroraClone: one Custom::AuroraClone resource as a construct. Its props are the resource's
// properties (src/lambda/properties.ts), typed, checked at synth time by the rules the function applies
// (validateProvision) and named as written here; its attributes are exactly the Data the function
// returns (src/lambda/clone-data.ts).
import { CustomResource, type Duration, type RemovalPolicy, Token } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { CloneData } from '../lambda/clone-data.ts';
import { CFN_FIELDS } from '../lambda/properties.ts';
import type { ProvisionRequest } from '../model/api.ts';
import {
  booleanValue,
  checkKeys,
  type FieldNames,
  isPlainObject,
  LIBRARY_DEFAULTS,
  PASSWORD_KEYS,
  validateProvision,
} from '../validation/index.ts';
import type { IAuroraCloneManager } from './manager.ts';
import { SynthCheck } from './synth-check.ts';

export interface AuroraCloneProps {
  /**
   * The manager that makes the clone: an AuroraCloneManager of this app, or the ServiceToken of one
   * deployed elsewhere (e.g. `AuroraCloneManager.serviceTokenOf('aurora-clone-manager')`).
   */
  readonly manager: IAuroraCloneManager | string;
  /** With a ServiceToken: the custom resource type its manager accepts. Default `Custom::AuroraClone`. */
  readonly resourceType?: string;
  /** The Aurora cluster to clone (id or ARN); never modified. */
  readonly sourceClusterId: string;
  /** The clone's name. Default `<source>-<UTC timestamp>`. */
  readonly clusterId?: string;
  /** When no source has a free slot, make a full copy of the source and clone that. Default true. */
  readonly copyOk?: boolean;
  /** Delete copies older than maxCopyAge while provisioning. Default true. */
  readonly purgeObsoleteCopies?: boolean;
  /** The clone's writer instance class. Default: the source writer's. */
  readonly instanceClass?: string;
  /** Clone only from data taken after this instant (ISO-8601 text or a Date, in the past). */
  readonly copyCreatedSince?: Date | string;
  /** Copies older than this are not used and are purged (ISO-8601 text or a Duration). Default: the manager's. */
  readonly maxCopyAge?: string | Duration;
  /** Clone slots per source, 1–15. Default: the manager's. */
  readonly maxClonesPerSource?: number;
  /** Maintenance deletes the clone after this long (`PT8H`, `8h` or a Duration). Default: never. */
  readonly timeToLive?: string | Duration;
  /** If clusterId is taken, append a timestamp instead of failing. Default false. */
  readonly noFailOnExistingCluster?: boolean;
  /** Extra tags on the clone. */
  readonly tags?: Record<string, string>;
  /** Generate a master password, keep it in Secrets Manager, set it on the clone. Default false. */
  readonly setPassword?: boolean;
  /** Alternatively, let RDS manage the master password in its own secret. Default false. */
  readonly manageMasterUserPassword?: boolean;
  /** Principals (IAM role, user or account root ARNs) allowed to read the password secret. */
  readonly accessPrincipalArns?: string[];
  /** Key for the secret (id, ARN, alias, or a key). Default: the manager's default key. */
  readonly kmsKeyId?: string | IKey;
  /** Create a key for this clone (scheduled for deletion with it). Default false. */
  readonly forceCreateKmsKey?: boolean;
  /** Prefix of the secret's name, under the manager's defaultSecretPrefix. Default: that prefix. */
  readonly secretPrefix?: string;
  /** Answer (and go on with the deployment) only once the clone's writer is available. Default true. */
  readonly waitForAvailable?: boolean;
  /** How long CloudFormation waits for the answer, 1 s–1 h. Default 1 h. */
  readonly serviceTimeout?: Duration;
  /** What happens to the clone when the resource leaves the stack. Default: deleted. */
  readonly removalPolicy?: RemovalPolicy;
}

/** Props that are not properties of the resource. */
const CONSTRUCT_PROPS = {
  manager: true,
  resourceType: true,
  serviceTimeout: true,
  removalPolicy: true,
} as const satisfies Partial<Record<keyof AuroraCloneProps, true>>;

type PropertyProp = Exclude<keyof AuroraCloneProps, keyof typeof CONSTRUCT_PROPS>;

/**
 * The property each prop becomes: the name the function gives the request field the prop is
 * (CFN_FIELDS; the props are named like the request's fields, but timeToLive for its ttl).
 * ServiceTimeout is CustomResource's own.
 */
const PROPERTY = {
  ...Object.fromEntries(
    Object.entries(CFN_FIELDS).map(([field, property]) => [field === 'ttl' ? 'timeToLive' : field, property]),
  ),
  waitForAvailable: 'WaitForAvailable',
} as Readonly<Record<PropertyProp, string>>;

const KNOWN: Readonly<Record<string, true>> = Object.fromEntries(
  [...Object.keys(CONSTRUCT_PROPS), ...Object.keys(PROPERTY)].map((prop) => [prop, true]),
);

/** The attribute each field of AuroraClone reads: every key of the function's Data, once. */
const ATTRIBUTE = {
  Arn: 'arn',
  ClusterId: 'clusterId',
  Endpoint: 'endpoint',
  ReaderEndpoint: 'readerEndpoint',
  Port: 'port',
  PasswordSecret: 'passwordSecret',
  KmsKeyId: 'kmsKeyId',
  SourceClusterId: 'sourceClusterId',
  DataTimestamp: 'dataTimestamp',
} as const satisfies Record<keyof CloneData, string>;

/** How the request's rules name the props (the library's own names for the rest). */
const FIELDS: FieldNames = {
  ttl: 'timeToLive',
  setPassword: 'setPassword',
  manageMasterUserPassword: 'manageMasterUserPassword',
  accessPrincipalArns: 'accessPrincipalArns',
  kmsKeyId: 'kmsKeyId',
  forceCreateKmsKey: 'forceCreateKmsKey',
  secretPrefix: 'secretPrefix',
};

/** A valid stand-in for a principal known only at deployment, so the others keep their positions. */
const SOME_PRINCIPAL = 'arn:aws:iam::123456789012:root';

export class AuroraClone extends Construct {
  /** The names of the resource's attributes (the function's Data), by the field that reads each. */
  static readonly ATTRIBUTES: Readonly<Record<string, keyof CloneData>> = Object.fromEntries(
    Object.entries(ATTRIBUTE).map(([attribute, field]) => [field, attribute as keyof CloneData]),
  );

  /** The clone's ARN (also the resource's physical id). */
  readonly arn: string;
  /** The clone's cluster identifier (clusterId, or the name the manager gave it). */
  readonly clusterId: string;
  readonly endpoint: string;
  readonly readerEndpoint: string;
  readonly port: number;
  /** The password secret's ARN with setPassword or manageMasterUserPassword; else empty. */
  readonly passwordSecret: string;
  /** The key of the password secret; empty when none applies. */
  readonly kmsKeyId: string;
  /** The cluster actually cloned: the source itself or one of its copies. */
  readonly sourceClusterId: string;
  /** When the clone's data was taken from the source (ISO-8601). */
  readonly dataTimestamp: string;
  /** The Custom::AuroraClone resource. */
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: AuroraCloneProps) {
    super(scope, id);
    const manager = typeof props?.manager === 'string' ? undefined : props?.manager;
    const properties = cloneProperties(this, props, manager);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: manager?.serviceToken ?? (props.manager as string),
      resourceType: manager?.resourceType ?? props.resourceType ?? 'Custom::AuroraClone',
      properties,
      ...(props.serviceTimeout ? { serviceTimeout: props.serviceTimeout } : {}),
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    // The function, its role, the lease table and its log group first; the clone goes before them.
    if (manager) this.resource.node.addDependency(manager);

    const attribute = (name: keyof CloneData) => this.resource.getAttString(name);
    this.arn = attribute('Arn');
    this.clusterId = attribute('ClusterId');
    this.endpoint = attribute('Endpoint');
    this.readerEndpoint = attribute('ReaderEndpoint');
    this.port = Token.asNumber(this.resource.getAtt('Port'));
    this.passwordSecret = attribute('PasswordSecret');
    this.kmsKeyId = attribute('KmsKeyId');
    this.sourceClusterId = attribute('SourceClusterId');
    this.dataTimestamp = attribute('DataTimestamp');
  }
}

/** The resource's properties; every problem of the props at once (InvalidPropsError). */
function cloneProperties(
  scope: Construct,
  props: AuroraCloneProps,
  manager: IAuroraCloneManager | undefined,
): Record<string, unknown> {
  const check = new SynthCheck();
  if (!isPlainObject(props)) {
    check.add('props', 'must be an object');
    check.throwIfAny('AuroraClone', scope);
  }
  check.run((problems) => checkKeys({ ...props }, KNOWN, (key) => key, problems, 'prop'));
  if (props.manager === undefined || props.manager === '') check.add('manager', 'is required');
  if (manager && props.resourceType !== undefined) {
    check.add(
      'resourceType',
      `only with a ServiceToken as manager; this manager's is ${manager.resourceType}`,
    );
  }

  const rendered: Record<string, unknown> = {};
  const checked: Record<string, unknown> = {};
  for (const key of Object.keys(PROPERTY) as PropertyProp[]) {
    if (props[key] === undefined) continue;
    const value = propValue(key, props[key], check);
    if (value === undefined) continue;
    rendered[key] = value.rendered;
    checked[key] = value.checked;
  }

  // The request the properties ask for, checked by the function's rules.
  const request: Record<string, unknown> = {};
  const password: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(checked)) {
    if (key === 'waitForAvailable') continue;
    if (Object.hasOwn(PASSWORD_KEYS, key)) password[key] = value;
    else request[key === 'timeToLive' ? 'ttl' : key] = value;
  }
  if (Object.keys(password).length > 0) request.password = password;
  check.run(() => validateProvision(request as unknown as ProvisionRequest, LIBRARY_DEFAULTS, FIELDS));
  if (checked.waitForAvailable !== undefined) {
    check.run(() => booleanValue(checked.waitForAvailable, 'waitForAvailable'));
  }
  const prefix = checked.secretPrefix;
  if (
    manager &&
    typeof prefix === 'string' &&
    !Token.isUnresolved(prefix) &&
    !Token.isUnresolved(manager.defaultSecretPrefix) &&
    !prefix.startsWith(manager.defaultSecretPrefix)
  ) {
    check.add(
      'secretPrefix',
      `"${prefix}" must start with the manager's defaultSecretPrefix "${manager.defaultSecretPrefix}" (its role touches no other secret)`,
    );
  }
  check.throwIfAny('AuroraClone', scope);
  return Object.fromEntries(
    Object.entries(rendered).map(([key, value]) => [PROPERTY[key as PropertyProp], value]),
  );
}

/**
 * A prop as the resource gets it (a Duration as ISO-8601 text, a Date as its instant, a key as its
 * ARN) and as the rules check it. A token's problems are the function's to report at deployment; in a
 * list or a map it is replaced or left out, so that the rest is still checked here.
 */
function propValue(
  key: PropertyProp,
  value: unknown,
  check: SynthCheck,
): { rendered: unknown; checked: unknown } | undefined {
  if (value instanceof Date) {
    return { rendered: Number.isNaN(value.getTime()) ? value : value.toISOString(), checked: value };
  }
  if (isDuration(value)) {
    if (value.isUnresolved()) {
      check.add(key, 'a Duration made from a token has no ISO-8601 text: give the text instead');
      return undefined;
    }
    return { rendered: value.toIsoString(), checked: value.toIsoString() };
  }
  const v = key === 'kmsKeyId' && isKey(value) ? value.keyArn : value;
  if (check.isToken(key, v)) return { rendered: v, checked: v };
  if (key === 'accessPrincipalArns' && Array.isArray(v)) {
    const known = v.map((arn, i) => (check.isToken(`${key}[${i}]`, arn) ? SOME_PRINCIPAL : arn));
    return { rendered: v, checked: known };
  }
  if (key === 'tags' && isPlainObject(v)) {
    const known = Object.entries(v).filter(([k, tag]) => !Token.isUnresolved(k) && !Token.isUnresolved(tag));
    return { rendered: v, checked: Object.fromEntries(known) };
  }
  return { rendered: v, checked: v };
}

function isDuration(value: unknown): value is Duration {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Duration).toIsoString === 'function' &&
    typeof (value as Duration).isUnresolved === 'function'
  );
}

function isKey(value: unknown): value is IKey {
  return typeof value === 'object' && value !== null && typeof (value as IKey).keyArn === 'string';
}
