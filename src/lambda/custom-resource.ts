// Custom::AuroraClone: Create provisions a clone, Update keeps or replaces it, Delete removes it.
// Every request is answered exactly once through answerSafely; waiting for the clone may continue
// in later invocations (continuation.ts).
import { createHash } from 'node:crypto';
import type { ProvisionRequest } from '../model/api.ts';
import { ValidationError } from '../util/errors.ts';
import type { CfnRequest } from './cfn-response.ts';
import { dataFromClone, isClusterArn } from './clone-data.ts';
import type { LambdaContext } from './context.ts';
import {
  type ContinuationState,
  deadlineFor,
  discardAtTimeout,
  drive,
  driveOrDiscard,
  failureId,
  handOff,
  RunControl,
} from './continuation.ts';
import type { Deps } from './deps.ts';
import type { LambdaEnv } from './env.ts';
import { LEASE_TABLE_TYPE, leaseTableResource } from './lease-table-resource.ts';
import { ANSWER_ONLY, type CloneProperties, changedProperties, parseProperties } from './properties.ts';
import { answerSafely, type Budget, quietLogger, reasonFor, type WorkResult } from './safe-handler.ts';

/** CloudFormation's generic type for custom resources, accepted besides the configured one. */
const GENERIC_TYPE = 'AWS::CloudFormation::CustomResource';

/** Physical id of a Create that failed before any clone existed: the Delete that follows touches nothing. */
export function failedCreateId(req: CfnRequest): string {
  return `${FAILED_CREATE}${req.RequestId}`;
}

const FAILED_CREATE = 'aurora-clone-manager:create-failed:';

/** The RequestId of the Create that failedCreateId marked, or undefined for any other physical id. */
function failedCreateRequestId(physicalId: string): string | undefined {
  return physicalId.startsWith(FAILED_CREATE)
    ? physicalId.slice(FAILED_CREATE.length) || undefined
    : undefined;
}

/** The same for every delivery of one request, different for every request (Updates included). */
export function requestKeyOf(req: CfnRequest): string {
  const h = createHash('sha256')
    .update(`${req.StackId}\n${req.LogicalResourceId}\n${req.RequestId}`)
    .digest('hex');
  return `cfn-${h.slice(0, 40)}`;
}

export function toProvisionRequest(
  props: CloneProperties,
  env: LambdaEnv,
  extra: { requestKey: string; owner: string; noFailOnExistingCluster?: boolean },
): ProvisionRequest {
  const out: ProvisionRequest = {
    sourceClusterId: props.sourceClusterId,
    requestKey: extra.requestKey,
    owner: extra.owner,
  };
  if (props.clusterId !== undefined) out.clusterId = props.clusterId;
  if (props.instanceClass !== undefined) out.instanceClass = props.instanceClass;
  const maxCopyAge = props.maxCopyAge ?? env.maxCopyAge;
  if (maxCopyAge !== undefined) out.maxCopyAge = maxCopyAge;
  const maxClones = props.maxClonesPerSource ?? env.maxClonesPerSource;
  if (maxClones !== undefined) out.maxClonesPerSource = maxClones;
  if (props.copyCreatedSince) out.copyCreatedSince = props.copyCreatedSince.toISOString();
  if (props.copyOk !== undefined) out.copyOk = props.copyOk;
  if (props.purgeObsoleteCopies !== undefined) out.purgeObsoleteCopies = props.purgeObsoleteCopies;
  const noFail = extra.noFailOnExistingCluster || props.noFailOnExistingCluster;
  if (noFail !== undefined) out.noFailOnExistingCluster = noFail;
  if (props.tags) out.tags = props.tags;
  if (props.timeToLive !== undefined) out.ttl = props.timeToLive;
  if (props.setPassword || props.manageMasterUserPassword) {
    const kmsKeyId = props.kmsKeyId ?? (props.forceCreateKmsKey ? undefined : env.defaultSecretKey);
    const secretPrefix = props.secretPrefix ?? env.defaultSecretPrefix;
    out.password = {
      ...(props.setPassword ? { setPassword: true } : {}),
      ...(props.manageMasterUserPassword ? { manageMasterUserPassword: true } : {}),
      ...(props.accessPrincipalArns?.length ? { accessPrincipalArns: props.accessPrincipalArns } : {}),
      ...(kmsKeyId ? { kmsKeyId } : {}),
      ...(props.forceCreateKmsKey ? { forceCreateKmsKey: true } : {}),
      ...(secretPrefix ? { secretPrefix } : {}),
    };
  }
  return out;
}

export async function handleCustomResource(
  req: CfnRequest,
  context: LambdaContext,
  given: Deps,
): Promise<WorkResult> {
  // Once the request is answered or handed off, a log line must not fail the invocation.
  const deps: Deps = { ...given, logger: quietLogger(given.logger) };
  const startedAt = deps.clock.now().getTime();
  const run = new RunControl();
  let current: ContinuationState | undefined;
  const baseFailureId =
    req.RequestType === 'Create' ? failedCreateId(req) : (req.PhysicalResourceId ?? failedCreateId(req));
  deps.logger.info('custom resource request', {
    requestType: req.RequestType,
    stackId: req.StackId,
    logicalResourceId: req.LogicalResourceId,
    requestId: req.RequestId,
    physicalResourceId: req.PhysicalResourceId,
    properties: req.ResourceProperties,
  });

  const newState = (props: CloneProperties, noFail: boolean): ContinuationState => {
    current = {
      request: req,
      provision: toProvisionRequest(props, deps.env, {
        requestKey: requestKeyOf(req),
        owner: `${req.StackId}/${req.LogicalResourceId}`,
        noFailOnExistingCluster: noFail,
      }),
      waitForAvailable: props.waitForAvailable,
      startedAt,
      deadline: deadlineFor(startedAt, props.serviceTimeoutSeconds),
      failurePhysicalId: baseFailureId,
      hops: 0,
    };
    return current;
  };

  const work = async (budget: Budget): Promise<WorkResult> => {
    if (req.ResourceType === LEASE_TABLE_TYPE) return leaseTableResource(req, deps);
    if (req.RequestType === 'Delete') return remove(req, deps);
    if (req.ResourceType !== deps.env.resourceType && req.ResourceType !== GENERIC_TYPE) {
      throw new ValidationError(
        'ResourceType',
        `unknown resource type "${req.ResourceType}" (this function serves ${deps.env.resourceType})`,
      );
    }
    const props = parseProperties(req.ResourceProperties);
    if (req.RequestType === 'Update') {
      const kept = await keepOnUpdate(req, props, deps);
      if (kept) return kept;
      return driveOrDiscard(newState(props, true), deps, context, budget, run);
    }
    return drive(newState(props, false), deps, context, budget, run);
  };

  try {
    return await answerSafely(
      req,
      context,
      {
        logger: deps.logger,
        now: () => deps.clock.now().getTime(),
        run,
        failurePhysicalId: () => (current ? failureId(current) : baseFailureId),
        // Runs only when the work has not claimed the answer: it is still running, and stops.
        onTimeout: async () => {
          // A slow provision, a lease held by a duplicate: let a fresh invocation repeat the work,
          // idempotently, rather than answer FAILED and leave a clone behind.
          const state = current;
          if (state && deps.clock.now().getTime() < state.deadline) {
            return handOff(state, deps, context, 'invocation about to time out');
          }
          if (state) discardAtTimeout(state, deps, run);
          return {
            status: 'FAILED',
            reason: reasonFor(
              new Error('the function was about to time out before the operation finished'),
              context,
            ),
            physicalResourceId: state ? failureId(state) : baseFailureId,
          };
        },
      },
      work,
    );
  } finally {
    run.stop();
  }
}

/** Update with nothing that matters changed, or only CopyCreatedSince still satisfied: keep the clone. */
async function keepOnUpdate(
  req: CfnRequest,
  props: CloneProperties,
  deps: Deps,
): Promise<WorkResult | undefined> {
  const physical = req.PhysicalResourceId;
  if (!isClusterArn(physical)) return undefined;
  let old: CloneProperties;
  try {
    old = parseProperties(req.OldResourceProperties ?? {});
  } catch {
    return undefined;
  }
  const changed = changedProperties(old, props).filter((k) => !ANSWER_ONLY.includes(k));
  const onlySince = changed.length === 1 && changed[0] === 'copyCreatedSince';
  if (changed.length > 0 && !onlySince) {
    deps.logger.info('update replaces the clone', { changed });
    return undefined;
  }
  const { clone } = await deps.engine.cloneReadiness(physical, deps.options);
  const data = clone ? dataFromClone(clone) : undefined;
  if (!clone || !data?.DataTimestamp) {
    deps.logger.warn('the clone to keep is gone or not the manager’s; provisioning a new one', { physical });
    return undefined;
  }
  if (onlySince && props.copyCreatedSince && !(new Date(data.DataTimestamp) > props.copyCreatedSince)) {
    deps.logger.info('clone data older than the new CopyCreatedSince; replacing it', {
      dataTimestamp: data.DataTimestamp,
      copyCreatedSince: props.copyCreatedSince.toISOString(),
    });
    return undefined;
  }
  deps.logger.info('update keeps the clone', { physical, changed });
  return { status: 'SUCCESS', physicalResourceId: physical, data };
}

async function remove(req: CfnRequest, deps: Deps): Promise<WorkResult> {
  const physical = req.PhysicalResourceId ?? '';
  if (!isClusterArn(physical)) {
    // A failed Create's marker (or an id CloudFormation made up): nothing was reported created.
    const createRequestId = failedCreateRequestId(physical);
    const deleted = createRequestId ? await deleteUnreportedClones(req, createRequestId, deps) : [];
    deps.logger.info(
      deleted.length > 0
        ? 'failed create: deleted the clone its restore made after the FAILED answer'
        : 'delete of a physical id that is not a cluster: nothing to do',
      { physical, ...(deleted.length > 0 ? { deleted } : {}) },
    );
    return { status: 'SUCCESS', physicalResourceId: physical || failedCreateId(req) };
  }
  const result = await deps.engine.deleteClone(
    { clusterId: physical, wait: false, ignoreMissing: true },
    deps.options,
  );
  deps.logger.info('clone deleted', {
    clusterId: result.clusterId,
    alreadyGone: result.alreadyGone,
    secretDeleted: result.secretDeleted,
    kmsKeyScheduledForDeletion: result.kmsKeyScheduledForDeletion,
  });
  return { status: 'SUCCESS', physicalResourceId: physical };
}

/**
 * A Create answered FAILED at its deadline while its restore was on its way leaves a clone that
 * CloudFormation was never told of. Its process deletes it as the restore returns
 * (continuation.ts), unless Lambda froze the container first. CloudFormation's Delete of the failed
 * resource (its rollback, or the stack's deletion) names that Create by the marker it was answered
 * with, and every clone the Create made carries the Create's request key. Returns the clones deleted.
 */
async function deleteUnreportedClones(
  req: CfnRequest,
  createRequestId: string,
  deps: Deps,
): Promise<string[]> {
  const requestKey = requestKeyOf({ ...req, RequestId: createRequestId });
  try {
    const made = await deps.engine.listClusters(
      { requestKey, role: 'clone', ...(deps.options.managerId ? { managerId: deps.options.managerId } : {}) },
      deps.options,
    );
    for (const clone of made) {
      await deps.engine.deleteClone({ clusterId: clone.arn, wait: false, ignoreMissing: true }, deps.options);
    }
    return made.map((c) => c.clusterId);
  } catch (err) {
    // Best effort: a FAILED Delete would leave the stack's rollback or deletion stuck, for a clone
    // that most often does not exist. The log says how to find it.
    deps.logger.error('failed create: could not look for a clone its restore made after the FAILED answer', {
      requestKey,
      find: `aurora-clone-manager list --request-key ${requestKey}`,
      error: err instanceof Error ? err.message : String(err),
    });
    return [];
  }
}
