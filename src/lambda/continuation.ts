// Getting a custom resource request to its answer across invocations. The first invocation
// provisions without waiting; while the clone (or the full copy it needs) is not ready it polls,
// and when its own time runs short it re-invokes this function asynchronously with a continuation
// event carrying the request, the clone and CloudFormation's deadline. Lambda retries a crashed
// asynchronous invocation, so the chain survives a crash; every step is idempotent (the provision
// request has a requestKey). Past the deadline the answer is FAILED with the clone's last status.
import type { ProvisionRequest } from '../model/api.ts';
import { formatDuration } from '../util/duration.ts';
import { AcmError } from '../util/errors.ts';
import type { CfnRequest, Outcome } from './cfn-response.ts';
import { dataFromClone, dataFromResult } from './clone-data.ts';
import type { LambdaContext } from './context.ts';
import type { Deps } from './deps.ts';
import { type Budget, quietLogger, RunControl, SUPERSEDED, type WorkResult } from './safe-handler.ts';
import { topUpIfLow } from './top-up.ts';

export { RunControl };

export const EVENT_SOURCE = 'aurora-clone-manager';
export const CONTINUE_ACTION = 'continue-custom-resource';
export const CONTINUATION_VERSION = 1;
/** CloudFormation waits this long for an answer unless the resource sets ServiceTimeout. */
export const CLOUDFORMATION_TIMEOUT_S = 3600;

/** Where a request stands; carried from invocation to invocation. */
export interface ContinuationState {
  request: CfnRequest;
  /** Repeated (idempotent by requestKey) until the clone exists. */
  provision: ProvisionRequest;
  waitForAvailable: boolean;
  /** Epoch ms when the first invocation received the request. */
  startedAt: number;
  /** Epoch ms after which the answer is FAILED (before CloudFormation gives up itself). */
  deadline: number;
  clusterId?: string;
  clusterArn?: string;
  /** Physical id to report on failure before the clone exists. */
  failurePhysicalId: string;
  /** How many invocations carried this request so far. */
  hops: number;
}

export interface ContinuationEvent {
  source: typeof EVENT_SOURCE;
  action: typeof CONTINUE_ACTION;
  version: typeof CONTINUATION_VERSION;
  state: ContinuationState;
}

export function isContinuationEvent(event: unknown): event is ContinuationEvent {
  const e = event as Partial<ContinuationEvent> | null;
  return !!e && typeof e === 'object' && e.source === EVENT_SOURCE && e.action === CONTINUE_ACTION;
}

/** The continuation event for `state`; refuses events written by a different version. */
export function continuationEvent(state: ContinuationState): ContinuationEvent {
  return { source: EVENT_SOURCE, action: CONTINUE_ACTION, version: CONTINUATION_VERSION, state };
}

/** Answer a little before CloudFormation's own limit, so the FAILED Reason is ours, not a timeout. */
export function deadlineFor(startedAt: number, serviceTimeoutSeconds: number | undefined): number {
  const limitMs = (serviceTimeoutSeconds ?? CLOUDFORMATION_TIMEOUT_S) * 1000;
  return startedAt + limitMs - Math.min(60_000, Math.floor(limitMs / 20));
}

const FAILED_CLUSTER = /failed|incompatible|inaccessible|deleting|stopped|stopping/;

/**
 * Works on the request until it is answered, the budget runs out (then hands off to a fresh
 * invocation) or the deadline passes (then FAILED). `run` stops it once the safety timer holds the
 * answer (it answers or hands off itself): the loop then returns SUPERSEDED after the step under
 * way, and never hands off (a second continuation chain would answer a second time).
 */
export async function drive(
  state: ContinuationState,
  deps: Deps,
  context: LambdaContext,
  budget: Budget,
  run: RunControl,
): Promise<WorkResult> {
  const now = () => deps.clock.now().getTime();
  let last = 'not started';
  for (;;) {
    if (run.isStopped) return SUPERSEDED;
    if (!state.clusterArn) {
      const result = await deps.engine.provisionClone(
        { ...state.provision, wait: false, waitForCopy: false, dryRun: false },
        deps.options,
      );
      if (result.arn) {
        state.clusterId = result.clusterId;
        state.clusterArn = result.arn;
      }
      if (run.isStopped) {
        // The timer answered FAILED while this restore was on its way: CloudFormation was never told
        // of the clone, so nothing would ever delete it.
        if (run.answeredFailedAtTimeout) await discardUnreported(state, deps);
        return SUPERSEDED;
      }
      if (result.arn) {
        deps.logger.info('clone provisioned', {
          clusterId: result.clusterId,
          reused: result.reused,
          status: result.status,
          ...(result.claimedWarmClone ? { claimedWarmClone: result.claimedWarmClone } : {}),
        });
        await topUpIfLow(result, state.provision.sourceClusterId, deps, context);
        if (!state.waitForAvailable) return success(state, dataFromResult(result));
      } else {
        last = `waiting for the full copy ${result.pendingCopy ?? result.copyClusterId ?? ''} it will be cloned from`;
        deps.logger.info('clone waits for a full copy', { copy: result.pendingCopy ?? result.copyClusterId });
      }
    }
    if (state.clusterArn && state.clusterId) {
      const r = await deps.engine.cloneReadiness(state.clusterId, deps.options);
      if (run.isStopped) return SUPERSEDED;
      last = r.status;
      if (!r.clone) {
        throw new AcmError(`clone ${state.clusterId} disappeared before it became available`, {
          clusterId: state.clusterId,
        });
      }
      if (!state.waitForAvailable) return success(state, dataFromClone(r.clone));
      if (r.ready) {
        // Setting the password puts the cluster in `modifying`: answer once it is available again,
        // so whatever depends on the clone can log in with the secret.
        if (await deps.engine.finishPendingPassword(state.clusterId, deps.options)) {
          deps.logger.info('generated password applied', { clusterId: state.clusterId });
          continue;
        }
        return success(state, dataFromClone(r.clone));
      }
      if (FAILED_CLUSTER.test(r.status)) {
        throw new AcmError(`clone ${state.clusterId} cannot become available: ${r.status}`, {
          clusterId: state.clusterId,
        });
      }
    }
    const t = now();
    if (t >= state.deadline) return timedOut(state, last);
    const poll = Math.min(deps.env.waitPollMs, state.deadline - t);
    if (t + poll >= budget.stopBy) return run.handOffOnce(() => handOff(state, deps, context, last));
    await deps.clock.sleep(poll);
  }
}

/**
 * `drive`, plus: an Update that fails after its replacement clone exists deletes that clone again
 * (CloudFormation keeps the old physical id after a failed Update, so nothing else would). Not when
 * the safety timer holds the answer: it may have handed the request to a continuation that waits
 * for that very clone.
 */
export async function driveOrDiscard(
  state: ContinuationState,
  deps: Deps,
  context: LambdaContext,
  budget: Budget,
  run: RunControl,
): Promise<WorkResult> {
  try {
    const result = await drive(state, deps, context, budget, run);
    if ('status' in result && result.status === 'FAILED' && !run.isStopped) {
      await discardReplacement(state, deps);
    }
    return result;
  } catch (err) {
    if (!run.isStopped) await discardReplacement(state, deps);
    throw err;
  }
}

/**
 * For the timeout path, which answers FAILED while the work is still running: the failed Update's
 * replacement is deleted in the time left after the answer (a few calls, without waiting), as the
 * work would have done had it had the time. Best effort, never awaited.
 */
export function discardAtTimeout(state: ContinuationState, deps: Deps, run: RunControl): void {
  run.failedAtTimeout();
  void discardReplacement(state, deps);
}

async function discardReplacement(state: ContinuationState, deps: Deps): Promise<void> {
  if (state.request.RequestType !== 'Update') return;
  await discardUnreported(state, deps);
}

/** Deletes the request's clone unless it is the physical id CloudFormation already has. */
async function discardUnreported(state: ContinuationState, deps: Deps): Promise<void> {
  const arn = state.clusterArn;
  if (state.request.RequestType === 'Delete' || !arn || arn === state.request.PhysicalResourceId) return;
  const what =
    state.request.RequestType === 'Update'
      ? 'failed update: {} its replacement clone'
      : 'failed create: {} the clone restored after the FAILED answer';
  try {
    await deps.engine.deleteClone({ clusterId: arn, wait: false, ignoreMissing: true }, deps.options);
    deps.logger.info(what.replace('{}', 'deleted'), { clusterId: state.clusterId });
  } catch (err) {
    deps.logger.error(what.replace('{}', 'could not delete'), {
      clusterId: state.clusterId,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

function success(state: ContinuationState, data: Record<string, string>): Outcome {
  return { status: 'SUCCESS', physicalResourceId: state.clusterArn ?? data.Arn ?? '', data };
}

/** The physical id to report when this request fails now: the clone once it exists, so the Delete that follows removes it. */
export function failureId(state: ContinuationState): string {
  return state.request.RequestType === 'Create' && state.clusterArn
    ? state.clusterArn
    : state.failurePhysicalId;
}

export function timedOut(state: ContinuationState, last: string): Outcome {
  const what = state.clusterId
    ? `clone ${state.clusterId}`
    : `the clone of ${state.provision.sourceClusterId}`;
  return {
    status: 'FAILED',
    reason: `${what} was not available within ${formatDuration(state.deadline - state.startedAt)} (CloudFormation's limit, ServiceTimeout); last status: ${last}`,
    physicalResourceId: failureId(state),
  };
}

/**
 * Passes the request to a fresh asynchronous invocation of this same function. Once that is sent,
 * nothing here may fail: the continuation answers, and a failure would make this invocation answer too.
 */
export async function handOff(
  state: ContinuationState,
  deps: Deps,
  context: LambdaContext,
  last: string,
): Promise<WorkResult> {
  if (!context.functionName) {
    throw new AcmError(`cannot continue waiting (no function name in the context); last status: ${last}`);
  }
  const next: ContinuationState = { ...state, hops: state.hops + 1 };
  await deps.engine.invokeAsync(context.functionName, continuationEvent(next), deps.options);
  quietLogger(deps.logger).info('handed off to a continuation', {
    clusterId: state.clusterId,
    hop: next.hops,
    status: last,
  });
  return { handedOff: true, reason: `continuing in invocation ${next.hops} (${last})` };
}
