// The function's configuration, read from its environment once per invocation. A bad value fails
// loudly with the variable's name instead of silently falling back to a default.
import { DEFAULT_LEASE_TABLE, DEFAULT_MANAGER_ID } from '../model/api.ts';
import type { LogLevel } from '../util/log.ts';
import {
  checkDuration,
  checkKmsKeyId,
  checkManagerId,
  checkMaxClonesPerSource,
  checkSecretPrefix,
  checkTableName,
  Problems,
  parseWholeNumber,
  wholeNumberIn,
} from '../validation/index.ts';

export const DEFAULT_RESOURCE_TYPE = 'Custom::AuroraClone';

export interface LambdaEnv {
  resourceType: string;
  /** ISO-8601 duration text, e.g. P3D. */
  maxCopyAge?: string;
  maxClonesPerSource?: number;
  /** SSM parameter holding the maintenance config; `/<stack>/maintenance-config` by default. */
  maintenanceConfigSsm?: string;
  defaultSecretPrefix?: string;
  /** The deployment's default KMS key for password secrets. */
  defaultSecretKey?: string;
  stackName?: string;
  logLevel: LogLevel;
  /** DynamoDB lease table, or false for `none` (in-process leases only). */
  leaseTable: string | false;
  eventBusName?: string;
  managerId: string;
  /** How often a waiting invocation polls the clone's status. */
  waitPollMs: number;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export function readEnv(env: NodeJS.ProcessEnv = process.env): LambdaEnv {
  const problems = new Problems();
  const text = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  /** The variable's value checked by `rule`, which names the variable on error. */
  const checked = <T>(name: string, rule: (value: string, field: string) => T): T | undefined => {
    const v = text(name);
    return v === undefined ? undefined : problems.check(() => rule(v, name));
  };
  const wholeNumber =
    (rule: (n: number, field: string) => number) =>
    (value: string, field: string): number =>
      rule(parseWholeNumber(value, field), field);

  const maxCopyAge = text('MAX_COPY_AGE');
  if (maxCopyAge !== undefined) problems.check(() => checkDuration(maxCopyAge, 'MAX_COPY_AGE'));
  const level = (text('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(level as LogLevel)) {
    problems.add('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  }
  const managerIdField = text('MANAGER_ID') ? 'MANAGER_ID' : 'STACK_NAME';
  const managerId = text('MANAGER_ID') ?? text('STACK_NAME') ?? DEFAULT_MANAGER_ID;
  problems.check(() => checkManagerId(managerId, managerIdField));
  const secretPrefix = checked('DEFAULT_SECRET_PREFIX', checkSecretPrefix);
  const secretKey = checked('DEFAULT_SECRET_KEY', checkKmsKeyId);
  const leaseTableText = text('LEASE_TABLE');
  const leaseTable =
    leaseTableText === 'none' ? false : (checked('LEASE_TABLE', checkTableName) ?? DEFAULT_LEASE_TABLE);
  const stackName = text('STACK_NAME');
  const out: LambdaEnv = {
    resourceType: text('RESOURCE_TYPE') ?? DEFAULT_RESOURCE_TYPE,
    logLevel: level as LogLevel,
    leaseTable,
    managerId,
    waitPollMs:
      checked(
        'WAIT_POLL_MS',
        wholeNumber((n, field) => wholeNumberIn(n, field, 10, 600_000)),
      ) ?? 15_000,
  };
  const maxClones = checked('MAX_CLONES_PER_SOURCE', wholeNumber(checkMaxClonesPerSource));
  if (maxClones !== undefined) out.maxClonesPerSource = maxClones;
  if (maxCopyAge !== undefined) out.maxCopyAge = maxCopyAge;
  const ssm = text('MAINTENANCE_CONFIG_SSM') ?? (stackName ? `/${stackName}/maintenance-config` : undefined);
  if (ssm !== undefined) out.maintenanceConfigSsm = ssm;
  if (secretPrefix !== undefined) out.defaultSecretPrefix = secretPrefix;
  if (secretKey !== undefined) out.defaultSecretKey = secretKey;
  if (stackName !== undefined) out.stackName = stackName;
  const bus = text('EVENT_BUS_NAME');
  if (bus !== undefined) out.eventBusName = bus;
  problems.throwIfAny();
  return out;
}
