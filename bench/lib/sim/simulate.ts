// One policy over one demand trace, in virtual time. Every decision is the real planner's:
// planProvision for each request (with the lease's reservations, so requests that arrive while a
// copy is being made share it), planMaintenance for every scheduled or triggered run. Only
// the AWS side (lifecycles, the 15-clone rule) is simulated, by World.
import type { CloneStep, CopyStep, DeleteStep, Plan, Reservation } from '../../../src/model/plan.ts';
import type { MaintenancePolicy, ProvisionPolicy } from '../../../src/model/policy.ts';
import { planMaintenance } from '../../../src/planner/maintain.ts';
import { readPool } from '../../../src/planner/pool.ts';
import { planProvision } from '../../../src/planner/provision.ts';
import { EventQueue } from './queue.ts';
import type { Demand } from './trace.ts';
import { DURATIONS, World, type WorldEvent } from './world.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MANAGER = 'sim';
const MAX_COPY_AGE_MS = 3 * DAY;
const MAX_CLONES = 15;
/** The engine's default wait timeout, which is also how long a reservation holds a slot. */
const RESERVATION_MS = 3 * HOUR;

export interface Policy {
  name: string;
  /** How the policy works, for the benchmark's output. */
  explain: string[];
  /** Maintenance runs every `everyMs`, the first at `firstAtMs` after the start. */
  everyMs: number;
  firstAtMs: number;
  /** targetCloneSlots for a run at `now`, given the request times seen so far. */
  target(seen: readonly number[], now: number): number;
  /** Plan copies as of now + lookahead, so copies that will be obsolete by then are replaced in time. */
  lookaheadMs: number;
  /** After a provision, run maintenance at once when the free capacity is below this (0: never). */
  lowWater(target: number): number;
}

export const LEAD_TIME_MS = DURATIONS.fullCopyMs + DURATIONS.firstInstanceMs;

export function firstImplementationPolicy(target: number): Policy {
  return {
    name: 'A: first implementation',
    explain: [
      `A: maintenance once a day at 02:00 (rate(1 day)) to a fixed target of ${target} free slots; requests that find no slot make a full copy and wait for it`,
    ],
    everyMs: DAY,
    firstAtMs: 2 * HOUR,
    target: () => target,
    lookaheadMs: 0,
    lowWater: () => 0,
  };
}

export function tunedPolicy(baseTarget: number, margin: number, start: number): Policy {
  const every = HOUR;
  const window = LEAD_TIME_MS + every;
  return {
    name: 'B: ours, tuned',
    explain: [
      `B: maintenance every hour; target = ceil(${margin} × the most requests seen in the coming ${(window / HOUR).toFixed(1)} h of the clock on any of the last 7 days) — ${(window / HOUR).toFixed(1)} h being how long a copy started now takes to be cloneable (${(LEAD_TIME_MS / MINUTE).toFixed(0)} min) plus one maintenance interval; so the pool holds ahead of the morning what the daily CI burst will take, and shrinks its target in the evening and at night (${baseTarget}, as A, on the first day, with no history yet)`,
      `B: copies are planned as of now + ${(LEAD_TIME_MS / MINUTE).toFixed(0)} min (planMaintenance with a later now), so a copy about to pass maxCopyAge (3 days) is replaced before it stops counting, not after`,
      'B: after each provision, if free capacity fell below a third of the target, maintenance runs at once (top-up) instead of waiting for the next hour',
    ],
    everyMs: every,
    firstAtMs: 0,
    target: (seen, now) => {
      if (now - start < DAY) return baseTarget;
      let peak = 0;
      for (let d = 1; d <= 7; d++) {
        const lo = now - d * DAY;
        const hi = lo + window;
        let n = 0;
        for (const t of seen) if (t >= lo && t < hi) n++;
        peak = Math.max(peak, n);
      }
      return Math.ceil(margin * peak);
    },
    lookaheadMs: LEAD_TIME_MS,
    lowWater: (target) => Math.ceil(target / 3),
  };
}

interface Request {
  key: string;
  arrivedAt: number;
  holdMs: number;
  waitedForCopy: boolean;
  purged: boolean;
  cloneId?: string;
  usableAt?: number;
  failed?: string;
}

type SimEvent =
  | { kind: 'arrival'; request: Request }
  | { kind: 'release'; request: Request }
  | { kind: 'maintain' }
  | { kind: 'world'; event: WorldEvent };

export interface SimResult {
  policy: string;
  requests: number;
  usable: number;
  failed: string[];
  latenciesMs: number[];
  waitedForCopy: number;
  copiesMade: number;
  copyHours: number;
  cloneHours: number;
  maxClonesOnASource: number;
  accidentalFullCopies: number;
  refusedRestores: number;
  maintenanceRuns: number;
  topUps: number;
  targetMin: number;
  targetMax: number;
  events: number;
}

export function simulate(policy: Policy, demand: readonly Demand[], start: number, days: number): SimResult {
  const end = start + days * DAY;
  const queue = new EventQueue<SimEvent>();
  const world = new World((at, event) => queue.push(at, { kind: 'world', event }), MANAGER, start);
  const requests: Request[] = demand.map((d, i) => ({
    key: `req-${i}`,
    arrivedAt: d.at,
    holdMs: d.holdMs,
    waitedForCopy: false,
    purged: false,
  }));
  for (const r of requests) queue.push(r.arrivedAt, { kind: 'arrival', request: r });
  queue.push(start + policy.firstAtMs, { kind: 'maintain' });

  let reservations: Reservation[] = [];
  const waiters = new Map<string, Request[]>();
  const byClone = new Map<string, Request>();
  const seen: number[] = [];
  let seq = 0;
  let maintenanceRuns = 0;
  let topUps = 0;
  let target = policy.target(seen, start);
  let targetMin = target;
  let targetMax = target;
  const suffix = () => `s${(seq++).toString(36)}`;

  const provisionPolicy: ProvisionPolicy = {
    sourceClusterId: 'prod',
    maxClonesPerSource: MAX_CLONES,
    maxCopyAgeMs: MAX_COPY_AGE_MS,
    copyOk: true,
    purgeObsoleteCopies: true,
    noFailOnExistingCluster: false,
  };

  const runDeletes = (plan: Plan, now: number) => {
    for (const s of plan.steps) if (s.kind === 'delete') world.delete((s as DeleteStep).clusterId, now);
  };

  const maintain = (now: number) => {
    maintenanceRuns++;
    target = policy.target(seen, now);
    targetMin = Math.min(targetMin, target);
    targetMax = Math.max(targetMax, target);
    const mp: MaintenancePolicy = {
      clusterId: 'prod',
      targetCloneSlots: target,
      maxClonesPerSource: MAX_CLONES,
      maxCopyAgeMs: MAX_COPY_AGE_MS,
      purgeObsoleteCopies: true,
      deleteExpiredClones: true,
    };
    const inventory = world.inventory(now);
    const plan = planMaintenance({
      inventory,
      policy: mp,
      managerId: MANAGER,
      now: new Date(now),
      idSuffix: suffix(),
    });
    runDeletes(plan, now);
    let copies = plan.steps.filter((s): s is CopyStep => s.kind === 'copy');
    if (policy.lookaheadMs > 0) {
      const ahead = planMaintenance({
        inventory: world.inventory(now),
        policy: { ...mp, purgeObsoleteCopies: false, deleteExpiredClones: false },
        managerId: MANAGER,
        now: new Date(now + policy.lookaheadMs),
        idSuffix: suffix(),
      });
      const aheadCopies = ahead.steps.filter((s): s is CopyStep => s.kind === 'copy');
      if (aheadCopies.length > copies.length) copies = aheadCopies;
    }
    for (const step of copies) world.restoreCopy(step, now);
  };

  const freeCapacity = (now: number) =>
    readPool(world.inventory(now), 'prod', {
      managerId: MANAGER,
      now: new Date(now),
      maxClonesPerSource: MAX_CLONES,
      maxCopyAgeMs: MAX_COPY_AGE_MS,
    }).freeCapacity;

  // One request at a time (as under the lease): the planner's plan, its lease state kept.
  const handle = (r: Request, now: number) => {
    let plan: Plan;
    try {
      plan = planProvision({
        inventory: world.inventory(now),
        request: { ...provisionPolicy, requestKey: r.key },
        lease: { reservations },
        managerId: MANAGER,
        now: new Date(now),
        idSuffix: suffix(),
        reservationTtlMs: RESERVATION_MS,
      });
    } catch (err) {
      r.failed = (err as Error).message;
      return;
    }
    if (!r.purged) {
      r.purged = true;
      runDeletes(plan, now);
    }
    const copy = plan.steps.find((s): s is CopyStep => s.kind === 'copy');
    const waitCopy = plan.steps.find((s) => s.kind === 'wait-copy');
    const clone = plan.steps.find((s): s is CloneStep => s.kind === 'clone');
    if (!clone) {
      r.failed = 'the plan has no clone step';
      return;
    }
    if (!waitCopy) {
      const done = world.restoreClone(clone, r.key, now);
      if ('refused' in done) {
        r.failed = `restore refused: ${done.refused}`;
        return;
      }
      reservations = plan.lease?.reservations ?? reservations;
      r.cloneId = clone.clusterId;
      byClone.set(clone.clusterId, r);
      if (policy.lowWater(target) > 0 && freeCapacity(now) < policy.lowWater(target)) {
        topUps++;
        maintain(now);
      }
      return;
    }
    r.waitedForCopy = true;
    if (copy) world.restoreCopy(copy, now);
    reservations = plan.lease?.reservations ?? reservations;
    waiters.set(waitCopy.clusterId, [...(waiters.get(waitCopy.clusterId) ?? []), r]);
  };

  let events = 0;
  for (let e = queue.pop(); e && events < 5_000_000; e = queue.pop()) {
    events++;
    const now = e.at;
    const ev = e.event;
    switch (ev.kind) {
      case 'arrival':
        seen.push(now);
        handle(ev.request, now);
        break;
      case 'release':
        if (ev.request.cloneId) world.delete(ev.request.cloneId, now);
        break;
      case 'maintain':
        maintain(now);
        if (now + policy.everyMs < end) queue.push(now + policy.everyMs, { kind: 'maintain' });
        break;
      case 'world': {
        const usable = world.apply(ev.event, now);
        if (!usable) break;
        const r = byClone.get(usable);
        if (r && r.usableAt === undefined) {
          r.usableAt = now;
          queue.push(now + r.holdMs, { kind: 'release', request: r });
        }
        const waiting = waiters.get(usable);
        if (waiting) {
          waiters.delete(usable);
          for (const w of waiting) handle(w, now);
        }
      }
    }
  }
  // Requests still waiting when the agenda ran dry never got a clone: report them.
  for (const r of requests) if (r.usableAt === undefined && !r.failed) r.failed = 'never became usable';

  const latencies = requests
    .filter((r) => r.usableAt !== undefined)
    .map((r) => (r.usableAt ?? 0) - r.arrivedAt)
    .sort((a, b) => a - b);
  return {
    policy: policy.name,
    requests: requests.length,
    usable: latencies.length,
    failed: requests.filter((r) => r.failed).map((r) => `${r.key}: ${r.failed}`),
    latenciesMs: latencies,
    waitedForCopy: requests.filter((r) => r.waitedForCopy).length,
    copiesMade: world.count('copy', start, end + DAY),
    copyHours: world.hours('copy', start, end),
    cloneHours: world.hours('clone', start, end),
    maxClonesOnASource: world.maxClonesOnASource,
    accidentalFullCopies: world.accidentalFullCopies,
    refusedRestores: world.refusedRestores,
    maintenanceRuns,
    topUps,
    targetMin,
    targetMax,
    events,
  };
}
