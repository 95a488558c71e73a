// Request and policy values for planner tests: the product's defaults, resolved, with overrides.
import type { MaintenancePolicy, ProvisionPolicy } from '../../../src/model/policy.ts';

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
  return {
    clusterId: 'prod',
    targetCloneSlots: 30,
    maxClonesPerSource: 15,
    maxCopyAgeMs: 3 * DAY_MS,
    purgeObsoleteCopies: true,
    deleteExpiredClones: true,
    ...overrides,
  };
}
