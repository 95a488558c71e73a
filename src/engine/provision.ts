// provisionClone: lease → read → plan → apply → result. The plan says which of its steps run under
// the root's lease (the restores, whose slot count must not change between the read and the call);
// the rest runs after the lease is released. When the plan waits for a copy, the clone after it needs
// the lease again: the next round reads and plans again under it, and normally plans exactly the
// steps the first plan still had (docs/concurrency.md).
import { randomUUID } from 'node:crypto';
import { Execution } from '../executor/apply.ts';
import { readInventory, refreshPool, withClusterRead } from '../inventory/read.ts';
import { type Hold, withLease, withLeaseOrServed } from '../lease/with-lease.ts';
import type { ManagerOptions, ProvisionRequest, ProvisionResult } from '../model/api.ts';
import type { Inventory } from '../model/inventory.ts';
import type { LeaseState, Plan, QueuedRequest, ServedRequest, Step } from '../model/plan.ts';
import type { MaintenancePolicy, ProvisionPolicy } from '../model/policy.ts';
import {
  capacityAfterHold,
  leaseAfterHold,
  planQueued,
  type QueuedPlan,
  queueable,
} from '../planner/batch.ts';
import { requestIdSuffix, wantedCloneName } from '../planner/names.ts';
import { clusterIdFromArn } from '../planner/pool.ts';
import { DEFAULT_RESERVATION_TTL_MS, planProvision } from '../planner/provision.ts';
import { recentRestores } from '../planner/recent.ts';
import {
  AcmError,
  errorMessage,
  LeaseLostError,
  RestoreRefusedError,
  SourcesRefusedError,
  WaitTimeoutError,
} from '../util/errors.ts';
import { validateProvision } from '../validation/index.ts';
import { type EngineContext, engineContext } from './context.ts';
import { leaseKey, leaseOptions } from './lease.ts';
import { logPlan } from './log-plan.ts';
import { appliedSummary, dryRunResult, provisionResult } from './provision-result.ts';

/** A request gives up after this many refused restores (each tried on the next source, after a pause). */
export const MAX_REFUSED_RESTORES = 4;
/** Rounds of plan-and-apply per request: a copy that vanishes while awaited is planned around a few times. */
const MAX_ROUNDS = 6;
/** A restore needs at least this much of the lease left (of DEFAULT_LEASE_TTL_MS). */
export const LEASE_SAFETY_MARGIN_MS = 45_000;

export async function provisionClone(
  request: ProvisionRequest,
  options: ManagerOptions = {},
): Promise<ProvisionResult> {
  // A dry run creates nothing, not even the lease table: it only reads the lease state if there is one.
  const ctx = await engineContext(options, request.dryRun ? 'read' : 'take');
  const policy = validateProvision(request, { ...ctx, now: ctx.clock.now() });
  const keyed: ProvisionPolicy = { ...policy, requestKey: policy.requestKey ?? randomUUID() };
  // Fixed once: every round of this request, and its dry run with the same key, use the same names.
  const idSuffix = requestIdSuffix(ctx.clock.now(), policy.requestKey);
  if (request.dryRun) {
    const now = ctx.clock.now();
    const inventory = await ctx.retry(() => readInventory(ctx.rds, keyed.sourceClusterId, now, ctx.where));
    const lease = await ctx.leases.peek(leaseKey(keyed.sourceClusterId)).catch(() => ({ reservations: [] }));
    const plan = planProvision({
      inventory,
      request: keyed,
      lease,
      managerId: ctx.managerId,
      now,
      idSuffix,
    });
    logPlan(ctx.logger, plan);
    return dryRunResult(plan);
  }
  return provision(ctx, keyed, idSuffix);
}

async function provision(
  ctx: EngineContext,
  policy: ProvisionPolicy,
  idSuffix: string,
): Promise<ProvisionResult> {
  const execution = new Execution(ctx, { whileWaitingForCopy: reservationKeeper(ctx, policy) });
  const refused: Record<string, string> = {};
  let first: Plan | undefined;
  // Waits in the lease's queue, where the holder may restore its clone; once served, never again.
  let queue = queueable(policy);
  try {
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      let started: Started | Served;
      try {
        started = await planAndStart(ctx, policy, idSuffix, refused, execution, queue);
      } catch (err) {
        if (!(err instanceof LeaseLostError)) throw err;
        ctx.logger.warn('lease nearly lost before a restore; going round again', { error: err.message });
        continue;
      }
      if ('served' in started) {
        queue = false;
        const plan = await servedPlan(ctx, policy, idSuffix, started);
        if (!plan) continue;
        first ??= plan;
        await execution.apply(plan.steps);
        return provisionResult(first, execution.applied, 'done');
      }
      const { plan, refusal } = started;
      first ??= plan;
      if (refusal) {
        refused[refusal.sourceArn] = refusal.why;
        ctx.logger.warn('a source refused the restore; planning again without it', refusal);
        if (Object.keys(refused).length >= MAX_REFUSED_RESTORES) throw tooManyRefusals(policy, refused);
        await ctx.clock.sleep(1_000 * 2 ** (Object.keys(refused).length - 1));
        continue;
      }
      // The writers of the clones restored for queued requests were started as each restore returned
      // (a waiter that gets there first makes it); this request answers once they are asked for.
      const outcome = await execution.apply(afterLease(plan.steps)).finally(() => started.writers);
      // What the pool has left counts the clones this hold restored for others too.
      const free = started.restoredFor?.length ? capacityAfterHold(plan, started.restoredFor) : undefined;
      if (outcome === 'pending') return provisionResult(first, execution.applied, 'pending', free);
      if (outcome === 'gone') {
        ctx.logger.warn('the copy this request waited for is gone; planning again', {});
        continue;
      }
      if (!needsLeaseAgain(plan.steps)) return provisionResult(first, execution.applied, 'done', free);
    }
    throw new AcmError(
      `the clone of ${policy.sourceClusterId} could not be made in ${MAX_ROUNDS} rounds (copies it waited for went away or were left half made, or its lease ran short before a restore); steps done: ${appliedSummary(execution.applied)}`,
      { clusterId: policy.sourceClusterId },
    );
  } catch (err) {
    // Waiting that ran out of time is not a failure of the clone: it is kept and goes on being made.
    const made = execution.madeClusters();
    if (err instanceof WaitTimeoutError && made.length > 0) {
      throw new WaitTimeoutError(
        `${err.message}; clone ${made.join(', ')} is kept and goes on being made (delete it if it is no longer wanted)`,
        { ...err.context, clusterId: made.join(',') },
        { cause: err },
      );
    }
    // A failed provision leaves nothing behind: the clone this request made (and its secret) go again.
    await execution.undo();
    throw err;
  }
}

interface Started {
  plan: Plan;
  /** A restore AWS refused from this source. */
  refusal?: { sourceArn: string; why: string };
  /** Queued requests whose clones this hold restored. */
  restoredFor?: QueuedPlan[];
  /** Their writers, asked for as each restore returned. */
  writers?: Promise<unknown>;
}

/** The request waited in the lease's queue and the holder restored its clone. */
interface Served {
  served: ServedRequest;
  /** The account as read before the lease. */
  outside: Inventory;
}

/**
 * Under the root's lease: read, plan, apply the steps the plan puts under the lease, restore for the
 * requests waiting in the lease's queue that can be served in the same hold, and write the lease
 * state back. A restore AWS refuses is returned, not thrown, so the next round plans without that
 * source. With `queue`, a request that finds the lease busy waits in its queue and may come back
 * served instead.
 */
async function planAndStart(
  ctx: EngineContext,
  policy: ProvisionPolicy,
  idSuffix: string,
  refused: Readonly<Record<string, string>>,
  execution: Execution,
  queue: boolean,
): Promise<Started | Served> {
  // The account is read before the lease, so the hold is a few calls whatever the account's size.
  const before = ctx.clock.now();
  let reading: Promise<Inventory> | undefined;
  const read = () => {
    reading ??= ctx.retry(() => readInventory(ctx.rds, policy.sourceClusterId, before, ctx.where));
    return reading;
  };
  const key = leaseKey(policy.sourceClusterId);
  const underHold = async (
    state: LeaseState,
    hold: Hold,
  ): Promise<{ result: Started; state: LeaseState }> => {
    const outside = await read();
    const now = ctx.clock.now();
    const planWith = (inventory: Inventory) =>
      planProvision({
        inventory,
        request: policy,
        lease: state,
        refused,
        managerId: ctx.managerId,
        now,
        idSuffix,
      });
    // Read by id too: the clone a holder may have restored for this request while it was queued.
    const alsoRead = [...recentRestores(state, now).map((r) => r.clusterId), ...ownNames(policy, idSuffix)];
    let inventory = await ctx.retry(() =>
      refreshPool(ctx.rds, outside, policy.sourceClusterId, now, ctx.where, alsoRead),
    );
    let plan = planWith(inventory);
    if (plan.steps.some((s) => s.kind === 'copy')) {
      // A copy costs hours and money: decided on the whole account as it is now, in case another
      // request has just started one this one can share.
      inventory = await ctx.retry(() => readInventory(ctx.rds, policy.sourceClusterId, now, ctx.where));
      plan = planWith(inventory);
    }
    logPlan(ctx.logger, plan);
    try {
      await hold.sending(() => execution.apply(underLease(plan.steps), restoreGuard(hold)));
    } catch (err) {
      if (!(err instanceof RestoreRefusedError)) throw err;
      return {
        result: { plan, refusal: { sourceArn: refusedSource(plan.steps, err), why: errorMessage(err) } },
        state,
      };
    }
    const holderKey = policy.requestKey ?? idSuffix;
    const writers: Promise<void>[] = [];
    const served = await serveQueued(ctx, hold, { inventory, own: plan, taken: state, holderKey, now }, (b) =>
      writers.push(writerFor(ctx, b)),
    );
    return {
      result: { plan, restoredFor: served, writers: Promise.all(writers) },
      state: leaseAfterHold({
        taken: state,
        own: plan.lease ?? state,
        ownPlan: plan,
        served,
        holderKey,
        now,
      }),
    };
  };
  if (!queue) {
    await read();
    return withLease(key, leaseOptions(ctx), underHold);
  }
  const entry: QueuedRequest = {
    requestKey: policy.requestKey ?? idSuffix,
    ticket: randomUUID(),
    managerId: ctx.managerId,
    at: before.toISOString(),
    idSuffix,
    policy,
  };
  // It joins the lease's queue before it reads: a hold under way may restore its clone meanwhile.
  const outcome = await withLeaseOrServed(key, leaseOptions(ctx), entry, underHold, read);
  return 'served' in outcome ? { served: outcome.served, outside: await read() } : outcome.held;
}

/** The names this request's clone gets when nothing else has them. */
function ownNames(policy: ProvisionPolicy, idSuffix: string): string[] {
  return [wantedCloneName(clusterIdFromArn(policy.sourceClusterId), policy.clusterId, idSuffix)];
}

/** Looks at the queue a hold takes at most: the one it took the lease with, then while others join. */
const QUEUE_LOOKS = 6;

/**
 * Restores for the requests queued on the lease: those queued when it was taken, then, while others
 * want the lease too, those that joined meanwhile (a look at the item, one call), a few times at most.
 * A request that found the lease free and nobody queued looks no further: no call is added.
 */
async function serveQueued(
  ctx: EngineContext,
  hold: Hold,
  at: { inventory: Inventory; own: Plan; taken: LeaseState; holderKey: string; now: Date },
  restored: (b: QueuedPlan) => void,
): Promise<QueuedPlan[]> {
  const served: QueuedPlan[] = [];
  let seen = at.taken;
  for (let look = 1; ; look++) {
    const batch = planQueued({ ...at, taken: seen, before: served, managerId: ctx.managerId });
    if (batch.length)
      served.push(...(await hold.sending(() => restoreForQueued(ctx, batch, hold, restored))));
    const othersWait =
      hold.contended || batch.length > 0 || (seen.queued ?? []).some((q) => q.requestKey !== at.holderKey);
    if (look >= QUEUE_LOOKS || !othersWait || (look > 1 && batch.length === 0)) return served;
    seen = await hold.look();
  }
}

/** Most restores for queued requests in flight at once (AWS throttles bursts of control-plane calls). */
const QUEUED_RESTORES_AT_ONCE = 10;

/**
 * The restores of the queued requests' plans, each guarded like the holder's own; a restore that
 * fails leaves its request unserved (it plans for itself, and finds its clone by request key if the
 * restore went through after all). Returns the requests served.
 */
async function restoreForQueued(
  ctx: EngineContext,
  batch: QueuedPlan[],
  hold: Hold,
  restored: (b: QueuedPlan) => void,
): Promise<QueuedPlan[]> {
  ctx.logger.info('restoring for requests waiting for the lease, in the same hold', {
    requests: batch.map((b) => b.request.requestKey),
  });
  for (const b of batch) {
    ctx.logger.info('plan for a queued request', { requestKey: b.request.requestKey });
    logPlan(ctx.logger, b.plan);
  }
  const quiet = quietly(ctx);
  const guard = restoreGuard(hold);
  const done: QueuedPlan[] = [];
  let next = 0;
  const worker = async () => {
    while (next < batch.length) {
      const b = batch[next++] as QueuedPlan;
      try {
        await new Execution(quiet).apply(underLease(b.plan.steps), guard);
        done.push(b);
        restored(b);
      } catch (err) {
        ctx.logger.warn('could not restore for a queued request; it plans for itself', {
          requestKey: b.request.requestKey,
          error: errorMessage(err),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(QUEUED_RESTORES_AT_ONCE, batch.length) }, worker));
  return batch.filter((b) => done.includes(b));
}

/** Work done for queued requests: their progress is their waiters' to report, not this request's. */
function quietly(ctx: EngineContext): EngineContext {
  return { ...ctx, progress: () => {} };
}

/**
 * Makes the writer of a clone restored for a queued request, as soon as its restore returned: the
 * writer's minutes start then, not at the release. A failure is its waiter's to meet.
 */
async function writerFor(ctx: EngineContext, b: QueuedPlan): Promise<void> {
  const writer = b.plan.steps.filter((s) => s.kind === 'clone-writer');
  await new Execution(quietly(ctx)).apply(writer).catch((err: unknown) =>
    ctx.logger.warn('could not make the writer of a queued request; its waiter makes it', {
      requestKey: b.request.requestKey,
      error: errorMessage(err),
    }),
  );
}

/**
 * The plan of a request a holder served: its clone, found by request key, then what is left of it
 * (its writer, its wait). Undefined when the clone is not there (deleted meanwhile): plan again.
 */
async function servedPlan(
  ctx: EngineContext,
  policy: ProvisionPolicy,
  idSuffix: string,
  { served, outside }: Served,
): Promise<Plan | undefined> {
  const now = ctx.clock.now();
  ctx.progress({
    clusterId: served.clusterId,
    phase: 'clone',
    status: `restored by request ${served.by}, which held the lease`,
    stage: 'served',
  });
  const inventory = await ctx.retry(() => withClusterRead(ctx.rds, outside, served.clusterId, now));
  const plan = planProvision({
    inventory,
    request: policy,
    lease: { reservations: [] },
    managerId: ctx.managerId,
    now,
    idSuffix,
    served,
  });
  logPlan(ctx.logger, plan);
  if (plan.steps[0]?.kind === 'reuse' && !plan.steps.some((s) => s.underLease)) return plan;
  ctx.logger.warn('the clone restored for this request is not there; planning again', {
    clusterId: served.clusterId,
  });
  return undefined;
}

/**
 * While the request waits for a copy, it renews its reserved slot (under the lease) a few times per
 * DEFAULT_RESERVATION_TTL_MS, so the slot stays its own while it lives and lapses soon after it dies.
 */
function reservationKeeper(ctx: EngineContext, policy: ProvisionPolicy): () => Promise<void> {
  let renewedAt = ctx.clock.now().getTime();
  return async () => {
    const now = ctx.clock.now().getTime();
    if (now - renewedAt < DEFAULT_RESERVATION_TTL_MS / 3) return;
    renewedAt = now;
    try {
      await withLease(leaseKey(policy.sourceClusterId), leaseOptions(ctx), async (state) => {
        const at = new Date(ctx.clock.now().getTime() + DEFAULT_RESERVATION_TTL_MS).toISOString();
        const reservations = state.reservations.map((r) =>
          r.requestKey === policy.requestKey ? { ...r, expiresAt: at } : r,
        );
        return { result: undefined, state: { ...state, reservations } };
      });
    } catch (err) {
      // A renewal that fails is tried again at the next poll; the slot lapses only minutes later.
      renewedAt = now - DEFAULT_RESERVATION_TTL_MS / 3;
      ctx.logger.warn('could not renew the reserved slot; trying again at the next poll', {
        error: errorMessage(err),
      });
    }
  };
}

/**
 * Right before every restore: enough of the lease must be left that no other holder can have read the
 * same count meanwhile (a paused or slow holder goes round again: lease, read, plan).
 */
export function restoreGuard(hold: Hold): (step: Step) => void {
  return (step) => {
    if (step.kind !== 'clone' && step.kind !== 'copy') return;
    const left = hold.remainingMs();
    if (left < LEASE_SAFETY_MARGIN_MS) {
      throw new LeaseLostError(
        `the lease had ${Math.max(0, Math.round(left / 1000))} s left before restoring ${step.clusterId} (at least ${LEASE_SAFETY_MARGIN_MS / 1000} s needed): reading again`,
        { clusterId: step.clusterId },
      );
    }
  };
}

/** The leading steps the plan puts under the lease. */
export function underLease(steps: readonly Step[]): Step[] {
  const end = steps.findIndex((s) => !s.underLease);
  return steps.slice(0, end < 0 ? steps.length : end);
}

/** The steps after the leading ones, up to the next that needs the lease again. */
export function afterLease(steps: readonly Step[]): Step[] {
  const rest = steps.slice(underLease(steps).length);
  const end = rest.findIndex((s) => s.underLease);
  return rest.slice(0, end < 0 ? rest.length : end);
}

function needsLeaseAgain(steps: readonly Step[]): boolean {
  return underLease(steps).length + afterLease(steps).length < steps.length;
}

function refusedSource(steps: readonly Step[], err: RestoreRefusedError): string {
  const source = String(err.context.source ?? '');
  for (const s of steps) {
    if (s.kind === 'clone' && (s.sourceClusterId === source || s.sourceArn === source)) return s.sourceArn;
    if (s.kind === 'copy' && (s.rootClusterId === source || s.rootArn === source)) return s.rootArn;
  }
  return source;
}

function tooManyRefusals(policy: ProvisionPolicy, refused: Record<string, string>): SourcesRefusedError {
  const list = Object.entries(refused).map(([arn, why]) => `${clusterIdFromArn(arn)}: ${why}`);
  return new SourcesRefusedError(
    `gave up on a clone of ${policy.sourceClusterId} after ${list.length} refused restores: ${list.join('; ')}`,
    { clusterId: policy.sourceClusterId },
  );
}

/**
 * One warm clone for maintenance: a provision like any other (under the root's lease, counted like
 * any clone), tagged warm, expiring after warmCloneTtl, and never made by a full copy: without a
 * free slot it is left for the next run, once the copies being made are ready.
 */
export async function makeWarmClone(
  ctx: EngineContext,
  policy: MaintenancePolicy,
  clusterId: string,
): Promise<ProvisionResult> {
  const warm: ProvisionPolicy = {
    sourceClusterId: policy.clusterId,
    clusterId,
    requestKey: clusterId,
    maxClonesPerSource: policy.maxClonesPerSource,
    maxCopyAgeMs: policy.maxCopyAgeMs,
    copyOk: false,
    purgeObsoleteCopies: false,
    noFailOnExistingCluster: true,
    ttlMs: policy.warmCloneTtlMs,
    makeWarm: true,
    pauseWhenIdle: policy.pauseWhenIdle,
    ...(policy.warmCloneInstanceClass ? { instanceClass: policy.warmCloneInstanceClass } : {}),
  };
  return provision(ctx, warm, requestIdSuffix(ctx.clock.now(), clusterId));
}
