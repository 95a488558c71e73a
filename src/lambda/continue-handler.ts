// A continuation invocation: picks the request up where the previous invocation left it, under
// the same always-answer guarantee as the first one.

import { AcmError } from '../util/errors.ts';
import type { LambdaContext } from './context.ts';
import {
  CONTINUATION_VERSION,
  type ContinuationEvent,
  discardAtTimeout,
  driveOrDiscard,
  failureId,
  handOff,
  RunControl,
  timedOut,
} from './continuation.ts';
import type { Deps } from './deps.ts';
import { answerSafely, quietLogger, type WorkResult } from './safe-handler.ts';

export async function continueCustomResource(
  event: ContinuationEvent,
  context: LambdaContext,
  given: Deps,
): Promise<WorkResult> {
  // Once the request is answered or handed off, a log line must not fail the invocation.
  const deps: Deps = { ...given, logger: quietLogger(given.logger) };
  const state = event.state;
  const run = new RunControl();
  deps.logger.info('continuing custom resource request', {
    requestId: state.request.RequestId,
    logicalResourceId: state.request.LogicalResourceId,
    clusterId: state.clusterId,
    hop: state.hops,
    deadline: new Date(state.deadline).toISOString(),
  });
  try {
    return await answerSafely(
      state.request,
      context,
      {
        logger: deps.logger,
        now: () => deps.clock.now().getTime(),
        run,
        failurePhysicalId: () => failureId(state),
        // Runs only when the work has not claimed the answer: it is still running, and stops.
        onTimeout: async () => {
          if (deps.clock.now().getTime() < state.deadline) {
            return handOff(state, deps, context, 'invocation about to time out');
          }
          discardAtTimeout(state, deps, run);
          return timedOut(state, 'invocation about to time out');
        },
      },
      async (budget) => {
        if (event.version !== CONTINUATION_VERSION) {
          throw new AcmError(
            `continuation event version ${String(event.version)} was written by another version of the function (this one reads ${CONTINUATION_VERSION})`,
          );
        }
        return driveOrDiscard(state, deps, context, budget, run);
      },
    );
  } finally {
    run.stop();
  }
}
