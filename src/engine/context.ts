// Resolves ManagerOptions once per call: the process's adapters for the AWS configuration, numbers
// from defaults, the lease store (a DynamoDB table shared by every process, or this process only).
import { type Adapters, adaptersFor } from '../aws/adapters.ts';
import {
  type AwsConfig,
  awsConfigKey,
  describeTarget,
  endpointFor,
  isAwsEndpoint,
  isLocalEndpoint,
  resolveAwsConfig,
} from '../aws/config.ts';
import type { ExecutorContext } from '../executor/context.ts';
import { DynamoDbLeaseStore, ensureLeaseTable } from '../lease/dynamodb-lease.ts';
import { InProcessLeaseStore, type LeaseStore } from '../lease/lease.ts';
import { DEFAULT_LEASE_TABLE, type ManagerOptions } from '../model/api.ts';
import { systemClock } from '../util/clock.ts';
import { AwsConfigurationError } from '../util/errors.ts';
import { silentLogger } from '../util/log.ts';
import { withRetries } from '../util/retry.ts';
import { validateManagerOptions } from '../validation/index.ts';

export interface EngineContext extends ExecutorContext {
  adapters: Adapters;
  leases: LeaseStore;
  maxClonesPerSource: number;
  maxCopyAgeMs: number;
  options: ManagerOptions;
  /** Where the calls go (Region, profile, endpoint), for messages about what was not found there. */
  where: string;
}

/** How an operation uses the lease table: take leases (and create the table if allowed), or only read it. */
export type LeaseUse = 'take' | 'read';

// One in-process store per process, so two calls in one process also exclude each other without a table.
const processLeases = new InProcessLeaseStore();
// Lease tables being checked (or made) after a lease call found them missing: one check, however
// many calls found it at once.
const checkingTables = new Map<string, Promise<void>>();

export async function engineContext(
  options: ManagerOptions = {},
  use: LeaseUse = 'take',
): Promise<EngineContext> {
  const { managerId, maxClonesPerSource, maxCopyAgeMs } = validateManagerOptions(options);
  const aws = await resolvedAws(options.aws ?? {});
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const adapters = adaptersFor(aws, options.clients);
  let leases: LeaseStore = processLeases;
  const table = options.leaseTable ?? DEFAULT_LEASE_TABLE;
  if (table !== false) {
    refuseSplitEndpoints(aws);
    const key = `${awsConfigKey(aws)}|${table}`;
    // The table is looked at only when a lease call finds it missing, not before every first call (a
    // cold Lambda or CLI saves one): in a real account nothing is created unasked (the stack creates
    // it, and the error says so); locally (the emulator, moto) it is made on first use.
    const whenMissing = () => {
      let check = checkingTables.get(key);
      if (!check) {
        const create = options.createLeaseTable ?? isLocalEndpoint(endpointFor(aws, 'DYNAMODB'));
        check = ensureLeaseTable(adapters.dynamodb, table, { create, clock, logger });
        checkingTables.set(key, check);
        check.finally(() => checkingTables.delete(key)).catch(() => undefined);
      }
      return check;
    };
    leases = new DynamoDbLeaseStore(adapters.dynamodb, table, use === 'take' ? whenMissing : undefined);
  }
  return {
    adapters,
    rds: adapters.rds,
    secrets: () => adapters.secrets,
    kms: () => adapters.kms,
    leases,
    managerId,
    maxClonesPerSource,
    maxCopyAgeMs,
    clock,
    logger,
    progress: options.onProgress ?? (() => {}),
    pollMinMs: options.pollMinMs ?? 2_000,
    pollMaxMs: options.pollMaxMs ?? 30_000,
    waitTimeoutMs: options.waitTimeoutMs ?? 3 * 3_600_000,
    options,
    where: describeTarget(aws),
    // Beyond the SDK's own attempts, whose retry quota the process's shared clients can spend.
    retry: (fn) => withRetries(fn, { clock, attempts: 8, baseDelayMs: 500, maxDelayMs: 10_000 }),
  };
}

// The settings of a process rarely change: the profile files are read once per configuration.
const resolved = new Map<string, Promise<AwsConfig>>();

function resolvedAws(config: AwsConfig): Promise<AwsConfig> {
  const key = awsConfigKey(config);
  let found = resolved.get(key);
  if (!found) {
    found = resolveAwsConfig(config);
    // A failed resolution (no Region yet) is tried again by the next call.
    found.catch(() => resolved.delete(key));
    resolved.set(key, found);
  }
  return found;
}

/**
 * Clusters on the emulator with leases in a real account (AWS_ENDPOINT_URL_RDS alone), or the other
 * way round, would be serialised with nobody: refuse instead of splitting one request.
 */
function refuseSplitEndpoints(aws: AwsConfig): void {
  // AWS on one side and anything else (the emulator, moto, a host of the user's) on the other.
  const rds = isAwsEndpoint(endpointFor(aws, 'RDS'));
  if (rds === isAwsEndpoint(endpointFor(aws, 'DYNAMODB'))) return;
  throw new AwsConfigurationError(
    `RDS calls go to ${describeTarget(aws, 'RDS')} but the lease table is in ${describeTarget(aws, 'DYNAMODB')}: ` +
      'point both at the same place (--endpoint-url, AWS_ENDPOINT_URL, or AWS_ENDPOINT_URL_DYNAMODB too), or use --lease-table none',
    { rdsEndpoint: endpointFor(aws, 'RDS'), dynamodbEndpoint: endpointFor(aws, 'DYNAMODB') },
  );
}
