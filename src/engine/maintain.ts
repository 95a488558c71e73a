// maintainPool: per source, independently (one failing source does not stop the others): delete
// expired clones, purge obsolete copies, then make enough copies to reach the target free capacity.
import { createCopyWriter, restoreCopy } from '../executor/apply.ts';
import { readInventory } from '../inventory/read.ts';
import { withLease } from '../lease/with-lease.ts';
import type { MaintenanceReport, MaintenanceSource, ManagerOptions } from '../model/api.ts';
import type { CopyStep, DeleteStep, Plan } from '../model/plan.ts';
import { planMaintenance, resolveMaintenancePolicy } from '../planner/maintain.ts';
import { AcmError, errorMessage, ValidationError } from '../util/errors.ts';
import { identifierProblem } from '../util/identifiers.ts';
import { type EngineContext, engineContext } from './context.ts';
import { deleteManagedCluster } from './delete.ts';
import { cleanupPassword } from './password.ts';
import { passwordServices } from './password-flow.ts';
import { leaseKey } from './provision.ts';

export async function maintainPool(
  sources: MaintenanceSource[],
  options: ManagerOptions = {},
): Promise<MaintenanceReport[]> {
  if (!Array.isArray(sources)) throw new ValidationError('sources', 'must be a list of maintenance entries');
  const allDry = sources.every((s) => s.dryRun);
  const ctx = await engineContext(allDry ? { ...options, leaseTable: false } : options);
  const reports: MaintenanceReport[] = [];
  for (const [i, source] of sources.entries()) {
    reports.push(await maintainOne(ctx, source, `sources[${i}]`));
  }
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
  try {
    const problem = identifierProblem(String(source?.clusterId ?? ''));
    if (problem) throw new ValidationError(`${path}.clusterId`, `"${String(source?.clusterId)}" ${problem}`);
    const policy = resolveMaintenancePolicy(
      source,
      { maxClonesPerSource: ctx.maxClonesPerSource, maxCopyAgeMs: ctx.maxCopyAgeMs },
      path,
    );
    const planFor = async () => {
      const now = ctx.clock.now();
      const inventory = await ctx.retry(() => readInventory(ctx.rds, policy.clusterId, now));
      return { inventory, plan: planMaintenance({ inventory, policy, managerId: ctx.managerId, now }), now };
    };
    if (source.dryRun) {
      const { plan } = await planFor();
      return finish(report, plan);
    }
    // Copies are made under the lease: a provision running now must see them, and two maintenance
    // runs must not both fill the same deficit.
    const { plan, inventory, copies } = await withLease(
      leaseKey(policy.clusterId),
      { store: ctx.leases, clock: ctx.clock, logger: ctx.logger },
      async (state) => {
        const { inventory, plan, now } = await planFor();
        const root = inventory.clusters.find((c) => c.id === plan.rootClusterId);
        const copies: { step: CopyStep; engine: string; dataTimestamp: Date }[] = [];
        for (const step of plan.steps) {
          if (step.kind !== 'copy' || !root) continue;
          await ctx.retry(() => restoreCopy(ctx.rds, step, root, ctx.managerId, now));
          copies.push({ step, engine: root.engine, dataTimestamp: now });
          report.created.push(step.clusterId);
        }
        return { result: { plan, inventory, copies }, state };
      },
    );
    for (const { step, engine, dataTimestamp } of copies) {
      await createCopyWriter(ctx.rds, step, { engine, managerId: ctx.managerId, dataTimestamp }, ctx.retry);
    }
    const failures: string[] = [];
    for (const step of plan.steps.filter((s): s is DeleteStep => s.kind === 'delete')) {
      try {
        await deleteManagedCluster(ctx, step, { wait: false });
        const managed = inventory.clusters.find((c) => c.arn === step.arn)?.managed;
        if (managed) await cleanupPassword(managed, passwordServices(ctx));
        report.deleted.push(step.clusterId);
      } catch (err) {
        failures.push(`${step.clusterId}: ${errorMessage(err)}`);
      }
    }
    finish(report, plan);
    if (failures.length)
      throw new AcmError(`some deletions failed: ${failures.join('; ')}`, { clusterId: policy.clusterId });
    return report;
  } catch (err) {
    report.ok = false;
    report.error = errorMessage(err);
    ctx.logger.error('maintenance failed for a source', { clusterId: report.clusterId, error: report.error });
    return report;
  }
}

function finish(report: MaintenanceReport, plan: Plan): MaintenanceReport {
  report.ok = true;
  report.plan = plan;
  if (plan.capacityBefore !== undefined) report.capacityBefore = plan.capacityBefore;
  if (plan.capacityAfter !== undefined) report.capacityAfter = plan.capacityAfter;
  return report;
}
