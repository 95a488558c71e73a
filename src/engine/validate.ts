// The library's own edge: every request field checked and named before anything is read or created.
// The CLI and the Lambda validate their raw input first; this catches callers of the library itself.

import type { ProvisionRequest } from '../model/api.ts';
import type { ProvisionPolicy } from '../model/policy.ts';
import { parseInstant } from '../util/duration.ts';
import { ValidationError, ValidationErrors } from '../util/errors.ts';
import { identifierProblem } from '../util/identifiers.ts';
import { durationMs, type EngineContext, maxClones } from './context.ts';

export interface ValidProvision {
  policy: ProvisionPolicy;
  ttlMs?: number;
}

function collect(errors: ValidationError[], fn: () => void) {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) errors.push(err);
    else throw err;
  }
}

export function validateProvision(req: ProvisionRequest, ctx: EngineContext): ValidProvision {
  const errors: ValidationError[] = [];
  const idField = (field: string, value: string | undefined, required = false) => {
    if (value === undefined || value === '') {
      if (required) errors.push(new ValidationError(field, 'is required'));
      return;
    }
    const problem = identifierProblem(
      value.startsWith('arn:') && field === 'sourceClusterId' ? (value.split(':').pop() ?? '') : value,
    );
    if (problem) errors.push(new ValidationError(field, `"${value}" ${problem}`));
  };
  idField('sourceClusterId', req.sourceClusterId, true);
  idField('clusterId', req.clusterId);
  if (req.dbSubnetGroupName !== undefined && !/^[A-Za-z0-9 ._-]{1,255}$/.test(req.dbSubnetGroupName)) {
    errors.push(
      new ValidationError('dbSubnetGroupName', `"${req.dbSubnetGroupName}" is not a DB subnet group name`),
    );
  }
  for (const [i, sg] of (req.vpcSecurityGroupIds ?? []).entries()) {
    if (!/^sg-[0-9a-f]{8,17}$/.test(sg))
      errors.push(
        new ValidationError(`vpcSecurityGroupIds[${i}]`, `"${sg}" is not a security group id (sg-…)`),
      );
  }
  if (req.instanceClass !== undefined && !/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(req.instanceClass)) {
    errors.push(
      new ValidationError(
        'instanceClass',
        `"${req.instanceClass}" is not a DB instance class (like db.r6g.large)`,
      ),
    );
  }
  let maxCopyAgeMs = ctx.maxCopyAgeMs;
  if (req.maxCopyAge !== undefined)
    collect(errors, () => (maxCopyAgeMs = durationMs(req.maxCopyAge, 'maxCopyAge', '')));
  let maxPerSource = ctx.maxClonesPerSource;
  if (req.maxClonesPerSource !== undefined)
    collect(errors, () => (maxPerSource = maxClones(req.maxClonesPerSource)));
  let since: Date | undefined;
  if (req.copyCreatedSince !== undefined) {
    since = req.copyCreatedSince instanceof Date ? req.copyCreatedSince : parseInstant(req.copyCreatedSince);
    if (!since || Number.isNaN(since.getTime())) {
      errors.push(
        new ValidationError(
          'copyCreatedSince',
          `"${String(req.copyCreatedSince)}" is not an ISO-8601 date or time`,
        ),
      );
    }
  }
  let ttlMs: number | undefined;
  if (req.ttl !== undefined) collect(errors, () => (ttlMs = durationMs(req.ttl, 'ttl', '')));
  for (const [k, v] of Object.entries(req.tags ?? {})) {
    if (k.length === 0 || k.length > 128 || k.startsWith('aws:')) {
      errors.push(
        new ValidationError(`tags.${k}`, 'tag keys are 1–128 characters and may not start with aws:'),
      );
    } else if (typeof v !== 'string' || v.length > 256) {
      errors.push(new ValidationError(`tags.${k}`, 'tag values are strings of at most 256 characters'));
    }
  }
  if (req.requestKey !== undefined && !/^[A-Za-z0-9._:/=+@-]{1,256}$/.test(req.requestKey)) {
    errors.push(new ValidationError('requestKey', 'must be 1–256 letters, digits or ._:/=+@-'));
  }
  if (req.password?.setPassword && req.password.manageMasterUserPassword) {
    errors.push(
      new ValidationError('password', 'setPassword and manageMasterUserPassword cannot both be true'),
    );
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ValidationErrors(errors);
  const policy: ProvisionPolicy = {
    sourceClusterId: req.sourceClusterId.startsWith('arn:')
      ? req.sourceClusterId
      : req.sourceClusterId.toLowerCase(),
    maxClonesPerSource: maxPerSource,
    maxCopyAgeMs,
    copyOk: req.copyOk ?? true,
    purgeObsoleteCopies: req.purgeObsoleteCopies ?? true,
    noFailOnExistingCluster: req.noFailOnExistingCluster ?? false,
  };
  if (req.clusterId) policy.clusterId = req.clusterId.toLowerCase();
  if (req.instanceClass) policy.instanceClass = req.instanceClass;
  if (since) policy.copyCreatedSince = since;
  if (req.requestKey) policy.requestKey = req.requestKey;
  if (req.owner) policy.owner = req.owner;
  if (ttlMs !== undefined) policy.ttlMs = ttlMs;
  if (req.tags && Object.keys(req.tags).length > 0) policy.tags = { ...req.tags };
  if (req.dbSubnetGroupName) policy.dbSubnetGroupName = req.dbSubnetGroupName;
  if (req.vpcSecurityGroupIds?.length) policy.vpcSecurityGroupIds = [...req.vpcSecurityGroupIds];
  if (req.dbClusterParameterGroupName) policy.dbClusterParameterGroupName = req.dbClusterParameterGroupName;
  if (req.dbParameterGroupName) policy.dbParameterGroupName = req.dbParameterGroupName;
  if (req.password && (req.password.setPassword || req.password.manageMasterUserPassword))
    policy.password = { ...req.password };
  if (req.wait) policy.wait = true;
  if (req.waitForCopy === false) policy.waitForCopy = false;
  return ttlMs === undefined ? { policy } : { policy, ttlMs };
}
