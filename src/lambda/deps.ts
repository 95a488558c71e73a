// What the handlers need, built from the environment once per invocation: the engine's API (the
// only way this edge reaches AWS; its SDK clients pick up AWS_ENDPOINT_URL, Region and credentials
// from the runtime) and the manager options. Tests pass their own.
import type * as engineApi from '../engine/api.ts';
import {
  cloneReadiness,
  deleteClone,
  ensureLeaseTable,
  finishPendingPassword,
  invokeAsync,
  listClusters,
  loadMaintenanceConfig,
  maintainPool,
  onInstanceCreated,
  provisionClone,
  publishEvents,
} from '../engine/api.ts';
import type { ManagerOptions } from '../model/api.ts';
import { type Clock, systemClock } from '../util/clock.ts';
import { jsonLogger, type Logger } from '../util/log.ts';
import { type LambdaEnv, readEnv } from './env.ts';

export interface Deps {
  env: LambdaEnv;
  logger: Logger;
  clock: Clock;
  engine: LambdaEngine;
  options: ManagerOptions;
}

/** The part of the engine's API the Lambda uses. */
export type LambdaEngine = Pick<
  typeof engineApi,
  | 'provisionClone'
  | 'deleteClone'
  | 'listClusters'
  | 'maintainPool'
  | 'cloneReadiness'
  | 'finishPendingPassword'
  | 'onInstanceCreated'
  | 'publishEvents'
  | 'loadMaintenanceConfig'
  | 'invokeAsync'
  | 'ensureLeaseTable'
>;

export function managerOptions(env: LambdaEnv, logger: Logger, clock: Clock): ManagerOptions {
  const out: ManagerOptions = {
    managerId: env.managerId,
    leaseTable: env.leaseTable,
    // The stack creates the table; the function's role may not (and a missing table is a deployment fault to report).
    createLeaseTable: false,
    logger,
    clock,
    // Lambda has no home directory, hence no ~/.aws files: the function's environment says it all.
    aws: { noSharedFiles: true },
    pollMinMs: Math.min(env.waitPollMs, 5_000),
    pollMaxMs: env.waitPollMs,
  };
  if (env.maxClonesPerSource !== undefined) out.maxClonesPerSource = env.maxClonesPerSource;
  if (env.maxCopyAge !== undefined) out.maxCopyAge = env.maxCopyAge;
  return out;
}

/** Throws a ValidationError naming the variable when the environment is bad. */
export function defaultDeps(vars: NodeJS.ProcessEnv = process.env): Deps {
  const env = readEnv(vars);
  const logger = jsonLogger(env.logLevel, (line) => process.stdout.write(line));
  const clock = systemClock;
  return {
    env,
    logger,
    clock,
    // Named, not the whole API: the bundle leaves out what the function never calls.
    engine: {
      provisionClone,
      deleteClone,
      listClusters,
      maintainPool,
      cloneReadiness,
      finishPendingPassword,
      onInstanceCreated,
      publishEvents,
      loadMaintenanceConfig,
      invokeAsync,
      ensureLeaseTable,
    },
    options: managerOptions(env, logger, clock),
  };
}
