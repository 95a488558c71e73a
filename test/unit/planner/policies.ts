// Request and policy values for planner tests: the product's defaults, resolved, with overrides.
import type { LeaseState } from '../../../src/model/plan.ts';
import type { MaintenancePolicy, ProvisionPolicy } from '../../../src/model/policy.ts';
import { startCounting } from '../../../src/planner/demand.ts';
import { daysAgo } from '../../helpers/builders.ts';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export function provisionPolicy(overrides: Partial<ProvisionPolicy> = {}): ProvisionPolicy {
  return {
    sourceClusterId: 'prod',
    maxClonesPerSource: 15,
    maxCopyAgeMs: 3 * DAY_MS,
    copyOk: true,
    purgeObsoleteCopies: true,
    noFailOnExistingCluster: false,
    ...overrides,
  };
}

export function maintenancePolicy(overrides: Partial<MaintenancePolicy> = {}): MaintenancePolicy {
  const targetCloneSlots = overrides.targetCloneSlots ?? 30;
  return {
    clusterId: 'prod',
    targetCloneSlots,
    maxClonesPerSource: 15,
    maxCopyAgeMs: 3 * DAY_MS,
    purgeObsoleteCopies: true,
    deleteExpiredClones: true,
    maxCloneSlots: Math.max(targetCloneSlots, 45),
    demandWindowMs: 3 * HOUR_MS,
    lowWaterSlots: 5,
    warmClones: 0,
    warmCloneTtlMs: 12 * HOUR_MS,
    pauseWhenIdle: false,
    ...overrides,
  };
}

/** The lease state of a source whose demand has been counted for weeks, with no request lately. */
export const SETTLED: LeaseState = { reservations: [], demand: startCounting(undefined, daysAgo(30)) ?? {} };
