// Aurora Serverless v2 capacity ranges (ServerlessV2ScalingConfiguration) as RDS checks them on
// CreateDBCluster, RestoreDBClusterToPointInTime and ModifyDBCluster. A minimum of 0 ACU turns on
// auto-pause: an idle db.serverless instance pauses after SecondsUntilAutoPause (300–86,400 s,
// default 300). Pausing itself is not observable through the API (the instance stays
// `available`), and the emulator has no connections, so only the configuration is kept.

import { faults } from './errors.ts';
import type { RdsOptions } from './options.ts';
import type { ServerlessV2Scaling } from './types.ts';

export const MAX_ACU = 256;
export const DEFAULT_SECONDS_UNTIL_AUTO_PAUSE = 300;

/**
 * The first version of each major line that takes MinCapacity 0, from AWS's Aurora Serverless v2
 * capacity page (Aurora PostgreSQL 13.15, 14.12, 15.7, 16.3 and later majors; Aurora MySQL 3.08.0).
 * Other sources give one minor later for PostgreSQL: unconfirmed, hence `serverlessV2MinZero`.
 */
const AUTO_PAUSE_SINCE: Record<string, (version: string) => boolean> = {
  'aurora-postgresql': (v) => {
    const [major = 0, minor = 0] = v.split('.').map(Number);
    const since: Record<number, number> = { 13: 15, 14: 12, 15: 7, 16: 3 };
    return major > 16 || (since[major] !== undefined && minor >= since[major]);
  },
  // 8.0.mysql_aurora.3.08.0: the Aurora version follows "mysql_aurora.".
  'aurora-mysql': (v) => {
    const aurora = v.split('mysql_aurora.')[1];
    if (!aurora) return false;
    const [major = 0, minor = 0] = aurora.split('.').map(Number);
    return major > 3 || (major === 3 && minor >= 8);
  },
};

export function supportsAutoPause(engine: string, version: string): boolean {
  return AUTO_PAUSE_SINCE[engine]?.(version) ?? false;
}

/** ACU values as RDS writes them in messages: 1.0, 0.5. */
const acu = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(v));
const halfSteps = (v: number): boolean => Number.isInteger(v * 2);

export interface ServerlessV2Target {
  engine: string;
  engineVersion: string;
  /** The cluster's range, when a ModifyDBCluster changes it: members not given keep their value. */
  current?: ServerlessV2Scaling | undefined;
}

/**
 * The range a request sets, or undefined when it sets none. Creating a range needs both bounds
 * (AWS: "Both MinCapacity and MaxCapacity must be specified when you initialize…"); a modify may
 * give one. SecondsUntilAutoPause goes with a minimum of 0 only, and is kept only then.
 */
export function checkServerlessV2(
  input: Partial<ServerlessV2Scaling> | undefined,
  target: ServerlessV2Target,
  options: Pick<RdsOptions, 'serverlessV2MinZero'>,
): ServerlessV2Scaling | undefined {
  if (
    !input ||
    (input.minCapacity === undefined &&
      input.maxCapacity === undefined &&
      input.secondsUntilAutoPause === undefined)
  ) {
    return undefined;
  }
  const { current } = target;
  const min = input.minCapacity ?? current?.minCapacity;
  const max = input.maxCapacity ?? current?.maxCapacity;
  if (min === undefined || max === undefined) {
    throw faults.invalidValue(
      'Both MinCapacity and MaxCapacity must be specified when you initialize Serverless v2 scaling configuration.',
    );
  }
  if (min < 0 || min > MAX_ACU || !halfSteps(min)) {
    throw faults.invalidValue(
      `Serverless v2 minimum capacity ${acu(min)} isn't valid. The minimum capacity must be from 0 to ${MAX_ACU} ACUs in increments of 0.5.`,
    );
  }
  if (max < 1) {
    throw faults.invalidValue(
      `Serverless v2 maximum capacity ${acu(max)} isn't valid. The maximum capacity must be at least 1.0.`,
    );
  }
  if (max > MAX_ACU || !halfSteps(max)) {
    throw faults.invalidValue(
      `Serverless v2 maximum capacity ${acu(max)} isn't valid. The maximum capacity must be at most ${MAX_ACU} ACUs, in increments of 0.5.`,
    );
  }
  if (min > max) {
    throw faults.invalidValue(
      `Serverless v2 maximum capacity ${acu(max)} isn't valid. The maximum capacity must be greater than or equal to the minimum capacity ${acu(min)}.`,
    );
  }
  if (
    min === 0 &&
    options.serverlessV2MinZero === 'supported-versions' &&
    !supportsAutoPause(target.engine, target.engineVersion)
  ) {
    throw faults.invalidValue(
      `Serverless v2 minimum capacity 0.0 isn't valid for ${target.engine} ${target.engineVersion}, which doesn't support automatic pause. The minimum capacity must be at least 0.5.`,
    );
  }
  const seconds = input.secondsUntilAutoPause;
  if (seconds !== undefined) {
    if (min !== 0) {
      throw faults.invalidValue('SecondsUntilAutoPause can only be specified when minimum capacity is 0.');
    }
    if (!Number.isInteger(seconds) || seconds < 300 || seconds > 86_400) {
      throw faults.invalidValue(
        `SecondsUntilAutoPause ${seconds} isn't valid. Specify a value between 300 and 86400 seconds.`,
      );
    }
  }
  if (min !== 0) return { minCapacity: min, maxCapacity: max };
  // Back to 0 after a non-zero minimum: the default again, unless given.
  const kept = current?.minCapacity === 0 ? current.secondsUntilAutoPause : undefined;
  return {
    minCapacity: min,
    maxCapacity: max,
    secondsUntilAutoPause: seconds ?? kept ?? DEFAULT_SECONDS_UNTIL_AUTO_PAUSE,
  };
}
