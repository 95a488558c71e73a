// Whatever happens — a validation error, an engine exception, the invocation running out of
// time — a custom resource request gets exactly one response. A timer fires shortly before the
// invocation would time out; unless the work finished or handed off to a continuation by then,
// the timeout path decides (continue elsewhere, or FAILED).
import { AcmError, errorMessage } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { type CfnRequest, type Outcome, putResponse, responseBody } from './cfn-response.ts';
import { type LambdaContext, safetyMarginMs } from './context.ts';

/** The work either decided the answer or passed the request to a continuation that will answer. */
export type WorkResult = Outcome | { handedOff: true; reason: string };

export interface Budget {
  /** Epoch ms by which the work must have answered or handed off. */
  stopBy: number;
}

export interface SafeHandlerOptions {
  logger: Logger;
  now?: () => number;
  /** Sends the response; default: PUT to ResponseURL with retries. */
  send?: (url: string, body: string) => Promise<void>;
  /** PhysicalResourceId to report when the work fails (asked at that moment: it may change as work progresses). */
  failurePhysicalId: () => string;
  /** What to do when time runs out before the work is done; default FAILED. */
  onTimeout?: () => Promise<WorkResult>;
}

export function isHandedOff(r: WorkResult): r is { handedOff: true; reason: string } {
  return (r as { handedOff?: boolean }).handedOff === true;
}

/** The Reason for a failure: our errors speak for themselves, anything else is labelled. */
export function reasonFor(err: unknown, context?: LambdaContext): string {
  const ref = context?.awsRequestId ? ` (see the function's log, request ${context.awsRequestId})` : '';
  if (err instanceof AcmError) return err.message + ref;
  const name = err instanceof Error ? err.name : 'Error';
  return `internal error: ${name}: ${errorMessage(err)}${ref}`;
}

export async function answerSafely(
  req: CfnRequest,
  context: LambdaContext,
  options: SafeHandlerOptions,
  work: (budget: Budget) => Promise<WorkResult>,
): Promise<WorkResult> {
  const now = options.now ?? Date.now;
  const remaining = context.getRemainingTimeInMillis();
  const margin = safetyMarginMs(remaining);
  const stopBy = now() + remaining - margin;
  const failed = (err: unknown): Outcome => ({
    status: 'FAILED',
    reason: reasonFor(err, context),
    physicalResourceId: options.failurePhysicalId(),
  });

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<WorkResult>((resolve) => {
    timer = setTimeout(
      () => {
        options.logger.warn('invocation about to time out before the work finished', { remainingMs: margin });
        const fallback: () => Promise<WorkResult> =
          options.onTimeout ??
          (async () =>
            failed(new AcmError('the function was about to time out before the operation finished')));
        fallback().then(resolve, (err) => resolve(failed(err)));
      },
      Math.max(0, stopBy - now()),
    );
  });
  const done = (async () => {
    try {
      return await work({ stopBy });
    } catch (err) {
      options.logger.error('request failed', { error: errorMessage(err), name: (err as Error)?.name });
      return failed(err);
    }
  })();

  const result = await Promise.race([done, timedOut]);
  clearTimeout(timer);
  if (isHandedOff(result)) {
    options.logger.info('continuation took over the request', { reason: result.reason });
    return result;
  }
  const body = responseBody(req, result);
  const send = options.send ?? ((url: string, b: string) => putResponse(url, b, { logger: options.logger }));
  await send(req.ResponseURL, body);
  options.logger.info('answered', {
    status: result.status,
    physicalResourceId: result.physicalResourceId,
    ...(result.reason ? { reason: result.reason } : {}),
  });
  return result;
}
