// The Lambda entry point. One function serves CloudFormation custom resource requests (and their
// continuations), the scheduled pool maintenance and RDS instance-created notifications, so one
// ARN is both the ServiceToken and the schedule/SNS target.
import { ValidationError } from '../util/errors.ts';
import { jsonLogger } from '../util/log.ts';
import { type CfnRequest, isCfnRequest, responseBody } from './cfn-response.ts';
import type { LambdaContext } from './context.ts';
import { type ContinuationEvent, isContinuationEvent } from './continuation.ts';
import { continueCustomResource } from './continue-handler.ts';
import { failedCreateId, handleCustomResource } from './custom-resource.ts';
import { type Deps, defaultDeps } from './deps.ts';
import { eventSources, isMaintenanceEvent, type MaintenanceSummary, runMaintenance } from './maintenance.ts';
import { handleRdsEvents, isSnsEvent, type RecordOutcome, type SnsEvent } from './rds-events.ts';
import { quietLogger, reasonFor, sendWithin, type WorkResult } from './safe-handler.ts';

export type { CfnRequest, ContinuationEvent, LambdaContext, SnsEvent };

/**
 * The function's dependencies; when its environment is bad, the custom resource request is still
 * answered, FAILED with a Reason naming the variable.
 */
async function depsOrAnswer(request: CfnRequest, context: LambdaContext): Promise<Deps | WorkResult> {
  try {
    return defaultDeps();
  } catch (err) {
    const physicalResourceId =
      request.RequestType === 'Create'
        ? failedCreateId(request)
        : (request.PhysicalResourceId ?? failedCreateId(request));
    const outcome = { status: 'FAILED' as const, reason: reasonFor(err, context), physicalResourceId };
    await sendWithin(context, quietLogger(jsonLogger('error')))(
      request.ResponseURL,
      responseBody(request, outcome),
    );
    return outcome;
  }
}

const isDeps = (d: Deps | WorkResult): d is Deps => 'engine' in d;

/** CloudFormation custom resource requests and the continuation events this function sends itself. */
export async function customResourceHandler(
  event: CfnRequest | ContinuationEvent,
  context: LambdaContext,
): Promise<WorkResult> {
  const request = isContinuationEvent(event) ? event.state.request : event;
  const deps = await depsOrAnswer(request, context);
  if (!isDeps(deps)) return deps;
  return isContinuationEvent(event)
    ? continueCustomResource(event, context, deps)
    : handleCustomResource(event, context, deps);
}

/** The scheduled maintenance event: `{"source":"aurora-clone-manager","action":"maintain"}` or an EventBridge Scheduled Event. */
export async function maintenanceHandler(
  event: unknown,
  _context?: LambdaContext,
): Promise<MaintenanceSummary> {
  return runMaintenance(defaultDeps(), eventSources(event));
}

/** SNS notifications carrying RDS events. */
export async function rdsEventHandler(event: SnsEvent, _context?: LambdaContext): Promise<RecordOutcome[]> {
  return handleRdsEvents(event, defaultDeps());
}

export async function handler(event: unknown, context: LambdaContext): Promise<unknown> {
  if (isCfnRequest(event) || isContinuationEvent(event)) return customResourceHandler(event, context);
  if (isMaintenanceEvent(event)) return maintenanceHandler(event, context);
  if (isSnsEvent(event)) return rdsEventHandler(event, context);
  throw new ValidationError(
    'event',
    'not a CloudFormation custom resource request, a continuation, a maintenance event or an SNS notification',
  );
}
