// maintainPool: per source, independently (one failing source does not stop the others):
// lease → read → plan → apply the copies (each with its writer) under the lease → apply the
// deletions after it → report.
import { Execution } from '../executor/apply.ts';
import { readInventory } from '../inventory/read.ts';
import { withLease } from '../lease/with-lease.ts';
import type { MaintenanceReport, MaintenanceSource, ManagerOptions } from '../model/api.ts';
import type { LeaseState, Plan } from '../model/plan.ts';
import type { MaintenancePolicy } from '../model/policy.ts';
import { planMaintenance } from '../planner/maintain.ts';
import { requestIdSuffix } from '../planner/names.ts';
import { AcmError, errorMessage, NoCapacityError, ValidationError } from '../util/errors.ts';
import { joinIdentifier } from '../util/identifiers.ts';
import { validateMaintenanceSource } from '../validation/index.ts';
import { type EngineContext, engineContext } from './context.ts';
import { leaseKey, leaseOptions } from './lease.ts';
import { logPlan } from './log-plan.ts';
import { afterLease, makeWarmClone, restoreGuard, underLease } from './provision.ts';

export async function maintainPool(
  sources: MaintenanceSource[],
  options: ManagerOptions = {},
): Promise<MaintenanceReport[]> {
  if (!Array.isArray(sources)) throw new ValidationError('sources', 'must be a list of maintenance entries');
  const allDry = sources.every((s) => s?.dryRun);
  const ctx = await engineContext(options, allDry ? 'read' : 'take');
  const reports: MaintenanceReport[] = [];
  for (const [i, source] of sources.entries()) reports.push(await maintainOne(ctx, source, `sources[${i}]`));
  return reports;
}

async function maintainOne(
  ctx: EngineContext,
  source: MaintenanceSource,
  path: string,
): Promise<MaintenanceReport> {
  const report: MaintenanceReport = {
    clusterId: source?.clusterId ?? '',
    ok: false,
    dryRun: source?.dryRun ?? false,
    created: [],
    deleted: [],
  };
  const execution = new Execution(ctx);
  try {
    const policy = validateMaintenanceSource(source, ctx, path);
    if (source.dryRun) {
      const lease = await ctx.leases.peek(leaseKey(policy.clusterId)).catch(() => ({ reservations: [] }));
      return finish(report, await plan(ctx, policy, lease));
    }
    const made = await withLease(leaseKey(policy.clusterId), leaseOptions(ctx), async (state, hold) => {
      const p = await plan(ctx, policy, state);
      await hold.sending(() => execution.apply(underLease(p.steps), restoreGuard(hold)));
      return { result: p, state: p.lease ?? state };
    });
    await execution.apply(afterLease(made.steps));
    finish(report, made);
    if (made.warmToMake) await makeWarmClones(ctx, policy, made.warmToMake, report);
    const failures = execution.applied.filter((a) => a.error).map((a) => `${a.step.clusterId}: ${a.error}`);
    if (failures.length)
      throw new AcmError(`some deletions failed: ${failures.join('; ')}`, { clusterId: policy.clusterId });
    return report;
  } catch (err) {
    report.ok = false;
    report.error = errorMessage(err);
    ctx.logger.error('maintenance failed for a source', { clusterId: report.clusterId, error: report.error });
    return report;
  } finally {
    // What was done is reported whether or not the rest went well.
    // A copy counts as made once its writer is (a copy whose writer failed was removed again).
    const restored = new Set(
      execution.applied.filter((a) => a.step.kind === 'copy').map((a) => a.step.clusterId),
    );
    for (const a of execution.applied) {
      if (a.step.kind === 'copy-writer' && restored.has(a.step.clusterId))
        report.created.push(a.step.clusterId);
      if (a.step.kind === 'delete' && !a.error && !a.deleted?.kept) report.deleted.push(a.step.clusterId);
    }
  }
}

async function plan(ctx: EngineContext, policy: MaintenancePolicy, lease: LeaseState): Promise<Plan> {
  const now = ctx.clock.now();
  const inventory = await ctx.retry(() => readInventory(ctx.rds, policy.clusterId, now, ctx.where));
  // Two deployments maintaining the same source in the same second still name their copies apart.
  const made = planMaintenance({
    inventory,
    policy,
    lease,
    managerId: ctx.managerId,
    now,
    idSuffix: requestIdSuffix(now),
  });
  logPlan(ctx.logger, made);
  return made;
}

function finish(report: MaintenanceReport, plan: Plan): MaintenanceReport {
  report.ok = true;
  report.plan = plan;
  if (plan.capacityBefore !== undefined) report.capacityBefore = plan.capacityBefore;
  if (plan.capacityAfter !== undefined) report.capacityAfter = plan.capacityAfter;
  return report;
}

/** Makes the warm clones the plan asks for, one provision each; stops at the first that finds no slot. */
async function makeWarmClones(
  ctx: EngineContext,
  policy: MaintenancePolicy,
  count: number,
  report: MaintenanceReport,
): Promise<void> {
  const suffix = requestIdSuffix(ctx.clock.now());
  report.warmMade = [];
  for (let i = 1; i <= count; i++) {
    try {
      const made = await makeWarmClone(ctx, policy, joinIdentifier(policy.clusterId, `warm-${suffix}-${i}`));
      report.warmMade.push(made.clusterId);
    } catch (err) {
      if (!(err instanceof NoCapacityError)) throw err;
      report.warmNotMade = `${count - i + 1} of ${count} not made yet: ${errorMessage(err)}`;
      ctx.logger.info('warm clones wait for free slots', {
        clusterId: policy.clusterId,
        notMade: count - i + 1,
      });
      return;
    }
  }
}
