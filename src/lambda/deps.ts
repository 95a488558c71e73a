// What the handlers need, built from the environment once per invocation: the engine, the AWS
// adapters (their SDK clients pick up AWS_ENDPOINT_URL / region / credentials from the runtime)
// and the manager options. Tests pass their own.
import { EventsAdapter } from '../aws/events.ts';
import { KmsAdapter } from '../aws/kms.ts';
import { LambdaAdapter } from '../aws/lambda.ts';
import { RdsAdapter } from '../aws/rds.ts';
import { SecretsAdapter } from '../aws/secrets.ts';
import { SsmAdapter } from '../aws/ssm.ts';
import { deleteClone, maintainPool, provisionClone } from '../engine/api.ts';
import type { EngineApi, ManagerOptions } from '../model/api.ts';
import { type Clock, systemClock } from '../util/clock.ts';
import { jsonLogger, type Logger } from '../util/log.ts';
import { type LambdaEnv, readEnv } from './env.ts';

export interface Deps {
  env: LambdaEnv;
  logger: Logger;
  clock: Clock;
  engine: Pick<EngineApi, 'provisionClone' | 'deleteClone' | 'maintainPool'>;
  options: ManagerOptions;
  rds: RdsAdapter;
  secrets: SecretsAdapter;
  kms: KmsAdapter;
  events: EventsAdapter;
  ssm: SsmAdapter;
  lambda: LambdaAdapter;
}

export function managerOptions(env: LambdaEnv, logger: Logger, clock: Clock): ManagerOptions {
  const out: ManagerOptions = {
    managerId: env.managerId,
    leaseTable: env.leaseTable,
    // The stack creates the table; the function's role may not (and a missing table is a deployment fault to report).
    createLeaseTable: false,
    logger,
    clock,
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
    engine: { provisionClone, deleteClone, maintainPool },
    options: managerOptions(env, logger, clock),
    rds: new RdsAdapter(),
    secrets: new SecretsAdapter(),
    kms: new KmsAdapter(),
    events: new EventsAdapter(),
    ssm: new SsmAdapter(),
    lambda: new LambdaAdapter(),
  };
}
