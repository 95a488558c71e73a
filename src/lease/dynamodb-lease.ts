// The lease as one DynamoDB item per root, taken and released with conditional updates, so any
// number of Lambda invocations, CLI users and CI jobs agree on who may count and restore.
import type { DynamoDbAdapter } from '../aws/dynamodb.ts';
import type { Clock } from '../util/clock.ts';
import { AwsNotFoundError, ValidationError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { withRetries } from '../util/retry.ts';
import {
  type Attempt,
  type LeaseState,
  type LeaseStore,
  leftQueue,
  parseDemand,
  parseQueued,
  parseRecent,
  parseReservations,
  parseServed,
  type QueuedRequest,
  type SeeBusy,
  type ServedRequest,
} from './lease.ts';

const NAMES = { '#owner': 'owner', '#exp': 'expiresAt', '#ttl': 'ttl' };

/** Each part of the lease state, one JSON attribute each. */
const PARTS = { reservations: '#res', demand: '#dem', recent: '#rec' } as const;

// Queued and served requests are an attribute each, so a waiter adds or removes its own entry with
// one unconditional update, whoever holds the lease.
const QUEUED = 'q:';
const SERVED = 's:';

type StoredItem = Record<string, { S?: string }>;

function stateOf(item: StoredItem | undefined): LeaseState {
  const demand = parseDemand(item?.demand?.S);
  const recent = parseRecent(item?.recent?.S);
  const queued: QueuedRequest[] = [];
  const served: ServedRequest[] = [];
  for (const [name, value] of Object.entries(item ?? {})) {
    if (name.startsWith(QUEUED)) {
      const q = parseQueued(value.S);
      if (q) queued.push(q);
    } else if (name.startsWith(SERVED)) {
      const r = parseServed(value.S);
      if (r) served.push(r);
    }
  }
  return {
    reservations: parseReservations(item?.reservations?.S),
    ...(demand ? { demand } : {}),
    ...(recent ? { recent } : {}),
    ...(queued.length ? { queued } : {}),
    ...(served.length ? { served } : {}),
  };
}

/**
 * The update writing the state back. Optional parts go back only when the holder has them, so a
 * holder that never read them (an older version) does not erase them. Queued requests the holder
 * served leave the queue; served entries it dropped are removed and new ones added.
 */
function stateUpdate(taken: LeaseState, state: LeaseState) {
  const sets: string[] = [];
  const removes: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, { S: string }> = {};
  for (const [part, alias] of Object.entries(PARTS) as [keyof typeof PARTS, string][]) {
    const value = state[part];
    if (value === undefined) continue;
    sets.push(`${alias} = :${part}`);
    names[alias] = part;
    values[`:${part}`] = { S: JSON.stringify(value) };
  }
  leftQueue(taken, state).forEach((key, i) => {
    removes.push(`#q${i}`);
    names[`#q${i}`] = QUEUED + key;
  });
  if (!state.served) return { sets, removes, names, values };
  const kept = new Set(state.served.map((r) => r.requestKey));
  const before = new Map((taken.served ?? []).map((r) => [r.requestKey, r]));
  (taken.served ?? [])
    .filter((r) => !kept.has(r.requestKey))
    .forEach((r, i) => {
      removes.push(`#r${i}`);
      names[`#r${i}`] = SERVED + r.requestKey;
    });
  state.served
    .filter((r) => before.get(r.requestKey)?.clusterId !== r.clusterId)
    .forEach((r, i) => {
      sets.push(`#s${i} = :s${i}`);
      names[`#s${i}`] = SERVED + r.requestKey;
      values[`:s${i}`] = { S: JSON.stringify(r) };
    });
  return { sets, removes, names, values };
}

export class DynamoDbLeaseStore implements LeaseStore {
  /** `whenMissing`: called when a call finds the table missing (it makes it, or says how to get one); the call is then made again. */
  constructor(
    private readonly db: DynamoDbAdapter,
    private readonly table: string,
    private readonly whenMissing?: () => Promise<void>,
  ) {}

  private async withTable<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof AwsNotFoundError) || !this.whenMissing) throw err;
      await this.whenMissing();
      return call();
    }
  }

  async peek(key: string): Promise<LeaseState> {
    return stateOf(await this.db.getItem(this.table, { pk: { S: key } }));
  }

  async enqueue(key: string, request: QueuedRequest): Promise<LeaseState | undefined> {
    const done = await this.withTable(() =>
      this.db.tryUpdate({
        table: this.table,
        key: { pk: { S: key } },
        update: 'SET #q = :q',
        names: { '#q': QUEUED + request.requestKey },
        values: { ':q': { S: JSON.stringify(request) } },
      }),
    );
    return done.ok ? stateOf(done.item as StoredItem) : undefined;
  }

  async dequeue(key: string, requestKey: string): Promise<void> {
    await this.db.tryUpdate({
      table: this.table,
      key: { pk: { S: key } },
      update: 'REMOVE #q',
      names: { '#q': QUEUED + requestKey },
      values: {},
    });
  }

  async tryAcquire(
    key: string,
    owner: string,
    now: Date,
    ttlMs: number,
    options: SeeBusy = {},
  ): Promise<Attempt> {
    const expiresAt = now.getTime() + ttlMs;
    const free = 'attribute_not_exists(#owner) OR #exp < :now';
    // A served entry is JSON holding the wait's ticket (a UUID): contains() finds it in the string.
    const served = options.unlessServed;
    const attempt = () =>
      this.db.tryUpdate({
        table: this.table,
        key: { pk: { S: key } },
        update: 'SET #owner = :me, #exp = :exp, #ttl = :ttl',
        condition: served ? `(${free}) AND NOT contains(#served, :ticket)` : free,
        names: {
          '#owner': NAMES['#owner'],
          '#exp': NAMES['#exp'],
          '#ttl': NAMES['#ttl'],
          ...(served ? { '#served': SERVED + served.requestKey } : {}),
        },
        values: {
          ':me': { S: owner },
          ':exp': { N: String(expiresAt) },
          // DynamoDB TTL removes forgotten items a day after their last use.
          ':ttl': { N: String(Math.floor(expiresAt / 1000) + 86_400) },
          ':now': { N: String(now.getTime()) },
          ...(served ? { ':ticket': { S: served.ticket } } : {}),
        },
        ...(options.see ? { seeOnFailure: true } : {}),
      });
    const taken = await this.withTable(attempt);
    if (!taken.ok) return options.see ? { busy: true, state: stateOf(taken.item as StoredItem) } : undefined;
    const state = stateOf(taken.item as StoredItem);
    return {
      state,
      release: async (next) => {
        const written = stateUpdate(state, next);
        const done = await this.db.conditionalUpdate({
          table: this.table,
          key: { pk: { S: key } },
          update: [
            `REMOVE ${['#owner', '#exp', ...written.removes].join(', ')}`,
            ...(written.sets.length ? [`SET ${written.sets.join(', ')}`] : []),
          ].join(' '),
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
