// The library's own edge: every request field checked and named before anything is read or created.
// The rules live in src/validation; the CLI and the Lambda run them first with their own field names.

import type { ProvisionRequest } from '../model/api.ts';
import type { ProvisionPolicy } from '../model/policy.ts';
import { type PoolDefaults, validateProvision as validateRequest } from '../validation/index.ts';

export {
  validateDeleteRequest,
  validateMaintenanceSource,
  validateManagerOptions,
} from '../validation/index.ts';

export interface ValidProvision {
  policy: ProvisionPolicy;
  ttlMs?: number;
}

/** The request as the planner's policy, named with the library's field names; ttlMs also on its own. */
export function validateProvision(req: ProvisionRequest, ctx: PoolDefaults): ValidProvision {
  const policy = validateRequest(req, {
    maxClonesPerSource: ctx.maxClonesPerSource,
    maxCopyAgeMs: ctx.maxCopyAgeMs,
  });
  return policy.ttlMs === undefined ? { policy } : { policy, ttlMs: policy.ttlMs };
}
