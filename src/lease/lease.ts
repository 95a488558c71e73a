// Exact slot counting under concurrency. AWS does not refuse a 16th copy-on-write restore (it makes
// a full copy), so "read the inventory, count, restore" must not interleave between two requests
// for the same root. One lease per root serialises that short critical section across processes;
// everything slow (instance creation, waiting) happens outside it. The lease item also carries the
// reservations of requests waiting for a copy that is still being made, so concurrent requests do
// not each make a copy of their own. See docs/concurrency.md.
import type {
  DemandCounts,
  LeaseState,
  QueuedRequest,
  RecentRestore,
  Reservation,
  ServedRequest,
} from '../model/plan.ts';

export type { LeaseState, QueuedRequest, Reservation, ServedRequest };

export interface HeldLease {
  state: LeaseState;
  /**
   * Writes the new state and lets the next holder in; false when the lease had expired and was taken.
   * The queue loses what `leftQueue` says (the requests served in this hold, and those queued when the
   * lease was taken that `state.queued` leaves out; requests queued meanwhile stay); `state.served`
   * replaces the served list. Either part absent: left as it is.
   */
  release(state: LeaseState): Promise<boolean>;
}

/** The lease is held by someone else; `state` is the item as the refused attempt saw it. */
export interface BusyLease {
  busy: true;
  state: LeaseState;
}

export interface LeaseStore {
  /**
   * Takes the lease when free or expired. When someone else holds it: undefined, or with `see` the
   * state as the refused attempt saw it (at no extra call where the store can).
   */
  tryAcquire(key: string, owner: string, now: Date, ttlMs: number, options?: SeeBusy): Promise<Attempt>;
  /** The state as last written, without taking the lease (for dry runs); empty when there is none. */
  peek(key: string): Promise<LeaseState>;
  /**
   * Puts a waiting request in the lease's queue, or renews it there (absent: a store without a
   * queue); returns the state as it is then, where the store has it at no extra call.
   */
  enqueue?(key: string, request: QueuedRequest): Promise<LeaseState | undefined>;
  /** Takes a request out of the queue: it got the lease itself, or stopped waiting. */
  dequeue?(key: string, requestKey: string): Promise<void>;
}

/** With `see`, a refused attempt returns the state it saw. */
export interface SeeBusy {
  see?: boolean;
  /**
   * The attempt of a queued request: refused (busy, with the state) once a holder served it, even
   * when the lease is free. Many waiters served by one hold otherwise take the lease one after
   * another only to learn they were served, and a waiter that was not served waits behind them.
   */
  unlessServed?: Pick<QueuedRequest, 'requestKey' | 'ticket'>;
}

/** The entry of the lease state saying a holder served this wait of the request. */
export function servedTo(
  state: LeaseState,
  waiting: Pick<QueuedRequest, 'requestKey' | 'ticket'>,
): ServedRequest | undefined {
  return state.served?.find((r) => r.requestKey === waiting.requestKey && r.ticket === waiting.ticket);
}

/** What one attempt to take the lease gives: the lease, or that it is busy. */
export type Attempt = HeldLease | BusyLease | undefined;

/** True when the attempt took the lease. */
export function isHeld(lease: Attempt): lease is HeldLease {
  return lease !== undefined && !('busy' in lease);
}

/** Demand counts as stored (a JSON object of hour → count); anything else reads as none. */
export function parseDemand(json: string | undefined): DemandCounts | undefined {
  const parsed = parseJson(json);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  return Object.fromEntries(
    Object.entries(parsed).filter(
      (e): e is [string, number] => Number.isInteger(e[1]) && (e[1] as number) > 0,
    ),
  );
}

/** Recent restores as stored (a JSON list); anything else reads as none. */
export function parseRecent(json: string | undefined): RecentRestore[] | undefined {
  const parsed = parseJson(json);
  if (!Array.isArray(parsed)) return undefined;
  return parsed.filter(
    (r): r is RecentRestore => typeof r?.clusterId === 'string' && typeof r?.at === 'string',
  );
}

/** A queued request as stored (JSON); anything that is not one reads as undefined and is ignored. */
export function parseQueued(json: string | undefined): QueuedRequest | undefined {
  const q = parseJson(json) as Partial<QueuedRequest> | undefined;
  const p = q?.policy as (Record<string, unknown> & { copyCreatedSince?: unknown }) | undefined;
  if (
    typeof q?.requestKey !== 'string' ||
    typeof q.ticket !== 'string' ||
    typeof q.managerId !== 'string' ||
    typeof q.at !== 'string' ||
    typeof q.idSuffix !== 'string' ||
    typeof p?.['sourceClusterId'] !== 'string' ||
    typeof p['maxClonesPerSource'] !== 'number' ||
    typeof p['maxCopyAgeMs'] !== 'number'
  ) {
    return undefined;
  }
  const since = typeof p.copyCreatedSince === 'string' ? new Date(p.copyCreatedSince) : undefined;
  const policy = {
    ...p,
    ...(since ? { copyCreatedSince: since } : {}),
  } as unknown as QueuedRequest['policy'];
  return {
    requestKey: q.requestKey,
    ticket: q.ticket,
    managerId: q.managerId,
    at: q.at,
    idSuffix: q.idSuffix,
    policy,
  };
}

/** A served request as stored (JSON); anything that is not one reads as undefined. */
export function parseServed(json: string | undefined): ServedRequest | undefined {
  const s = parseJson(json) as Partial<ServedRequest> | undefined;
  if (
    typeof s?.requestKey !== 'string' ||
    typeof s.ticket !== 'string' ||
    typeof s.clusterId !== 'string' ||
    typeof s.at !== 'string' ||
    typeof s.by !== 'string'
  ) {
    return undefined;
  }
  return {
    requestKey: s.requestKey,
    ticket: s.ticket,
    clusterId: s.clusterId,
    at: s.at,
    by: s.by,
    ...(typeof s.freeCapacity === 'number' ? { freeCapacity: s.freeCapacity } : {}),
  };
}

export function parseReservations(json: string | undefined): Reservation[] {
  const parsed = parseJson(json);
  return Array.isArray(parsed) ? (parsed as Reservation[]) : [];
}

function parseJson(json: string | undefined): unknown {
  if (!json) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

/** A copy of the state, without the optional parts it does not have. */
export function copyState(state: LeaseState): LeaseState {
  return {
    reservations: [...state.reservations],
    ...(state.demand ? { demand: { ...state.demand } } : {}),
    ...(state.recent ? { recent: [...state.recent] } : {}),
    ...(state.queued ? { queued: [...state.queued] } : {}),
    ...(state.served ? { served: [...state.served] } : {}),
  };
}

/** The requests a hold served: in the served list written back, not in the one it took. */
export function newlyServed(taken: LeaseState, written: LeaseState): string[] {
  const before = new Set((taken.served ?? []).map((r) => r.requestKey));
  return (written.served ?? []).map((r) => r.requestKey).filter((k) => !before.has(k));
}

/**
 * The queue entries a release removes: requests served in this hold, and those that were queued when
 * the lease was taken and are not in the state written back (without `queued`: only the served).
 */
export function leftQueue(taken: LeaseState, written: LeaseState): string[] {
  // Served during this hold: out of the queue, even if they joined it after the lease was taken.
  const served = newlyServed(taken, written);
  if (!written.queued) return served;
  const still = new Set(written.queued.map((q) => q.requestKey));
  const left = (taken.queued ?? []).map((q) => q.requestKey).filter((k) => !still.has(k));
  return [...new Set([...left, ...served])];
}

/** Leases in this process only: enough for one CLI or library process, not for several. */
export class InProcessLeaseStore implements LeaseStore {
  private readonly items = new Map<
    string,
    { owner?: string; expiresAt: number; state: LeaseState; queue: Map<string, QueuedRequest> }
  >();

  private item(key: string) {
    let item = this.items.get(key);
    if (!item) {
      item = { expiresAt: 0, state: { reservations: [] }, queue: new Map() };
      this.items.set(key, item);
    }
    return item;
  }

  private view(key: string): LeaseState {
    const item = this.item(key);
    const state = copyState(item.state);
    return item.queue.size ? { ...state, queued: [...item.queue.values()] } : state;
  }

  async peek(key: string): Promise<LeaseState> {
    return this.view(key);
  }

  async enqueue(key: string, request: QueuedRequest): Promise<LeaseState> {
    this.item(key).queue.set(request.requestKey, request);
    return this.view(key);
  }

  async dequeue(key: string, requestKey: string): Promise<void> {
    this.item(key).queue.delete(requestKey);
  }

  async tryAcquire(
    key: string,
    owner: string,
    now: Date,
    ttlMs: number,
    options: SeeBusy = {},
  ): Promise<Attempt> {
    const item = this.item(key);
    const busy = item.owner !== undefined && item.expiresAt >= now.getTime();
    if (busy || (options.unlessServed && servedTo(item.state, options.unlessServed))) {
      return options.see ? { busy: true, state: this.view(key) } : undefined;
    }
    item.owner = owner;
    item.expiresAt = now.getTime() + ttlMs;
    const taken = this.view(key);
    return {
      state: taken,
      release: async (state) => {
        if (item.owner !== owner) return false;
        delete item.owner;
        item.expiresAt = 0;
        for (const k of leftQueue(taken, state)) item.queue.delete(k);
        // Optional parts a holder did not write back are kept, as the DynamoDB store keeps them.
        const { queued: _queued, ...rest } = copyState(state);
        item.state = { ...item.state, ...rest };
        return true;
      },
    };
  }
}
