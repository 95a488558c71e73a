// Exact slot counting under concurrency. AWS does not refuse a 16th copy-on-write restore (it makes
// a full copy), so "read the inventory, count, restore" must not interleave between two requests
// for the same root. One lease per root serialises that short critical section across processes;
// everything slow (instance creation, waiting) happens outside it. The lease item also carries the
// reservations of requests waiting for a copy that is still being made, so concurrent requests do
// not each make a copy of their own. See docs/concurrency.md.
import type { DemandCounts, LeaseState, RecentRestore, Reservation } from '../model/plan.ts';

export type { LeaseState, Reservation };

export interface HeldLease {
  state: LeaseState;
  /** Writes the new state and lets the next holder in; false when the lease had expired and was taken. */
  release(state: LeaseState): Promise<boolean>;
}

export interface LeaseStore {
  /** Takes the lease when free or expired; undefined when someone else holds it. */
  tryAcquire(key: string, owner: string, now: Date, ttlMs: number): Promise<HeldLease | undefined>;
  /** The state as last written, without taking the lease (for dry runs); empty when there is none. */
  peek(key: string): Promise<LeaseState>;
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
  };
}

/** Leases in this process only: enough for one CLI or library process, not for several. */
export class InProcessLeaseStore implements LeaseStore {
  private readonly items = new Map<string, { owner?: string; expiresAt: number; state: LeaseState }>();

  async peek(key: string): Promise<LeaseState> {
    const item = this.items.get(key);
    return item ? copyState(item.state) : { reservations: [] };
  }

  async tryAcquire(key: string, owner: string, now: Date, ttlMs: number): Promise<HeldLease | undefined> {
    const item = this.items.get(key) ?? { expiresAt: 0, state: { reservations: [] } };
    if (item.owner !== undefined && item.expiresAt >= now.getTime()) return undefined;
    item.owner = owner;
    item.expiresAt = now.getTime() + ttlMs;
    this.items.set(key, item);
    return {
      state: copyState(item.state),
      release: async (state) => {
        if (item.owner !== owner) return false;
        delete item.owner;
        item.expiresAt = 0;
        // Optional parts a holder did not write back are kept, as the DynamoDB store keeps them.
        item.state = { ...item.state, ...copyState(state) };
        return true;
      },
    };
  }
}
