// Emulated AWS Lambda Invoke (REST-JSON: POST /2015-03-31/functions/<name>/invocations). Functions
// are not deployed code but handlers registered in-process with `registerFunction`, so a test can
// run the product's real Lambda handler behind Lambda's real wire protocol and semantics:
// - RequestResponse: 200 with the result, or `X-Amz-Function-Error: Unhandled` and the error payload
//   when the handler throws or runs past its timeout;
// - Event: 202 at once, the handler runs in the background; on error Lambda retries twice after a
//   delay (here short and configurable, on the emulator's clock), then the event goes to the
//   on-failure destination, standing here as `failedInvocations()`; async retries keep the request id;
// - DryRun: 204 when the function exists.
// JavaScript cannot stop a promise: a handler that times out keeps running in the background (real
// Lambda would freeze it), but its result is discarded. Timeouts are measured on real time because
// the handler's own code runs in real time.

import { randomUUID } from 'node:crypto';
import type { EmulatedService, EmulatorContext, EmulatorRequest, EmulatorResponse } from '../service.ts';

export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

export type LambdaHandler = (event: unknown, context: LambdaContext) => Promise<unknown>;

export interface FunctionOptions {
  /** Lambda's default is 3 s. */
  timeoutMs?: number;
  memoryMb?: number;
}

export interface LambdaOptions {
  /** Delay before each async retry; its length is the number of retries (AWS: 2, about 1 and 2 minutes). */
  asyncRetryDelaysMs?: number[];
}

export interface InvocationRecord {
  functionName: string;
  requestId: string;
  invocationType: 'RequestResponse' | 'Event';
  attempt: number;
  outcome: 'success' | 'error' | 'timeout';
  startedAt: string;
  errorMessage?: string;
}

/** An async invocation that failed every attempt: what the on-failure destination (or DLQ) receives. */
export interface FailedInvocation {
  functionName: string;
  requestId: string;
  event: unknown;
  attempts: number;
  error: { errorType: string; errorMessage: string };
  failedAt: string;
}

interface RegisteredFunction {
  name: string;
  handler: LambdaHandler;
  timeoutMs: number;
  memoryMb: number;
}

type Outcome =
  | { kind: 'success'; result: unknown }
  | { kind: 'error' | 'timeout'; error: { errorType: string; errorMessage: string; trace?: string[] } };

const PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
const MAX_ASYNC_PAYLOAD = 256 * 1024;
const DEFAULT_RETRY_DELAYS_MS = [100, 200];

export class LambdaService implements EmulatedService {
  readonly name = 'lambda';
  private readonly functions = new Map<string, RegisteredFunction>();
  private readonly pending = new Set<Promise<void>>();
  private retryDelaysMs: number[];
  private failed: FailedInvocation[] = [];
  private log: InvocationRecord[] = [];

  constructor(
    private readonly ctx: EmulatorContext,
    options: LambdaOptions = {},
  ) {
    this.retryDelaysMs = options.asyncRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  /** Deploys `handler` as function `name` (any region); registering again replaces it. */
  registerFunction(name: string, handler: LambdaHandler, options: FunctionOptions = {}): void {
    this.functions.set(name, {
      name,
      handler,
      timeoutMs: options.timeoutMs ?? 3000,
      memoryMb: options.memoryMb ?? 128,
    });
  }

  /** For emulators started without options: the delays before async retries (length = retries). */
  setAsyncRetryDelays(delaysMs: number[]): void {
    if (delaysMs.some((d) => !(d >= 0))) throw new Error('async retry delays must be ≥ 0 ms');
    this.retryDelaysMs = [...delaysMs];
  }

  unregisterFunction(name: string): void {
    this.functions.delete(name);
  }

  /** Resolves once no background (Event) invocation is running or waiting for a retry. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  failedInvocations(): FailedInvocation[] {
    return structuredClone(this.failed);
  }

  /** Every attempt so far, oldest first: lets tests count deliveries and retries. */
  invocations(functionName?: string): InvocationRecord[] {
    return this.log
      .filter((r) => functionName === undefined || r.functionName === functionName)
      .map((r) => ({ ...r }));
  }

  matches(req: EmulatorRequest): boolean {
    return req.path.startsWith('/2015-03-31/functions/');
  }

  actionOf(req: EmulatorRequest): string {
    return req.method === 'POST' && PATH.test(req.path) ? 'Invoke' : 'Unknown';
  }

  /** Drops invocation history and failures; registered handlers stay, as they are code (a deployment), not state. */
  reset(): void {
    this.failed = [];
    this.log = [];
  }

  snapshot(): unknown {
    return { failed: structuredClone(this.failed), log: structuredClone(this.log) };
  }

  restore(state: unknown): void {
    const s = state as { failed?: FailedInvocation[]; log?: InvocationRecord[] } | undefined;
    this.failed = structuredClone(s?.failed ?? []);
    this.log = structuredClone(s?.log ?? []);
  }

  errorResponse(code: string, message: string, status: number): EmulatorResponse {
    return {
      status,
      headers: {
        'content-type': 'application/json',
        'x-amzn-errortype': code,
        'x-amzn-requestid': this.ctx.requestId(),
      },
      body: JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', Message: message }),
    };
  }

  async handle(req: EmulatorRequest): Promise<EmulatorResponse> {
    const m = PATH.exec(req.path);
    if (req.method !== 'POST' || !m) {
      return this.errorResponse(
        'UnknownOperationException',
        `Unknown operation ${req.method} ${req.path}`,
        404,
      );
    }
    const fnId = decodeURIComponent(m[1]!);
    const { fn, arn, problem } = this.resolve(fnId, req.query.get('Qualifier') ?? undefined, req.region);
    if (!fn) return this.errorResponse('ResourceNotFoundException', problem, 404);

    const type = req.headers['x-amz-invocation-type'] ?? 'RequestResponse';
    if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
      return this.errorResponse(
        'InvalidParameterValueException',
        `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
        400,
      );
    }
    const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
    if (req.body.length > limit) {
      return this.errorResponse(
        'RequestTooLargeException',
        `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
        413,
      );
    }
    const text = req.body.toString('utf8');
    try {
      JSON.parse(text.trim() === '' ? '{}' : text);
    } catch (err) {
      return this.errorResponse(
        'InvalidRequestContentException',
        `Could not parse request body into json: ${err instanceof Error ? err.message : String(err)}`,
        400,
      );
    }
    const requestId = randomUUID();
    const base = { 'x-amzn-requestid': requestId };
    if (type === 'DryRun') return { status: 204, headers: base };
    if (type === 'Event') {
      this.track(this.runAsync(fn, arn, text, requestId));
      return { status: 202, headers: base };
    }

    const started = Date.now();
    const outcome = await this.attempt(fn, arn, text, requestId, 'RequestResponse', 1);
    const headers: Record<string, string> = {
      ...base,
      'content-type': 'application/json',
      'x-amz-executed-version': '$LATEST',
    };
    if (req.headers['x-amz-log-type'] === 'Tail') {
      headers['x-amz-log-result'] = tailLog(requestId, Date.now() - started, fn.memoryMb, outcome);
    }
    if (outcome.kind === 'success') {
      return { status: 200, headers, body: JSON.stringify(outcome.result ?? null) };
    }
    headers['x-amz-function-error'] = 'Unhandled';
    return { status: 200, headers, body: JSON.stringify(outcome.error) };
  }

  /** Function name, `name:qualifier`, partial ARN (`acct:function:name`) or full ARN. */
  private resolve(
    id: string,
    qualifierParam: string | undefined,
    region: string,
  ): { fn?: RegisteredFunction; arn: string; problem: string } {
    const m =
      /^(?:arn:aws[a-z-]*:lambda:[a-z0-9-]+:)?(?:\d{12}:)?(?:function:)?([A-Za-z0-9_-]+)(?::([$A-Za-z0-9_-]+))?$/.exec(
        id,
      );
    const name = m?.[1] ?? id;
    const qualifier = m?.[2] ?? qualifierParam;
    const arn = `arn:aws:lambda:${region}:${this.ctx.accountId}:function:${name}`;
    const fn = m ? this.functions.get(name) : undefined;
    // Only $LATEST exists: the emulator has no versions or aliases.
    if (!fn || (qualifier !== undefined && qualifier !== '$LATEST')) {
      return { arn, problem: `Function not found: ${arn}${qualifier ? `:${qualifier}` : ''}` };
    }
    return { fn, arn, problem: '' };
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async runAsync(
    fn: RegisteredFunction,
    arn: string,
    payload: string,
    requestId: string,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(fn, arn, payload, requestId, 'Event', attempt);
      if (outcome.kind === 'success') return;
      const delay = this.retryDelaysMs[attempt - 1];
      if (delay === undefined) {
        this.failed.push({
          functionName: fn.name,
          requestId,
          event: JSON.parse(payload.trim() === '' ? '{}' : payload),
          attempts: attempt,
          error: { errorType: outcome.error.errorType, errorMessage: outcome.error.errorMessage },
          failedAt: this.ctx.clock.now().toISOString(),
        });
        return;
      }
      await this.ctx.clock.sleep(delay);
    }
  }

  /** One run of the handler with a fresh copy of the event, bounded by the function's timeout. */
  private async attempt(
    fn: RegisteredFunction,
    arn: string,
    payload: string,
    requestId: string,
    invocationType: InvocationRecord['invocationType'],
    attempt: number,
  ): Promise<Outcome> {
    const event: unknown = JSON.parse(payload.trim() === '' ? '{}' : payload);
    const deadline = Date.now() + fn.timeoutMs;
    const context: LambdaContext = {
      functionName: fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: arn,
      memoryLimitInMB: String(fn.memoryMb),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: `emulator/[$LATEST]${requestId.replace(/-/g, '')}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const startedAt = this.ctx.clock.now().toISOString();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Outcome>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            kind: 'timeout',
            error: {
              errorType: 'Sandbox.Timedout',
              errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(fn.timeoutMs / 1000).toFixed(2)} seconds`,
            },
          }),
        fn.timeoutMs,
      );
    });
    const run = (async (): Promise<Outcome> => {
      try {
        return { kind: 'success', result: await fn.handler(event, context) };
      } catch (err) {
        return { kind: 'error', error: errorPayload(err) };
      }
    })();
    const outcome = await Promise.race([run, timeout]);
    clearTimeout(timer);
    this.log.push({
      functionName: fn.name,
      requestId,
      invocationType,
      attempt,
      outcome: outcome.kind,
      startedAt,
      ...(outcome.kind !== 'success' ? { errorMessage: outcome.error.errorMessage } : {}),
    });
    return outcome;
  }
}

/** What the Node.js runtime sends back for an unhandled error. */
function errorPayload(err: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (err instanceof Error) {
    return { errorType: err.name, errorMessage: err.message, trace: (err.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: String(err), trace: [] };
}

/** The `X-Amz-Log-Result` header: base64 of the invocation's last log lines. */
function tailLog(requestId: string, durationMs: number, memoryMb: number, outcome: Outcome): string {
  const lines = [
    `START RequestId: ${requestId} Version: $LATEST`,
    ...(outcome.kind === 'success' ? [] : [`${outcome.error.errorType}: ${outcome.error.errorMessage}`]),
    `END RequestId: ${requestId}`,
    `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tMemory Size: ${memoryMb} MB`,
  ];
  return Buffer.from(`${lines.join('\n')}\n`).toString('base64');
}
