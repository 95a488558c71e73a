import { randomUUID } from 'node:crypto';
import type { Clock } from '../util/clock.ts';
import { LeaseBusyError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { backoffDelay, withRetries } from '../util/retry.ts';
import {
  type HeldLease,
  isHeld,
  type LeaseState,
  type LeaseStore,
  newlyServed,
  type QueuedRequest,
  type ServedRequest,
  servedTo,
} from './lease.ts';

export interface LeaseOptions {
  store: LeaseStore;
  clock: Clock;
  logger: Logger;
  /** How long a holder may keep the lease before others may take it (a crashed holder frees it then). */
  ttlMs?: number;
  /** How long to wait for the lease before giving up. */
  acquireTimeoutMs?: number;
}

/** What the holder knows about its hold: a process paused past it must not act on what it read. */
export interface Hold {
  /** Time left before others may take the lease, by this process's clock. */
  remainingMs(): number;
  /**
   * Runs `work` that sends what the count was made for (restores, claims): while it runs, the lease
   * must not be given back early (releaseIdleLeases), or another holder could count before AWS shows it.
   */
  sending<T>(work: () => Promise<T>): Promise<T>;
  /** This holder was refused at least once before it got the lease: others want it too. */
  readonly contended: boolean;
  /** The lease item as it is now (requests may have joined the queue during the hold). */
  look(): Promise<LeaseState>;
}

/** The default time a holder may keep the lease before others may take it. */
export const DEFAULT_LEASE_TTL_MS = 120_000;

/**
 * Runs `fn` while holding the lease on `key`; `fn` returns its result and the lease state to write
 * back. The critical section must stay short (a few API calls), well under ttlMs.
 */
export async function withLease<T>(
  key: string,
  options: LeaseOptions,
  fn: (state: LeaseState, hold: Hold) => Promise<{ result: T; state: LeaseState }>,
): Promise<T> {
  const outcome = await acquire(key, options, fn);
  if ('served' in outcome) throw new Error('a lease taken without a queue entry cannot be served');
  return outcome.held;
}

/**
 * Like withLease, for a request whose clone another holder may restore: while the lease is busy the
 * request waits in the lease's queue, and it stops waiting when a holder says it served it. Returns
 * `fn`'s result, or what the holder that served it wrote.
 */
export function withLeaseOrServed<T>(
  key: string,
  options: LeaseOptions,
  request: QueuedRequest,
  fn: (state: LeaseState, hold: Hold) => Promise<{ result: T; state: LeaseState }>,
  /**
   * What must be done before the first attempt (the read outside the lease). The request joins the
   * queue first; when others of its deployment joined just before it (a burst), it gives the first
   * of them a moment to take the lease and serve it before doing any of it (see `follow`).
   */
  prepare?: () => Promise<unknown>,
): Promise<{ held: T } | { served: ServedRequest }> {
  return acquire(key, options, fn, request, prepare);
}

/** Most requests in a lease's queue; later ones wait for the lease without joining it. */
export const MAX_QUEUED = 100;

/** How often a waiter says again that it is still waiting (holders serve only waiters heard from lately). */
export const QUEUE_RENEW_MS = 20_000;

async function acquire<T>(
  key: string,
  options: LeaseOptions,
  fn: (state: LeaseState, hold: Hold) => Promise<{ result: T; state: LeaseState }>,
  waiting?: QueuedRequest,
  prepare?: () => Promise<unknown>,
): Promise<{ held: T } | { served: ServedRequest }> {
  const owner = randomUUID();
  const ttl = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const deadline = options.clock.now().getTime() + (options.acquireTimeoutMs ?? 600_000);
  const queue = waiting && options.store.enqueue ? new QueueEntry(key, waiting, options) : undefined;
  try {
    if (prepare) {
      const joined = await queue?.renew(undefined);
      if (waiting && joined && inBurst(joined, waiting, options.clock.now())) {
        const served = await follow(key, options, waiting);
        if (served) {
          queue?.taken();
          return { served };
        }
      }
      await prepare();
    }
    for (let attempt = 0; ; attempt++) {
      // The SDK's own retries share a per-client quota that a long wait can spend; a throttled
      // acquire is retried here too, so waiting for the lease never fails on a passing fault.
      const asked = options.clock.now().getTime();
      // The SDK's clients are shared by the whole process, and so is their retry quota: under heavy
      // throttling they stop retrying early, so this loop is the one that must not give up soon.
      const lease = await withRetries(
        () =>
          options.store.tryAcquire(key, owner, new Date(asked), ttl, {
            see: queue !== undefined,
            ...(queue && waiting ? { unlessServed: waiting } : {}),
          }),
        { clock: options.clock, attempts: 12, maxDelayMs: 5_000 },
      );
      const served = waiting && lease && servedTo(lease.state, waiting);
      if (isHeld(lease)) {
        queue?.taken();
        const entry: HeldEntry = { lease, state: lease.state, sending: 0 };
        held.add(entry);
        let next = withoutQueued(lease.state, lease.state, waiting);
        let wakeAll = false;
        try {
          // Served while it waited, then let in: nothing to do under the lease.
          if (served) return { served };
          const hold: Hold = {
            contended: attempt > 0,
            look: () => withRetries(() => options.store.peek(key), { clock: options.clock }),
            remainingMs: () => asked + ttl - options.clock.now().getTime(),
            sending: async (work) => {
              entry.sending++;
              try {
                return await work();
              } finally {
                entry.sending--;
              }
            },
          };
          const { result, state } = await fn(lease.state, hold);
          next = withoutQueued(state, lease.state, waiting);
          wakeAll = newlyServed(lease.state, next).length > 0;
          return { held: result };
        } finally {
          // Given back already when the process was interrupted before sending anything.
          const released = held.delete(entry) ? await release(lease, next, key, ttl, options) : true;
          // The release takes the holder's own queue entry out; a release refused (the lease ran
          // out) leaves it, so it goes here.
          if (!released && waiting)
            await options.store.dequeue?.(key, waiting.requestKey).catch(() => undefined);
          if (wakeAll) wakeEveryone(key);
          else wakeNext(key);
        }
      }
      if (served) {
        queue?.taken();
        return { served };
      }
      if (options.clock.now().getTime() >= deadline) {
        throw new LeaseBusyError(`the lease on ${key} stayed busy; another request holds it`, { key });
      }
      await queue?.renew(lease?.state);
      // A holder in this process wakes the next waiter as it releases; holders elsewhere are noticed at
      // the next attempt, a few hundred ms at most.
      const released = nextRelease(key);
      await Promise.race([options.clock.sleep(waitStep(attempt, queue?.queued ?? false)), released.promise]);
      released.cancel();
    }
  } finally {
    await queue?.leave();
  }
}

/** The state to write back: the holder's own queue entry goes (it is no longer waiting). */
function withoutQueued(state: LeaseState, taken: LeaseState, waiting: QueuedRequest | undefined): LeaseState {
  const queued = state.queued ?? taken.queued;
  if (!waiting || !queued) return state;
  return { ...state, queued: queued.filter((q) => q.requestKey !== waiting.requestKey) };
}

/**
 * A waiter's entry in the lease's queue: put there before the request reads the account (with
 * `prepare`: one call more for every request) or after its first refused attempt (without), renewed
 * while it waits, taken out when it stops waiting.
 */
class QueueEntry {
  /** The entry is in the lease item (written, not taken out yet). */
  queued = false;
  private renewedAt = 0;
  private done = false;

  constructor(
    private readonly key: string,
    private readonly request: QueuedRequest,
    private readonly options: LeaseOptions,
  ) {}

  /**
   * Joins the queue or renews the entry; `seen`: the lease item as the refused attempt saw it.
   * Returns the item as the join left it, when the store says.
   */
  async renew(seen: LeaseState | undefined): Promise<LeaseState | undefined> {
    const now = this.options.clock.now().getTime();
    if (this.queued && now - this.renewedAt < QUEUE_RENEW_MS) return undefined;
    // A queue this long is served over many holds anyway; the lease item must stay well under
    // DynamoDB's 400 KB.
    if (!this.queued && (seen?.queued?.length ?? 0) >= MAX_QUEUED) return undefined;
    const joining = !this.queued;
    try {
      const after = await this.options.store.enqueue?.(this.key, {
        ...this.request,
        at: new Date(now).toISOString(),
      });
      this.queued = true;
      this.renewedAt = now;
      waitingHere.add(this);
      // Requests that joined at the same moment may all have seen room: those past the bound go.
      if (joining && (after?.queued?.length ?? 0) > MAX_QUEUED) {
        this.queued = false;
        waitingHere.delete(this);
        await this.options.store.dequeue?.(this.key, this.request.requestKey);
        return undefined;
      }
      return after;
    } catch (err) {
      // Not being in the queue only means waiting for the lease like before.
      this.options.logger.warn('could not join the lease queue; waiting for the lease instead', {
        key: this.key,
        error: err instanceof Error ? err.message : String(err),
      });
      return undefined;
    }
  }

  /** The request got the lease or was served: a holder took the entry out (or will, on release). */
  taken(): void {
    this.done = true;
    waitingHere.delete(this);
  }

  /** The request stopped waiting otherwise (gave up, failed, interrupted): its entry goes. */
  async leave(): Promise<void> {
    waitingHere.delete(this);
    if (this.done || !this.queued) return;
    this.done = true;
    await this.options.store.dequeue?.(this.key, this.request.requestKey).catch(() => undefined);
  }
}

// Queue entries of this process's waiters, for an interrupted CLI to take out before it exits.
const waitingHere = new Set<QueueEntry>();

interface HeldEntry {
  lease: HeldLease;
  /** The state as taken: what an early release writes back (nothing was done under it). */
  state: LeaseState;
  sending: number;
}

// The leases this process holds now, for an interrupted CLI to give back before it exits.
const held = new Set<HeldEntry>();

/**
 * Gives back the leases this process holds that are not sending anything (an interrupted command
 * exits next): others need not wait out their TTL. Leases under which a restore may be on its way
 * stay taken until their TTL, so nobody counts before AWS shows the new cluster. Best effort.
 */
export async function releaseIdleLeases(): Promise<{ released: number; kept: number }> {
  let released = 0;
  let kept = 0;
  await Promise.all([...waitingHere].map((q) => q.leave()));
  for (const entry of [...held]) {
    if (entry.sending > 0) {
      kept++;
      continue;
    }
    held.delete(entry);
    if (await entry.lease.release(entry.state).catch(() => false)) released++;
  }
  return { released, kept };
}

/** Another request of the same deployment joined the queue this recently: they came together. */
const BURST_MS = 5_000;

/** How long a request of a burst waits to be served before it reads and asks for the lease itself. */
export const FOLLOW_MS = 1_500;

function inBurst(joined: LeaseState, waiting: QueuedRequest, now: Date): boolean {
  return (joined.queued ?? []).some(
    (q) =>
      q.requestKey !== waiting.requestKey &&
      q.managerId === waiting.managerId &&
      now.getTime() - Date.parse(q.at) < BURST_MS,
  );
}

/**
 * A request that joined behind others of a burst waits, without reading the account, for the first
 * of them (which reads, takes the lease and restores for everyone queued) to serve it: fifty requests
 * then make one account read and one hold instead of fifty reads and several holds. It looks at the
 * item after each release here, or every few hundred ms; after FOLLOW_MS it goes on by itself.
 */
async function follow(
  key: string,
  options: LeaseOptions,
  waiting: QueuedRequest,
): Promise<ServedRequest | undefined> {
  const until = options.clock.now().getTime() + FOLLOW_MS;
  while (options.clock.now().getTime() < until) {
    const released = nextRelease(key);
    await Promise.race([options.clock.sleep(waitStep(0, true) / 2), released.promise]);
    released.cancel();
    const state = await options.store.peek(key).catch(() => undefined);
    const served = state && servedTo(state, waiting);
    if (served) return served;
    if (state && !state.queued?.some((q) => q.requestKey === waiting.requestKey)) return undefined;
  }
  return undefined;
}

/** The longest a waiter sleeps between two attempts to take a lease held by another process. */
const MAX_WAIT_STEP_MS = 300;

/**
 * The sleep before the next attempt. A waiter in the queue looks less often: the hold under way
 * most likely restores its clone, which takes minutes to become usable anyway, and each refused
 * attempt reads the whole item back (every queued request) while the holder is still sending.
 */
function waitStep(attempt: number, queued: boolean): number {
  if (queued) return QUEUED_WAIT_STEP_MS + backoffDelay(0, QUEUED_WAIT_STEP_MS, QUEUED_WAIT_STEP_MS);
  return 25 + backoffDelay(Math.min(attempt, 4), 20, MAX_WAIT_STEP_MS);
}

/** A queued waiter sleeps between this and twice this between two attempts. */
const QUEUED_WAIT_STEP_MS = 250;

// Waiters of this process, first come first woken, per lease key: a release wakes one, not a herd
// that would all try at once and all but one go back to sleep.
const waiters = new Map<string, (() => void)[]>();

function nextRelease(key: string): { promise: Promise<void>; cancel(): void } {
  let wake!: () => void;
  const promise = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const queue = waiters.get(key) ?? [];
  queue.push(wake);
  waiters.set(key, queue);
  return {
    promise,
    cancel: () => {
      const q = waiters.get(key);
      if (!q) return;
      const i = q.indexOf(wake);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) waiters.delete(key);
    },
  };
}

/** After a release that served queued requests: every waiter looks, most of them to find they were served. */
function wakeEveryone(key: string): void {
  const q = waiters.get(key) ?? [];
  waiters.delete(key);
  for (const wake of q) wake();
}

function wakeNext(key: string): void {
  const q = waiters.get(key);
  const wake = q?.shift();
  if (q && q.length === 0) waiters.delete(key);
  wake?.();
}

/**
 * A release that keeps failing must not undo work already done under the lease (a clone already
 * restored): it is logged, and the lease frees itself when its TTL runs out.
 */
async function release(
  lease: HeldLease,
  state: LeaseState,
  key: string,
  ttlMs: number,
  options: LeaseOptions,
): Promise<boolean> {
  try {
    const released = await withRetries(() => lease.release(state), { clock: options.clock });
    if (!released) {
      options.logger.error(
        'the lease ran out before it was given back (this process was paused or its calls were very slow); no restore was sent once less than 45 s of it were left',
        { key, ttlMs },
      );
    }
    return released;
  } catch (err) {
    options.logger.error('lease release failed; it frees itself when its ttl runs out', {
      key,
      ttlMs,
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}
