// Resolves ManagerOptions once per call: adapters built from one AwsConfig, numbers from defaults,
// the lease store (DynamoDB table shared by every process, or this process only).
import { DynamoDbAdapter } from '../aws/dynamodb.ts';
import { RdsAdapter } from '../aws/rds.ts';
import { DynamoDbLeaseStore } from '../lease/dynamodb-lease.ts';
import { InProcessLeaseStore, type LeaseStore } from '../lease/lease.ts';
import {
  DEFAULT_LEASE_TABLE,
  DEFAULT_MANAGER_ID,
  DEFAULT_MAX_CLONES_PER_SOURCE,
  DEFAULT_MAX_COPY_AGE,
  type ManagerOptions,
  type ProgressEvent,
} from '../model/api.ts';
import { type Clock, systemClock } from '../util/clock.ts';
import { parseDuration } from '../util/duration.ts';
import { ValidationError } from '../util/errors.ts';
import { type Logger, silentLogger } from '../util/log.ts';
import { withRetries } from '../util/retry.ts';

export interface EngineContext {
  rds: RdsAdapter;
  leases: LeaseStore;
  managerId: string;
  maxClonesPerSource: number;
  maxCopyAgeMs: number;
  clock: Clock;
  logger: Logger;
  progress: (event: ProgressEvent) => void;
  pollMinMs: number;
  pollMaxMs: number;
  waitTimeoutMs: number;
  options: ManagerOptions;
  /**
   * Retries a call on Throttling and 5xx beyond the SDK's own attempts (whose per-client retry
   * quota a busy process can spend). Only for calls that are safe to repeat.
   */
  retry<T>(fn: () => Promise<T>): Promise<T>;
}

// One in-process store per process, so two calls in one process also exclude each other without a table.
const processLeases = new InProcessLeaseStore();
// Lease tables already known to exist, so only the first call of a process checks.
const readyTables = new Set<string>();

export function durationMs(value: string | number | undefined, field: string, fallback: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0)
      throw new ValidationError(field, `must be a positive duration, got ${value}`);
    return value;
  }
  const text = value ?? fallback;
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new ValidationError(field, `"${text}" is not a duration (ISO-8601 like P3D or PT8H, or 8h, 30m)`);
  return ms;
}

export function maxClones(value: number | undefined, field = 'maxClonesPerSource'): number {
  const n = value ?? DEFAULT_MAX_CLONES_PER_SOURCE;
  if (!Number.isInteger(n) || n < 1 || n > 15) {
    throw new ValidationError(
      field,
      `must be a whole number from 1 to 15 (AWS makes at most 15 clones per clone group), got ${n}`,
    );
  }
  return n;
}

export async function engineContext(options: ManagerOptions = {}): Promise<EngineContext> {
  const aws = options.aws ?? {};
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const managerId = options.managerId ?? DEFAULT_MANAGER_ID;
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/=+@-]{0,127}$/.test(managerId)) {
    throw new ValidationError(
      'managerId',
      `"${managerId}" must be 1–128 letters, digits or ._:/=+@- (it becomes a tag value)`,
    );
  }
  let leases: LeaseStore = processLeases;
  const table = options.leaseTable ?? DEFAULT_LEASE_TABLE;
  if (table !== false) {
    const db = new DynamoDbAdapter(aws);
    const key = `${aws.endpoint ?? ''}|${table}`;
    if (!readyTables.has(key)) {
      await ensureTable(db, table, options.createLeaseTable ?? true, clock, logger);
      readyTables.add(key);
    }
    leases = new DynamoDbLeaseStore(db, table);
  }
  return {
    rds: new RdsAdapter(aws),
    leases,
    managerId,
    maxClonesPerSource: maxClones(options.maxClonesPerSource),
    maxCopyAgeMs: durationMs(options.maxCopyAge, 'maxCopyAge', DEFAULT_MAX_COPY_AGE),
    clock,
    logger,
    progress: options.onProgress ?? (() => {}),
    pollMinMs: options.pollMinMs ?? 2_000,
    pollMaxMs: options.pollMaxMs ?? 30_000,
    waitTimeoutMs: options.waitTimeoutMs ?? 3 * 3_600_000,
    options,
    retry: (fn) => withRetries(fn, { clock, attempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 }),
  };
}

async function ensureTable(
  db: DynamoDbAdapter,
  table: string,
  create: boolean,
  clock: Clock,
  logger: Logger,
) {
  const readStatus = () => withRetries(() => db.tableStatus(table), { clock });
  let status = await readStatus();
  if (status === undefined) {
    if (!create) {
      throw new ValidationError(
        'leaseTable',
        `DynamoDB table ${table} does not exist (deploy the stack, or allow creating it)`,
      );
    }
    logger.info('creating the lease table', { table });
    await withRetries(() => db.createTable(table), { clock });
    status = await readStatus();
  }
  for (let i = 0; status !== 'ACTIVE' && i < 120; i++) {
    await clock.sleep(500);
    status = await readStatus();
  }
}
