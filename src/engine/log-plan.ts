// What --verbose (and a Lambda at LogLevel info) shows of each decision: every plan the engine makes,
// source by source and step by step, each with the planner's reason.
import type { Plan } from '../model/plan.ts';
import type { Logger } from '../util/log.ts';

export function logPlan(logger: Logger, plan: Plan): void {
  logger.info('plan', { operation: plan.operation, root: plan.rootClusterId, steps: plan.steps.length });
  for (const s of plan.sources) {
    logger.info('source assessed', {
      source: s.clusterId,
      kind: s.kind,
      status: s.status,
      used: s.used,
      free: s.free,
      ...(s.skipped ? { skipped: s.skipped } : {}),
    });
  }
  for (const step of plan.steps) {
    logger.info(`step ${step.kind}`, {
      cluster: 'clusterId' in step ? step.clusterId : undefined,
      reason: step.reason,
      ...(step.underLease ? { underLease: true } : {}),
    });
  }
  for (const note of plan.notes) logger.info('plan note', { note });
}
