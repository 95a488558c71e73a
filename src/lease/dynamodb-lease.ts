// The lease as one DynamoDB item per root, taken and released with conditional updates, so any
// number of Lambda invocations, CLI users and CI jobs agree on who may count and restore.
import type { DynamoDbAdapter } from '../aws/dynamodb.ts';
import type { Clock } from '../util/clock.ts';
import { ValidationError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { withRetries } from '../util/retry.ts';
import {
  type HeldLease,
  type LeaseState,
  type LeaseStore,
  parseDemand,
  parseRecent,
  parseReservations,
} from './lease.ts';

const NAMES = { '#owner': 'owner', '#exp': 'expiresAt', '#ttl': 'ttl' };

/** Each part of the lease state, one JSON attribute each. */
const PARTS = { reservations: '#res', demand: '#dem', recent: '#rec' } as const;

function stateOf(item: Record<string, { S?: string }> | undefined): LeaseState {
  const demand = parseDemand(item?.demand?.S);
  const recent = parseRecent(item?.recent?.S);
  return {
    reservations: parseReservations(item?.reservations?.S),
    ...(demand ? { demand } : {}),
    ...(recent ? { recent } : {}),
  };
}

/**
 * The SET clause writing the state back. Optional parts go back only when the holder has them, so a
 * holder that never read them (an older version) does not erase them.
 */
function stateUpdate(state: LeaseState) {
  const sets: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, { S: string }> = {};
  for (const [part, alias] of Object.entries(PARTS) as [keyof typeof PARTS, string][]) {
    const value = state[part];
    if (value === undefined) continue;
    sets.push(`${alias} = :${part}`);
    names[alias] = part;
    values[`:${part}`] = { S: JSON.stringify(value) };
  }
  return { set: sets.join(', '), names, values };
}

export class DynamoDbLeaseStore implements LeaseStore {
  constructor(
    private readonly db: DynamoDbAdapter,
    private readonly table: string,
  ) {}

  async peek(key: string): Promise<LeaseState> {
    return stateOf(await this.db.getItem(this.table, { pk: { S: key } }));
  }

  async tryAcquire(key: string, owner: string, now: Date, ttlMs: number): Promise<HeldLease | undefined> {
    const expiresAt = now.getTime() + ttlMs;
    const item = await this.db.conditionalUpdate({
      table: this.table,
      key: { pk: { S: key } },
      update: 'SET #owner = :me, #exp = :exp, #ttl = :ttl',
      condition: 'attribute_not_exists(#owner) OR #exp < :now',
      names: { '#owner': NAMES['#owner'], '#exp': NAMES['#exp'], '#ttl': NAMES['#ttl'] },
      values: {
        ':me': { S: owner },
        ':exp': { N: String(expiresAt) },
        // DynamoDB TTL removes forgotten items a day after their last use.
        ':ttl': { N: String(Math.floor(expiresAt / 1000) + 86_400) },
        ':now': { N: String(now.getTime()) },
      },
    });
    if (!item) return undefined;
    return {
      state: stateOf(item),
      release: async (state) => {
        const written = stateUpdate(state);
        const done = await this.db.conditionalUpdate({
          table: this.table,
          key: { pk: { S: key } },
          update: `REMOVE #owner, #exp SET ${written.set}`,
          condition: '#owner = :me',
          names: { '#owner': NAMES['#owner'], '#exp': NAMES['#exp'], ...written.names },
          values: { ':me': { S: owner }, ...written.values },
        });
        return done !== undefined;
      },
    };
  }
}

/**
 * Waits until the lease table is there and ACTIVE; creates it first when it is missing and `create`
 * allows (a local endpoint, the stack's lease-table resource, or a caller who asked).
 */
export async function ensureLeaseTable(
  db: DynamoDbAdapter,
  table: string,
  { create, clock, logger }: { create: boolean; clock: Clock; logger: Logger },
): Promise<void> {
  const readStatus = () => withRetries(() => db.tableStatus(table), { clock });
  let status = await readStatus();
  if (status === undefined) {
    if (!create) {
      throw new ValidationError(
        'leaseTable',
        `DynamoDB table ${table} does not exist in this account and Region: deploy the manager's stack (it creates the table every deployment and CLI user shares), or use the table of a stack that is deployed (--lease-table, ACM_LEASE_TABLE; the library's leaseTable), or create it once from the library with createLeaseTable: true`,
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
