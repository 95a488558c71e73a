// The function's configuration, read from its environment once per invocation. A bad value fails
// loudly with the variable's name instead of silently falling back to a default.
import { DEFAULT_LEASE_TABLE, DEFAULT_MANAGER_ID } from '../model/api.ts';
import { parseDuration } from '../util/duration.ts';
import { ValidationError, ValidationErrors } from '../util/errors.ts';
import type { LogLevel } from '../util/log.ts';

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
  const errors: ValidationError[] = [];
  const text = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const integer = (name: string, min: number, max: number): number | undefined => {
    const v = text(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) {
      errors.push(new ValidationError(name, `must be a whole number from ${min} to ${max}, got "${v}"`));
      return undefined;
    }
    return n;
  };

  const maxCopyAge = text('MAX_COPY_AGE');
  if (maxCopyAge !== undefined && parseDuration(maxCopyAge) === undefined) {
    errors.push(new ValidationError('MAX_COPY_AGE', `"${maxCopyAge}" is not a duration (ISO-8601 like P3D)`));
  }
  const level = (text('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(level as LogLevel)) {
    errors.push(new ValidationError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`));
  }
  const managerId = text('MANAGER_ID') ?? text('STACK_NAME') ?? DEFAULT_MANAGER_ID;
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/=+@-]{0,127}$/.test(managerId)) {
    errors.push(
      new ValidationError(
        text('MANAGER_ID') ? 'MANAGER_ID' : 'STACK_NAME',
        `"${managerId}" is not a usable manager id`,
      ),
    );
  }
  const secretPrefix = text('DEFAULT_SECRET_PREFIX');
  if (secretPrefix !== undefined && !/^[A-Za-z0-9/_+=.@-]+$/.test(secretPrefix)) {
    errors.push(new ValidationError('DEFAULT_SECRET_PREFIX', 'may contain only letters, digits and /_+=.@-'));
  }
  const leaseTableText = text('LEASE_TABLE');
  const stackName = text('STACK_NAME');
  const out: LambdaEnv = {
    resourceType: text('RESOURCE_TYPE') ?? DEFAULT_RESOURCE_TYPE,
    logLevel: level as LogLevel,
    leaseTable: leaseTableText === 'none' ? false : (leaseTableText ?? DEFAULT_LEASE_TABLE),
    managerId,
    waitPollMs: integer('WAIT_POLL_MS', 10, 600_000) ?? 15_000,
  };
  const maxClones = integer('MAX_CLONES_PER_SOURCE', 1, 15);
  if (maxClones !== undefined) out.maxClonesPerSource = maxClones;
  if (maxCopyAge !== undefined) out.maxCopyAge = maxCopyAge;
  const ssm = text('MAINTENANCE_CONFIG_SSM') ?? (stackName ? `/${stackName}/maintenance-config` : undefined);
  if (ssm !== undefined) out.maintenanceConfigSsm = ssm;
  if (secretPrefix !== undefined) out.defaultSecretPrefix = secretPrefix;
  const secretKey = text('DEFAULT_SECRET_KEY');
  if (secretKey !== undefined) out.defaultSecretKey = secretKey;
  if (stackName !== undefined) out.stackName = stackName;
  const bus = text('EVENT_BUS_NAME');
  if (bus !== undefined) out.eventBusName = bus;
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ValidationErrors(errors);
  return out;
}
