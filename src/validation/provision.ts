// One provision request, from any edge, into the ProvisionPolicy the planner takes: every field by
// its rule, every problem collected in one pass and named as the edge's user wrote it.
import type { ProvisionRequest } from '../model/api.ts';
import type { ProvisionPolicy } from '../model/policy.ts';
import { ValidationError } from '../util/errors.ts';
import type { PoolDefaults } from './defaults.ts';
import { checkDuration } from './durations.ts';
import { type FieldKey, type FieldNames, namer } from './fields.ts';
import {
  checkClusterId,
  checkClusterIdOrArn,
  checkParameterGroupName,
  checkSecurityGroupIds,
  checkSubnetGroupName,
  clusterIdOf,
} from './identifiers.ts';
import { checkInstanceClass } from './instance-class.ts';
import { checkInstant } from './instants.ts';
import { checkMaxClonesPerSource } from './numbers.ts';
import { fieldReader, type KnownKeys } from './objects.ts';
import { checkPasswordRequest } from './password.ts';
import { Problems } from './problems.ts';
import { booleanValue } from './raw.ts';
import { checkOwner, checkRequestKey, checkTags } from './tags.ts';

const REQUEST_KEYS: KnownKeys<ProvisionRequest> = {
  sourceClusterId: true,
  clusterId: true,
  instanceClass: true,
  maxCopyAge: true,
  maxClonesPerSource: true,
  copyCreatedSince: true,
  copyOk: true,
  purgeObsoleteCopies: true,
  noFailOnExistingCluster: true,
  tags: true,
  ttl: true,
  owner: true,
  requestKey: true,
  dbSubnetGroupName: true,
  vpcSecurityGroupIds: true,
  dbClusterParameterGroupName: true,
  dbParameterGroupName: true,
  password: true,
  wait: true,
  waitForCopy: true,
  dryRun: true,
};

/**
 * Validates a provision request and applies `defaults`. Throws ValidationError (one problem) or
 * ValidationErrors (several); `fields` names the fields as the calling edge's user wrote them.
 */
export function validateProvision(
  req: ProvisionRequest,
  defaults: PoolDefaults,
  fields: FieldNames = {},
): ProvisionPolicy {
  const name = namer(fields);
  const problems = new Problems();
  const take = fieldReader(req, 'request', REQUEST_KEYS, (key) => name(key as FieldKey), problems);
  const source = take('sourceClusterId', checkClusterIdOrArn, true);
  const clusterId = take('clusterId', checkClusterId);
  if (source !== undefined && clusterId !== undefined) {
    if (clusterId.toLowerCase() === clusterIdOf(source).toLowerCase()) {
      problems.add(name('clusterId'), `must differ from ${name('sourceClusterId')}`);
    }
  }
  const instanceClass = take('instanceClass', checkInstanceClass);
  const maxCopyAgeMs = take('maxCopyAge', checkDuration);
  const maxClonesPerSource = take('maxClonesPerSource', checkMaxClonesPerSource);
  const copyCreatedSince = take('copyCreatedSince', (v, field) => {
    const since = checkInstant(v, field);
    const now = defaults.now ?? new Date();
    // Not even a copy made now would have data after it: refuse before anything is planned.
    if (since.getTime() >= now.getTime()) {
      throw new ValidationError(
        field,
        `${since.toISOString()} is not in the past (now ${now.toISOString()})`,
      );
    }
    return since;
  });
  const copyOk = take('copyOk', booleanValue);
  const purgeObsoleteCopies = take('purgeObsoleteCopies', booleanValue);
  const noFailOnExistingCluster = take('noFailOnExistingCluster', booleanValue);
  const tags = take('tags', checkTags);
  const ttlMs = take('ttl', checkDuration);
  const owner = take('owner', checkOwner);
  const requestKey = take('requestKey', checkRequestKey);
  const dbSubnetGroupName = take('dbSubnetGroupName', checkSubnetGroupName);
  const vpcSecurityGroupIds = take('vpcSecurityGroupIds', checkSecurityGroupIds);
  const dbClusterParameterGroupName = take('dbClusterParameterGroupName', checkParameterGroupName);
  const dbParameterGroupName = take('dbParameterGroupName', checkParameterGroupName);
  const password = take('password', (value) => checkPasswordRequest(value, name, problems));
  const wait = take('wait', booleanValue);
  const waitForCopy = take('waitForCopy', booleanValue);
  take('dryRun', booleanValue);
  problems.throwIfAny();

  const policy: ProvisionPolicy = {
    sourceClusterId: source!.startsWith('arn:') ? source! : source!.toLowerCase(),
    maxClonesPerSource: maxClonesPerSource ?? defaults.maxClonesPerSource,
    maxCopyAgeMs: maxCopyAgeMs ?? defaults.maxCopyAgeMs,
    copyOk: copyOk ?? true,
    purgeObsoleteCopies: purgeObsoleteCopies ?? true,
    noFailOnExistingCluster: noFailOnExistingCluster ?? false,
  };
  if (clusterId !== undefined) policy.clusterId = clusterId.toLowerCase();
  if (instanceClass !== undefined) policy.instanceClass = instanceClass;
  if (copyCreatedSince !== undefined) policy.copyCreatedSince = copyCreatedSince;
  if (requestKey !== undefined) policy.requestKey = requestKey;
  if (owner !== undefined) policy.owner = owner;
  if (ttlMs !== undefined) policy.ttlMs = ttlMs;
  if (tags !== undefined && Object.keys(tags).length > 0) policy.tags = tags;
  if (dbSubnetGroupName !== undefined) policy.dbSubnetGroupName = dbSubnetGroupName;
  if (vpcSecurityGroupIds?.length) policy.vpcSecurityGroupIds = vpcSecurityGroupIds;
  if (dbClusterParameterGroupName !== undefined)
    policy.dbClusterParameterGroupName = dbClusterParameterGroupName;
  if (dbParameterGroupName !== undefined) policy.dbParameterGroupName = dbParameterGroupName;
  if (password && (password.setPassword || password.manageMasterUserPassword)) policy.password = password;
  if (wait) policy.wait = true;
  if (waitForCopy === false) policy.waitForCopy = false;
  return policy;
}
