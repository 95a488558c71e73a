// Whatever happens — a validation error, an engine exception, the invocation running out of
// time — a custom resource request gets exactly one response from an invocation. Two paths may
// produce it: the work, and a safety timer that fires shortly before the invocation would time
// out (it then hands the request to a continuation, or answers FAILED). Whichever path claims the
// answer first (RunControl.claim) holds it for good: the other's result is dropped, and the work
// starts nothing that answers (a hand-off, an undo) once the timer holds it. Nothing after the
// answer is delivered or the request handed off can fail the invocation (Lambda would retry it, and
// the retry answer again), and no PUT is made once the invocation's time is up.
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

/** What the work returns once another path holds the answer: nothing for this invocation to send. */
export const SUPERSEDED: WorkResult = Object.freeze({ handedOff: true, reason: 'superseded' });

/** Time kept at the end of the invocation for returning to the runtime: no PUT runs into it. */
export const END_RESERVE_MS = 100;

/**
 * One invocation's control over who answers its request. The work and the safety timer each claim
 * the answer before committing to one; the first claim wins for good. The work asks `isStopped`
 * between steps and, once the timer holds the answer (or the invocation is over), starts nothing
 * that answers; it hands off at most once.
 */
export class RunControl {
  private owner: 'work' | 'timer' | undefined;
  private stopped = false;
  private handOff: Promise<WorkResult> | undefined;

  /** True when `by` holds the answer: it claimed first (now or before). */
  claim(by: 'work' | 'timer'): boolean {
    this.owner ??= by;
    return this.owner === by;
  }

  /** The invocation is over: the work starts nothing more. */
  stop(): void {
    this.stopped = true;
  }

  private failed = false;

  /** The timer answered FAILED (the deadline passed): what the work makes from now on is nobody's. */
  failedAtTimeout(): void {
    this.failed = true;
  }

  get answeredFailedAtTimeout(): boolean {
    return this.failed;
  }

  /** The work must stop: the invocation is over, or the timer holds the answer. */
  get isStopped(): boolean {
    return this.stopped || this.owner === 'timer';
  }

  /**
   * The work's hand-off: claims the answer for the work and runs `fn`, the first time only (later
   * callers share its result). Does nothing, returning SUPERSEDED, once the timer holds the answer.
   */
  handOffOnce(fn: () => Promise<WorkResult>): Promise<WorkResult> {
    if (this.handOff) return this.handOff;
    if (this.isStopped || !this.claim('work')) return Promise.resolve(SUPERSEDED);
    this.handOff = fn();
    return this.handOff;
  }
}

export interface SafeHandlerOptions {
  logger: Logger;
  now?: () => number;
  /** Sends the response; default: PUT to ResponseURL with retries, within the invocation's time. */
  send?: (url: string, body: string) => Promise<void>;
  /** PhysicalResourceId to report when the work fails (asked at that moment: it may change as work progresses). */
  failurePhysicalId: () => string;
  /** What to do when time runs out before the work is done; default FAILED. Runs only if the work has not claimed the answer. */
  onTimeout?: () => Promise<WorkResult>;
  /** Shared with the work, which must stop once the timer holds the answer; default: one of its own. */
  run?: RunControl;
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

/** The logger, made unable to throw: a log line must never turn an answered request into a failed invocation. */
export function quietLogger(logger: Logger): Logger {
  const quiet =
    (write: Logger['info']): Logger['info'] =>
    (msg, data) => {
      try {
        write.call(logger, msg, data);
      } catch {
        // Nothing to report it to.
      }
    };
  return {
    debug: quiet(logger.debug),
    info: quiet(logger.info),
    warn: quiet(logger.warn),
    error: quiet(logger.error),
  };
}

/** The PUT to the ResponseURL, within what is left of the invocation (so no answer lands after it ended). */
export function sendWithin(
  context: LambdaContext,
  logger: Logger,
): (url: string, body: string) => Promise<void> {
  return (url, body) =>
    putResponse(url, body, {
      logger,
      timeLeftMs: () => context.getRemainingTimeInMillis() - END_RESERVE_MS,
    });
}

export async function answerSafely(
  req: CfnRequest,
  context: LambdaContext,
  options: SafeHandlerOptions,
  work: (budget: Budget) => Promise<WorkResult>,
): Promise<WorkResult> {
  const log = quietLogger(options.logger);
  const run = options.run ?? new RunControl();
  const now = options.now ?? Date.now;
  const remaining = context.getRemainingTimeInMillis();
  const margin = safetyMarginMs(remaining);
  const stopBy = now() + remaining - margin;
  const failed = (err: unknown): Outcome => ({
    status: 'FAILED',
    reason: reasonFor(err, context),
    physicalResourceId: options.failurePhysicalId(),
  });

  const result = await new Promise<WorkResult>((resolve) => {
    const timer = setTimeout(
      () => {
        // The work claimed first: it answers, or its hand-off is under way.
        if (!run.claim('timer')) return;
        log.warn('invocation about to time out before the work finished', { remainingMs: margin });
        const fallback: () => Promise<WorkResult> =
          options.onTimeout ??
          (async () =>
            failed(new AcmError('the function was about to time out before the operation finished')));
        fallback().then(resolve, (err) => resolve(failed(err)));
      },
      Math.max(0, stopBy - now()),
    );
    void (async () => {
      let outcome: WorkResult;
      try {
        outcome = await work({ stopBy });
      } catch (err) {
        outcome = failed(err);
        if (run.claim('work'))
          log.error('request failed', { error: errorMessage(err), name: (err as Error)?.name });
      }
      if (!run.claim('work')) {
        log.info('the work ended after the timeout path took the request over; its result is dropped', {
          result: isHandedOff(outcome) ? outcome.reason : outcome.status,
        });
        return;
      }
      clearTimeout(timer);
      resolve(outcome);
    })();
  });

  if (isHandedOff(result)) {
    log.info('continuation took over the request', { reason: result.reason });
    return result;
  }
  const body = responseBody(req, result);
  const send = options.send ?? sendWithin(context, log);
  await send(req.ResponseURL, body);
  log.info('answered', {
    status: result.status,
    physicalResourceId: result.physicalResourceId,
    ...(result.reason ? { reason: result.reason } : {}),
  });
  return result;
}
