// AuroraCloneManager's props: the manager template's parameters (infra/template.yaml) as typed values,
// plus the pool maintenance config. Checked at synth time by the rules the function itself applies
// to its environment (readEnv) and to its maintenance config (parseMaintenanceConfig), each problem
// named by the prop; the template's own constraints (a parameter's AllowedPattern, MinValue, …) that
// no product rule covers are checked here, and the equivalence test holds them to the template's.
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import type { IGroup, IRole } from 'aws-cdk-lib/aws-iam';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { DEFAULT_RESOURCE_TYPE, readEnv } from '../lambda/env.ts';
import {
  DEFAULT_LEASE_TABLE,
  DEFAULT_MAX_CLONES_PER_SOURCE,
  DEFAULT_MAX_COPY_AGE,
  type MaintenanceSource,
} from '../model/api.ts';
import { ValidationError, ValidationErrors } from '../util/errors.ts';
import type { LogLevel } from '../util/log.ts';
import {
  booleanValue,
  checkKeys,
  isPlainObject,
  parseMaintenanceConfig,
  wholeNumberIn,
} from '../validation/index.ts';
import { SynthCheck } from './synth-check.ts';

export interface AuroraCloneManagerProps {
  /** Lowest level the function logs (JSON lines, secrets redacted). Default `info`. */
  readonly logLevel?: Exclude<LogLevel, 'silent'>;
  /** The custom resource type the function accepts. Default `Custom::AuroraClone`. */
  readonly customResourceType?: string;
  /** Copies older than this are obsolete (not cloned, purged): ISO-8601 text (`P3D`) or a Duration. Default 3 days. */
  readonly maxCopyAge?: string | Duration;
  /** Clones made from one cluster before the next source is used, 1–15. Default 15. */
  readonly maxClonesPerSource?: number;
  /** When the pool maintenance runs. Default `rate(1 hour)`: copies take hours, demand is counted per hour. */
  readonly maintenanceSchedule?: Schedule;
  /**
   * The pools maintenance keeps ready (the SSM parameter `/<stack>/maintenance-config`). Default: none
   * (the parameter holds `[]`). Checked like `maintain --config FILE`.
   */
  readonly maintenance?: MaintenanceSource[];
  /** The account's and Region's shared DynamoDB lease table. Default `aurora-clone-manager-leases`. */
  readonly leaseTableName?: string;
  /** Name prefix of generated password secrets, ending in `/`; the role touches no other secret. Default `/aurora-clone-manager/`. */
  readonly defaultSecretPrefix?: string;
  /** Create the default KMS key for clone password secrets and a managed policy that reads them. Default false. */
  readonly setupDefaultAccess?: boolean;
  /** IAM groups (or group names) the default access policy is attached to; only with setupDefaultAccess. */
  readonly defaultAccessGroups?: (IGroup | string)[];
  /** IAM roles (or role names) the default access policy is attached to; only with setupDefaultAccess. */
  readonly defaultAccessRoles?: (IRole | string)[];
  /** ARNs of customer managed KMS keys that encrypt source clusters (not needed for aws/rds). */
  readonly sourceKmsKeyArns?: string[];
  /** How long the function's logs are kept. Default one month. */
  readonly logRetention?: RetentionDays;
  /** How long one invocation may run, 60–900 s (longer waits continue in a fresh one). Default 300 s. */
  readonly functionTimeout?: Duration;
  /** Memory of the function in MB, 128–10240. Default 256. */
  readonly functionMemory?: number;
  /** SNS topic the two alarms notify. Default: none (the alarms only change state). */
  readonly alarmTopic?: ITopic;
  /** The function's code. Default: the bundle shipped in this package (dist/lambda). */
  readonly code?: Code;
}

/** The props with their defaults, as the template renders them. */
export interface ManagerSettings {
  logLevel: string;
  customResourceType: string;
  maxCopyAge: string;
  maxClonesPerSource: number;
  scheduleExpression: string;
  maintenanceConfig: string;
  leaseTableName: string;
  defaultSecretPrefix: string;
  setupDefaultAccess: boolean;
  defaultAccessGroups: string[];
  defaultAccessRoles: string[];
  sourceKmsKeyArns: string[];
  /** Undefined: kept forever. */
  logRetentionDays: number | undefined;
  functionTimeoutSeconds: number;
  functionMemory: number;
  alarmTopicArn: string | undefined;
}

const KNOWN: Readonly<Record<keyof AuroraCloneManagerProps, true>> = {
  logLevel: true,
  customResourceType: true,
  maxCopyAge: true,
  maxClonesPerSource: true,
  maintenanceSchedule: true,
  maintenance: true,
  leaseTableName: true,
  defaultSecretPrefix: true,
  setupDefaultAccess: true,
  defaultAccessGroups: true,
  defaultAccessRoles: true,
  sourceKmsKeyArns: true,
  logRetention: true,
  functionTimeout: true,
  functionMemory: true,
  alarmTopic: true,
  code: true,
};

/** The function's environment variable each prop becomes, so the function's own reader names the prop. */
const ENV_PROP: Readonly<Record<string, keyof AuroraCloneManagerProps>> = {
  LOG_LEVEL: 'logLevel',
  MAX_COPY_AGE: 'maxCopyAge',
  MAX_CLONES_PER_SOURCE: 'maxClonesPerSource',
  DEFAULT_SECRET_PREFIX: 'defaultSecretPrefix',
  LEASE_TABLE: 'leaseTableName',
};

/** infra/template.yaml's constraints that no product rule covers. */
export const TEMPLATE_RULES = {
  /** CustomResourceType's AllowedPattern. */
  customResourceType: /^Custom::[A-Za-z0-9_@-]{1,60}$/,
  /** DefaultSecretPrefix's AllowedPattern: never empty or `/`, which would widen the role to every secret. */
  defaultSecretPrefix: /^\/?[A-Za-z0-9_+=.@-]+(\/[A-Za-z0-9_+=.@-]+)*\/$/,
  functionTimeoutSeconds: [60, 900],
  functionMemory: [128, 10240],
  /** The function is `<stack>-manager`, and function names have at most 64 characters. */
  maxStackNameLength: 56,
} as const;

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** The SSM parameter is a standard one: its value holds at most 4 KB. */
const MAX_CONFIG_BYTES = 4096;

/** ISO-8601 text of a Duration; one made from a token has none (the function reads the text). */
function durationText(value: string | Duration | undefined, fallback: string, check: SynthCheck): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string') return value;
  if (!value.isUnresolved()) return value.toIsoString();
  check.add('maxCopyAge', 'a Duration made from a token has no ISO-8601 text: give the text instead');
  return fallback;
}

/** Validates the props (every problem at once, InvalidPropsError) and applies the defaults. */
export function managerSettings(scope: IConstruct, props: AuroraCloneManagerProps): ManagerSettings {
  const check = new SynthCheck();
  if (!isPlainObject(props)) {
    check.add('props', 'must be an object');
    check.throwIfAny('AuroraCloneManager', scope);
  }
  check.run((problems) => checkKeys({ ...props }, KNOWN, (key) => key, problems, 'prop'));
  const settings: ManagerSettings = {
    logLevel: props.logLevel ?? 'info',
    customResourceType: props.customResourceType ?? DEFAULT_RESOURCE_TYPE,
    maxCopyAge: durationText(props.maxCopyAge, DEFAULT_MAX_COPY_AGE, check),
    maxClonesPerSource: props.maxClonesPerSource ?? DEFAULT_MAX_CLONES_PER_SOURCE,
    scheduleExpression: (props.maintenanceSchedule ?? Schedule.rate(Duration.hours(1))).expressionString,
    maintenanceConfig: '[]',
    leaseTableName: props.leaseTableName ?? DEFAULT_LEASE_TABLE,
    defaultSecretPrefix: props.defaultSecretPrefix ?? '/aurora-clone-manager/',
    setupDefaultAccess: props.setupDefaultAccess ?? false,
    defaultAccessGroups: (props.defaultAccessGroups ?? []).map((g) =>
      typeof g === 'string' ? g : g.groupName,
    ),
    defaultAccessRoles: (props.defaultAccessRoles ?? []).map((r) => (typeof r === 'string' ? r : r.roleName)),
    sourceKmsKeyArns: props.sourceKmsKeyArns ?? [],
    logRetentionDays:
      props.logRetention === RetentionDays.INFINITE
        ? undefined
        : (props.logRetention ?? RetentionDays.ONE_MONTH),
    functionTimeoutSeconds: (props.functionTimeout ?? Duration.seconds(300)).toSeconds(),
    functionMemory: props.functionMemory ?? 256,
    alarmTopicArn: props.alarmTopic?.topicArn,
  };

  // What the function reads from its environment, checked by the function's own reader.
  const env: Record<string, string> = {};
  const given: Record<string, unknown> = {
    LOG_LEVEL: settings.logLevel,
    MAX_COPY_AGE: settings.maxCopyAge,
    MAX_CLONES_PER_SOURCE: settings.maxClonesPerSource,
    DEFAULT_SECRET_PREFIX: settings.defaultSecretPrefix,
    LEASE_TABLE: settings.leaseTableName,
  };
  for (const [name, value] of Object.entries(given)) {
    if (!check.isToken(ENV_PROP[name]!, value)) env[name] = String(value);
  }
  const stackName = Stack.of(scope).stackName;
  if (!Token.isUnresolved(stackName)) env.STACK_NAME = stackName;
  // Blank text reads as "not set" in the environment: here it is a prop given empty.
  for (const [name, prop] of Object.entries(ENV_PROP)) {
    if (env[name] !== undefined && env[name].trim() === '') check.add(prop, 'must not be empty');
  }
  check.run(() => {
    try {
      readEnv(env);
    } catch (err) {
      throw renamed(err, (field) => ENV_PROP[field] ?? 'stack name');
    }
  });

  if (!check.isToken('customResourceType', settings.customResourceType)) {
    if (!TEMPLATE_RULES.customResourceType.test(settings.customResourceType)) {
      check.add(
        'customResourceType',
        `"${settings.customResourceType}" must be Custom:: and 1–60 letters, digits or _@-`,
      );
    }
  }
  if (!check.isToken('defaultSecretPrefix', settings.defaultSecretPrefix)) {
    if (!TEMPLATE_RULES.defaultSecretPrefix.test(settings.defaultSecretPrefix)) {
      check.add(
        'defaultSecretPrefix',
        `"${settings.defaultSecretPrefix}" must be a Secrets Manager name prefix ending in "/", e.g. /aurora-clone-manager/ (the role may touch every secret under it)`,
      );
    }
  }
  const [minTimeout, maxTimeout] = TEMPLATE_RULES.functionTimeoutSeconds;
  if (!check.isToken('functionTimeout', settings.functionTimeoutSeconds)) {
    check.run(() =>
      wholeNumberIn(settings.functionTimeoutSeconds, 'functionTimeout', minTimeout, maxTimeout, 'seconds'),
    );
  }
  const [minMemory, maxMemory] = TEMPLATE_RULES.functionMemory;
  if (!check.isToken('functionMemory', settings.functionMemory)) {
    check.run(() => wholeNumberIn(settings.functionMemory, 'functionMemory', minMemory, maxMemory, 'MB'));
  }
  if (props.logRetention !== undefined && !check.isToken('logRetention', props.logRetention)) {
    if (
      !Object.values(RetentionDays).some((days) => typeof days === 'number' && days === props.logRetention)
    ) {
      check.add('logRetention', `must be a RetentionDays value, got ${String(props.logRetention)}`);
    }
  }
  if (props.setupDefaultAccess !== undefined) {
    check.run(() => booleanValue(props.setupDefaultAccess, 'setupDefaultAccess'));
  }
  for (const key of ['defaultAccessGroups', 'defaultAccessRoles'] as const) {
    if (props[key] !== undefined && !settings.setupDefaultAccess) {
      check.add(key, 'only applies with setupDefaultAccess: true (there is no policy to attach otherwise)');
    }
  }
  if (!check.isToken('sourceKmsKeyArns', settings.sourceKmsKeyArns)) {
    settings.sourceKmsKeyArns.forEach((keyArn, i) => {
      const field = `sourceKmsKeyArns[${i}]`;
      if (!check.isToken(field, keyArn) && !KMS_KEY_ARN.test(keyArn)) {
        check.add(field, `"${keyArn}" is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)`);
      }
    });
  }
  if (!Token.isUnresolved(stackName) && stackName.length > TEMPLATE_RULES.maxStackNameLength) {
    check.add(
      'stack name',
      `"${stackName}" is longer than ${TEMPLATE_RULES.maxStackNameLength} characters (the function is named <stack>-manager, at most 64)`,
    );
  }
  if (props.maintenance !== undefined)
    settings.maintenanceConfig = maintenanceConfig(scope, props.maintenance, check);
  check.throwIfAny('AuroraCloneManager', scope);
  return settings;
}

/** The config as the SSM parameter holds it, checked like the CLI's `--config FILE`. */
function maintenanceConfig(scope: IConstruct, sources: MaintenanceSource[], check: SynthCheck): string {
  if (Array.isArray(sources)) {
    sources.forEach((source, i) => {
      if (!isPlainObject(source)) return;
      for (const [key, value] of Object.entries(source)) check.isToken(`maintenance [${i}].${key}`, value);
    });
  }
  check.run(() => parseMaintenanceConfig(sources, 'maintenance'));
  const plain = JSON.stringify(sources) ?? '';
  // A config with tokens in it is written out by CloudFormation, once they have their values.
  if (Token.isUnresolved(plain)) return Stack.of(scope).toJsonString(sources);
  if (Buffer.byteLength(plain) > MAX_CONFIG_BYTES) {
    check.add(
      'maintenance',
      `is ${Buffer.byteLength(plain)} bytes as JSON; the SSM parameter holds at most ${MAX_CONFIG_BYTES}`,
    );
  }
  return plain;
}

/** The same problems, each named by `rename(field)` instead of its field. */
function renamed(err: unknown, rename: (field: string) => string): unknown {
  const one = (e: ValidationError) =>
    new ValidationError(rename(e.field), e.message.slice(e.field.length + 2));
  if (err instanceof ValidationError) return one(err);
  if (err instanceof ValidationErrors) return new ValidationErrors(err.errors.map(one));
  return err;
}
