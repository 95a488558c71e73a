// Restores for requests waiting in the lease's queue, in the same hold (docs/concurrency.md). When
// many requests for one root arrive together, each used to take the lease in turn for one restore;
// now the holder plans its own clone, then the clone of each queued request, each plan counting the
// clones planned before it, and restores them together. A queued request is served only when its
// plan is one restore under the lease and nothing else there (no copy, no claim, no secret made
// under the lease): anything else, it plans for itself when it gets the lease. A served request
// finds its clone by its request key and goes on from there (its writer, its wait) without the lease.

import type { ClusterInfo, Inventory } from '../model/inventory.ts';
import type { CloneStep, LeaseState, Plan, QueuedRequest, ServedRequest } from '../model/plan.ts';
import type { ProvisionPolicy } from '../model/policy.ts';
import { readManagedTags, TAG, tagMap } from '../model/tags.ts';
import { recordRequest } from './demand.ts';
import { findByRequestKey, planProvision } from './provision.ts';
import { withoutDeleted } from './purge.ts';
import { withRecentRestores } from './recent.ts';

/** Most queued requests one hold restores for: the hold stays a few round trips, the item small. */
export const BATCH_MAX = 64;
/** A queued request not heard from for this long is not served (its waiter may be gone). */
export const QUEUE_FRESH_MS = 60_000;
/** A queued request not heard from for this long leaves the queue (its waiter is gone). */
export const QUEUE_DROP_MS = 10 * 60_000;
/** How long a served entry stays for its waiter to read (it looks every few hundred ms). */
export const SERVED_KEPT_MS = 2 * 60_000;
/** Most served entries kept (the newest): the lease item must stay well under DynamoDB's 400 KB. */
export const SERVED_KEPT_MAX = 200;

/** A request another holder may restore for: one whose restore needs nothing but the restore. */
export function queueable(policy: ProvisionPolicy): boolean {
  return policy.requestKey !== undefined && !policy.makeWarm && !policy.password?.setPassword;
}

export interface BatchInput {
  /** The inventory the holder's own plan was made from. */
  inventory: Inventory;
  /** The holder's own plan. */
  own: Plan;
  /** Queued requests this hold has already restored for (planned on an earlier look at the queue). */
  before?: readonly QueuedPlan[];
  /** The lease state as the holder took it, or as it looked again (its queue included). */
  taken: LeaseState;
  holderKey: string;
  managerId: string;
  now: Date;
}

export interface QueuedPlan {
  request: QueuedRequest;
  /** Its plan: one clone step under the lease, then what the waiter does itself. */
  plan: Plan;
}

/**
 * The queued requests this hold restores for, oldest first, at most BATCH_MAX, each planned on the
 * inventory with the clones planned before it. Pure.
 */
export function planQueued(input: BatchInput): QueuedPlan[] {
  const { own, taken, now } = input;
  const before = input.before ?? [];
  if (own.steps.some((s) => s.kind === 'copy')) return [];
  const served = new Set([
    ...(taken.served ?? []).map((r) => r.requestKey),
    ...before.map((b) => b.request.requestKey),
  ]);
  const waiting = (taken.queued ?? [])
    .filter(
      (q) =>
        q.requestKey !== input.holderKey &&
        q.managerId === input.managerId &&
        !served.has(q.requestKey) &&
        now.getTime() - Date.parse(q.at) < QUEUE_FRESH_MS &&
        queueable(q.policy),
    )
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const deleted = own.steps.filter((s) => s.kind === 'delete');
  let inventory = withPlannedClones(
    withoutDeleted(input.inventory, deleted),
    [own, ...before.map((b) => b.plan)].flatMap(cloneSteps),
  );
  let lease: LeaseState = before.at(-1)?.plan.lease ?? own.lease ?? taken;
  const out: QueuedPlan[] = [];
  for (const request of waiting) {
    if (before.length + out.length >= BATCH_MAX) break;
    // A request whose clone exists already (an earlier hold made it) finds it itself.
    if (findByRequestKey(inventory, request.requestKey, input.managerId)) continue;
    let plan: Plan;
    try {
      plan = planProvision({
        inventory,
        request: request.policy,
        lease,
        managerId: input.managerId,
        now,
        idSuffix: request.idSuffix,
      });
    } catch {
      // Its own error is for it to meet and report, when it plans for itself.
      continue;
    }
    const found = servable(plan);
    if (!found) continue;
    const { plan: adoptable, clone } = withAdoptDeadline(plan, found, now);
    out.push({ request, plan: adoptable });
    inventory = withPlannedClones(inventory, [clone]);
    lease = plan.lease ?? lease;
  }
  return out;
}

/**
 * How long a clone restored for a queued request may wait for its request to take it. The waiter
 * may be gone (killed, its CI job cancelled) by the time the hold restores for it; its clone and
 * writer would then be kept and billed forever. So the clone is restored with an expiry at most
 * this far off, and the waiter, once it learns it was served (seconds later), sets its own (or none).
 * A clone nobody takes is then deleted as expired.
 */
export const ADOPT_WITHIN_MS = 15 * 60_000;

function withAdoptDeadline(plan: Plan, clone: CloneStep, now: Date): { plan: Plan; clone: CloneStep } {
  const deadline = new Date(now.getTime() + ADOPT_WITHIN_MS);
  const own = clone.tags.find((t) => t.Key === TAG.expiresAt)?.Value;
  if (own !== undefined && Date.parse(own) <= deadline.getTime()) return { plan, clone };
  const tagged: CloneStep = {
    ...clone,
    tags: [
      ...clone.tags.filter((t) => t.Key !== TAG.expiresAt),
      { Key: TAG.expiresAt, Value: deadline.toISOString() },
    ],
    reason: `${clone.reason}; restored for a request waiting in the lease's queue, it expires at ${deadline.toISOString()} unless that request takes it first (it then sets its own expiry)`,
  };
  return { plan: { ...plan, steps: plan.steps.map((s) => (s === clone ? tagged : s)) }, clone: tagged };
}

/** The plan's one clone step when the plan can be served by another holder. */
function servable(plan: Plan): CloneStep | undefined {
  const [first, ...rest] = plan.steps;
  if (first?.kind !== 'clone' || !first.underLease || first.sourceCreatedInPlan) return undefined;
  // Its other steps are the waiter's (it plans them again itself): only the restore is done for it.
  if (rest.some((s) => s.underLease || (s.kind === 'password' && s.action === 'prepare'))) return undefined;
  return first;
}

function cloneSteps(plan: Plan): CloneStep[] {
  return plan.steps.filter((s): s is CloneStep => s.kind === 'clone');
}

/** The inventory with these clones as AWS shows them right after their restore: creating, no writer. */
export function withPlannedClones(inventory: Inventory, clones: readonly CloneStep[]): Inventory {
  if (clones.length === 0) return inventory;
  const added = clones.map((step): ClusterInfo => {
    const tags = tagMap(step.tags);
    const source = inventory.clusters.find((c) => c.arn === step.sourceArn);
    const managed = readManagedTags(tags);
    return {
      id: step.clusterId,
      arn: step.arn,
      status: 'creating',
      engine: source?.engine ?? '',
      securityGroupIds: step.restore.securityGroupIds,
      deletionProtection: false,
      members: [],
      tags,
      ...(managed ? { managed } : {}),
    };
  });
  return { ...inventory, clusters: [...inventory.clusters, ...added] };
}

/**
 * Free clone slots once the hold's restores are done: the last queued plan counted every clone
 * planned before it (a restore that failed is counted too, erring low).
 */
export function capacityAfterHold(own: Plan, served: readonly QueuedPlan[]): number | undefined {
  return served.at(-1)?.plan.capacityAfter ?? own.capacityAfter;
}

/**
 * The lease state a hold writes back: the holder's own plan's state, plus for each queued request it
 * restored for: its request counted in the demand, its clone among the recent restores, its entry out
 * of the queue and into the served list. Queued entries not heard from for QUEUE_DROP_MS go; served
 * entries older than SERVED_KEPT_MS go.
 */
export function leaseAfterHold(input: {
  taken: LeaseState;
  own: LeaseState;
  ownPlan: Plan;
  served: readonly QueuedPlan[];
  holderKey: string;
  now: Date;
}): LeaseState {
  const { taken, served, now } = input;
  const keys = new Set(served.map((s) => s.request.requestKey));
  const clones = served.flatMap((s) => cloneSteps(s.plan));
  let demand = input.own.demand;
  for (let i = 0; i < served.length; i++) demand = recordRequest(demand, now);
  const base = withRecentRestores(
    { ...input.own, reservations: input.own.reservations.filter((r) => !keys.has(r.requestKey)) },
    clones.map((c) => c.clusterId),
    now,
  );
  const at = now.toISOString();
  const freeCapacity = capacityAfterHold(input.ownPlan, served);
  const entries: ServedRequest[] = served.map((s) => ({
    requestKey: s.request.requestKey,
    ticket: s.request.ticket,
    clusterId: cloneSteps(s.plan)[0]?.clusterId ?? '',
    at,
    by: input.holderKey,
    ...(freeCapacity !== undefined ? { freeCapacity } : {}),
  }));
  return {
    ...base,
    ...(demand ? { demand } : {}),
    queued: (taken.queued ?? []).filter(
      (q) => !keys.has(q.requestKey) && now.getTime() - Date.parse(q.at) < QUEUE_DROP_MS,
    ),
    served: [
      ...(taken.served ?? []).filter(
        (r) => !keys.has(r.requestKey) && now.getTime() - Date.parse(r.at) < SERVED_KEPT_MS,
      ),
      ...entries,
    ].slice(-SERVED_KEPT_MAX),
  };
}
