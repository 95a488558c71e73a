// Exactly one CloudFormation answer per request, whatever the interleaving of the safety timer, the
// work, the hand-off to a continuation, the PUT and Lambda's retries. Each ordering is forced with
// gates (promises the test opens), not with sleeps: the AWS side is a scripted fake engine, time is
// a ManualClock, and the ResponseURL is a loopback server that counts the answers it accepted. The
// invocation has 1.1 s left, so its safety timer fires 100 ms after it starts.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type CfnRequest, type CfnResponse, putResponse } from '../../src/lambda/cfn-response.ts';
import type { LambdaContext } from '../../src/lambda/context.ts';
import { type ContinuationEvent, isContinuationEvent } from '../../src/lambda/continuation.ts';
import { continueCustomResource } from '../../src/lambda/continue-handler.ts';
import { failedCreateId, handleCustomResource } from '../../src/lambda/custom-resource.ts';
import type { Deps } from '../../src/lambda/deps.ts';
import { readEnv } from '../../src/lambda/env.ts';
import { answerSafely } from '../../src/lambda/safe-handler.ts';
import type { CloneReadiness } from '../../src/model/api.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { type Logger, silentLogger } from '../../src/util/log.ts';

// ---------------------------------------------------------------------------------------------
// The ResponseURL: accepts or refuses PUTs, counts the accepted ones per request.

class ResponseSink {
  readonly accepted: (CfnResponse & { requestId: string })[] = [];
  /** Every PUT that arrived, accepted or not, with the moment (Date.now()) it arrived. */
  readonly arrivals: number[] = [];
  /** The next `refuse` PUTs are answered 503 SlowDown. */
  refuse = 0;
  /** Delay before answering a PUT (the body is already received and counted). */
  delayMs = 0;
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.arrivals.push(Date.now());
        const requestId = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
        if (this.refuse > 0) {
          this.refuse--;
          res.writeHead(503).end('<Error><Code>SlowDown</Code></Error>');
          return;
        }
        this.accepted.push({ ...JSON.parse(Buffer.concat(chunks).toString('utf8')), requestId });
        setTimeout(() => res.writeHead(200).end(), this.delayMs);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  reset(): void {
    this.accepted.length = 0;
    this.arrivals.length = 0;
    this.refuse = 0;
    this.delayMs = 0;
  }

  url(requestId: string): string {
    return `http://127.0.0.1:${this.port}/${encodeURIComponent(requestId)}?X-Amz-Signature=s`;
  }

  answersTo(requestId: string): string[] {
    return this.accepted.filter((a) => a.requestId === requestId).map((a) => a.Status);
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

const sink = new ResponseSink();
/**
 * Inside each describe: hooks at the top of a file would apply to every test that runs after them
 * in the unit tests' shared process, other files' included.
 */
function useSink(): void {
  before(() => sink.start());
  after(() => sink.stop());
  beforeEach(() => sink.reset());
}

// ---------------------------------------------------------------------------------------------
// Orderings.

interface Gate<T> {
  promise: Promise<T>;
  open(value: T): void;
  fail(err: unknown): void;
}
function gate<T = void>(): Gate<T> {
  let open!: (v: T) => void;
  let fail!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    open = res;
    fail = rej;
  });
  return { promise, open, fail };
}
/** Resolves once every promise continuation already queued has run (no I/O is waited for). */
const settled = () => new Promise<void>((r) => setImmediate(r));
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The AWS side, scripted.

const ARN = 'arn:aws:rds:us-east-1:000000000000:cluster:c1';
const OLD_ARN = 'arn:aws:rds:us-east-1:000000000000:cluster:old';
const describe1 = (status: string) => ({
  clusterId: 'c1',
  arn: ARN,
  status,
  passwordPending: false,
  sourceClusterId: 'prod',
  dataTimestamp: '2026-11-25T09:00:00.000Z',
});
const READY: CloneReadiness = { status: 'available', ready: true, clone: describe1('available') };
const CREATING: CloneReadiness = { status: 'cluster creating', ready: false, clone: describe1('creating') };

interface Script {
  /** The answers to cloneReadiness, one a call; READY once they run out. */
  readiness?: (() => Promise<CloneReadiness>)[];
  /** Runs inside invokeAsync before the continuation counts as sent. */
  invoking?: () => Promise<void>;
  logger?: (attempt: () => number) => Logger;
  /** What listClusters finds (the clones of a request key), or throws. */
  clusters?: () => Promise<{ clusterId: string; arn: string }[]>;
}

let requestSeq = 0;

/** One request, the function's invocations for it (Lambda's retries included) and what they did. */
class World {
  readonly clock = new ManualClock('2026-11-25T10:00:00Z');
  readonly continuations: ContinuationEvent[] = [];
  readonly deleted: string[] = [];
  readonly request: CfnRequest;
  readonly deps: Deps;
  /** Attempts of the invocation running now (1 = first, 2 and 3 = Lambda's retries). */
  private attemptNo = 0;
  private invocations = 0;

  constructor(script: Script, overrides: Partial<CfnRequest> = {}) {
    const requestId = `req-${++requestSeq}`;
    this.request = {
      RequestType: 'Create',
      ResponseURL: sink.url(requestId),
      StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/s/1',
      RequestId: requestId,
      ResourceType: 'Custom::AuroraClone',
      LogicalResourceId: 'Clone',
      ResourceProperties: { SourceClusterId: 'prod' },
      ...overrides,
    };
    const readiness = [...(script.readiness ?? [])];
    const engine = {
      provisionClone: async () => ({
        clusterId: 'c1',
        arn: ARN,
        status: 'creating',
        reused: false,
        sourceClusterId: 'prod',
        dataTimestamp: '2026-11-25T09:00:00.000Z',
      }),
      cloneReadiness: async () => (readiness.shift() ?? (async () => READY))(),
      finishPendingPassword: async () => false,
      listClusters: async () => (script.clusters ?? (async () => []))(),
      deleteClone: async ({ clusterId }: { clusterId: string }) => {
        this.deleted.push(clusterId);
        return { clusterId, deleted: true, alreadyGone: false, instancesDeleted: [], dryRun: false };
      },
      invokeAsync: async (_name: string, payload: unknown) => {
        await script.invoking?.();
        assert.ok(isContinuationEvent(payload));
        this.continuations.push(structuredClone(payload));
        return { statusCode: 202 };
      },
    };
    this.deps = {
      env: readEnv({ WAIT_POLL_MS: '1000' }),
      logger: script.logger?.(() => this.attemptNo) ?? silentLogger,
      clock: this.clock,
      engine,
      options: {},
    } as unknown as Deps;
  }

  context(): LambdaContext {
    const id = `aws-${++this.invocations}`;
    return { functionName: 'fn', awsRequestId: id, getRemainingTimeInMillis: () => 1100 };
  }

  /** Lambda's asynchronous invocation: a handler that throws runs again, twice at most, with the same event. */
  private async invoke(handler: (context: LambdaContext) => Promise<unknown>): Promise<void> {
    const context = this.context();
    for (this.attemptNo = 1; this.attemptNo <= 3; this.attemptNo++) {
      try {
        await handler(context);
        return;
      } catch {
        // Lambda retries a failed asynchronous invocation.
      }
    }
  }

  /** The request's first invocation (CloudFormation's), already started: `first` ends with it. */
  start(): Promise<void> {
    return this.invoke((context) => handleCustomResource(this.request, context, this.deps));
  }

  /** Every continuation handed off so far, and the ones they hand off, in turn. */
  async continueAll(): Promise<void> {
    for (let i = 0; i < this.continuations.length; i++) {
      const event = this.continuations[i]!;
      await this.invoke((context) => continueCustomResource(event, context, this.deps));
    }
  }

  answers(): string[] {
    return sink.answersTo(this.request.RequestId);
  }
}

// ---------------------------------------------------------------------------------------------

describe('one answer per request: the safety timer against the work', () => {
  useSink();
  it('the timer hands off while the work polls, then the poll finds the clone ready: the continuation alone answers', async () => {
    // Prepare: the work's first poll hangs until the test opens it; so does the hand-off
    const poll = gate<CloneReadiness>();
    const handingOff = gate();
    const handedOff = gate();
    const w = new World({
      readiness: [() => poll.promise],
      invoking: async () => {
        handingOff.open();
        await handedOff.promise;
      },
    });
    // Act
    const first = w.start();
    await handingOff.promise; // the safety timer fired: the hand-off is under way
    poll.open(READY); // the poll comes back at that very moment: the clone is available
    await settled(); // the work has done all it does with that (before the fix: its SUCCESS is being PUT)
    handedOff.open(); // the continuation is sent
    await first;
    await w.continueAll();
    // Assess
    assert.equal(w.continuations.length, 1, 'one continuation');
    assert.deepEqual(w.answers(), ['SUCCESS'], 'exactly one answer');
  });

  it('the timer hands off while the work polls, then the poll fails: no FAILED besides the continuation’s answer, and the replacement it waits for is kept', async () => {
    // Prepare: an Update that replaces the clone (ClusterId changed); its first poll hangs, then throws
    const poll = gate<CloneReadiness>();
    const handingOff = gate();
    const handedOff = gate();
    const w = new World(
      {
        readiness: [() => poll.promise],
        invoking: async () => {
          handingOff.open();
          await handedOff.promise;
        },
      },
      {
        RequestType: 'Update',
        PhysicalResourceId: OLD_ARN,
        ResourceProperties: { SourceClusterId: 'prod', ClusterId: 'c1' },
        OldResourceProperties: { SourceClusterId: 'prod', ClusterId: 'old' },
      },
    );
    // Act
    const first = w.start();
    await handingOff.promise;
    poll.fail(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    await settled();
    handedOff.open();
    await first;
    await w.continueAll();
    // Assess
    assert.deepEqual(w.answers(), ['SUCCESS'], 'exactly one answer, the continuation’s');
    assert.deepEqual(w.deleted, [], 'the replacement clone the continuation waits for is not deleted');
  });

  it('the work hands off, and the timer fires while the invocation is slow: one continuation, one answer', async () => {
    // Prepare: the clone is still creating, so the work hands off at once; the invocation takes 150 ms
    const handingOff = gate();
    const handedOff = gate();
    const w = new World({
      readiness: [async () => CREATING],
      invoking: async () => {
        handingOff.open();
        await handedOff.promise;
      },
    });
    // Act
    const first = w.start();
    await handingOff.promise;
    await realSleep(150); // the safety timer (due 100 ms after the start) has fired by now
    handedOff.open();
    await first;
    await w.continueAll();
    // Assess
    assert.equal(w.continuations.length, 1, 'one continuation');
    assert.deepEqual(w.answers(), ['SUCCESS']);
  });

  it('the work answers and the PUT is still under way when the timer is due: one answer', async () => {
    // Prepare: S3 takes 150 ms to acknowledge; the timer is due 100 ms after the start
    sink.delayMs = 150;
    const w = new World({ readiness: [async () => READY] });
    // Act
    await w.start();
    await realSleep(50);
    // Assess
    assert.deepEqual(w.answers(), ['SUCCESS']);
    assert.equal(w.continuations.length, 0);
  });

  it('a PUT refused once is retried: one answer, and the invocation succeeds', async () => {
    // Prepare
    sink.refuse = 1;
    const w = new World({ readiness: [async () => READY] });
    // Act
    await w.start();
    // Assess
    assert.deepEqual(w.answers(), ['SUCCESS']);
    assert.equal(sink.arrivals.length, 2, 'the refused PUT and its retry');
  });
});

describe('one answer per request: nothing after the answer makes Lambda retry', () => {
  useSink();
  // A logger that fails once the answer is out (a closed log stream, say), in the first attempt only.
  const failingAfter = (done: () => boolean) => (attempt: () => number) => {
    const maybeFail = () => {
      if (attempt() === 1 && done()) throw new Error('log stream closed');
    };
    return { debug: maybeFail, info: maybeFail, warn: maybeFail, error: maybeFail };
  };

  it('a failure after the answer was delivered does not fail the invocation (Lambda would retry it, and the retry answer again)', async () => {
    const w: World = new World({
      readiness: [async () => READY],
      logger: failingAfter(() => w.answers().length > 0),
    });
    await w.start();
    assert.deepEqual(w.answers(), ['SUCCESS']);
  });

  it('putResponse does not PUT again when something fails after S3 accepted the answer', async () => {
    const logger = {
      ...silentLogger,
      info: () => {
        if (sink.accepted.length > 0) throw new Error('log stream closed');
      },
    };
    await putResponse(sink.url('r-log'), '{"Status":"SUCCESS"}', { logger, sleep: async () => {} }).catch(
      () => {},
    );
    assert.deepEqual(sink.answersTo('r-log'), ['SUCCESS']);
  });

  it('a failure after the continuation was sent does not fail the invocation nor answer FAILED', async () => {
    const w: World = new World({
      readiness: [async () => CREATING],
      logger: failingAfter(() => w.continuations.length > 0),
    });
    await w.start();
    await w.continueAll();
    assert.equal(w.continuations.length, 1, 'one continuation');
    assert.deepEqual(w.answers(), ['SUCCESS']);
  });
});

describe('one answer per request: no PUT after the invocation has ended', () => {
  useSink();
  // Lambda retries an invocation that ran out of time; an answer that lands after that is a second one.
  it('putResponse stops retrying when the invocation has no time left, and fails in time', async () => {
    // Prepare: S3 refuses every PUT; 1 s left, virtual time. Attempts are not what ends it: with
    // the default 5, short jittered waits could use them all up within the second.
    sink.refuse = 100;
    let left = 1000;
    const slept: number[] = [];
    // Act
    await assert.rejects(
      putResponse(sink.url('r-time'), '{}', {
        logger: silentLogger,
        timeLeftMs: () => left,
        sleep: async (ms) => {
          slept.push(ms);
          left -= ms;
        },
        baseDelayMs: 400,
        attempts: 100,
      } as Parameters<typeof putResponse>[2]),
      /time/,
    );
    // Assess
    assert.ok(left > 0, `slept ${slept.join('+')} ms past the invocation's end`);
    assert.ok(sink.arrivals.length >= 1, 'it tried');
  });

  it('answerSafely does not PUT when the invocation is out of time; it fails, so Lambda retries it', async () => {
    // Prepare: 1.1 s at the start, almost nothing once the work is done
    let remaining = 1100;
    const context = { functionName: 'fn', getRemainingTimeInMillis: () => remaining };
    const w = new World({});
    // Act
    const answering = answerSafely(
      w.request,
      context,
      { logger: silentLogger, failurePhysicalId: () => 'm' },
      async () => {
        remaining = 20;
        return { status: 'SUCCESS', physicalResourceId: ARN };
      },
    );
    // Assess
    await assert.rejects(answering, /time/);
    assert.equal(sink.arrivals.length, 0, 'no PUT that could land after the invocation ended');
  });
});

describe('one answer per request: the Delete of a failed Create', () => {
  useSink();
  const marker = (w: World) => ({
    RequestType: 'Delete' as const,
    PhysicalResourceId: failedCreateId({ ...w.request, RequestId: 'the-failed-create' }),
  });

  it('deletes the clone the failed Create left, found by its request key, and answers SUCCESS', async () => {
    const w: World = new World({ clusters: async () => [{ clusterId: 'c1', arn: ARN }] });
    Object.assign(w.request, marker(w));
    await w.start();
    assert.deepEqual(w.answers(), ['SUCCESS']);
    assert.deepEqual(w.deleted, [ARN]);
  });

  it('answers SUCCESS when it cannot look (a FAILED Delete would leave the rollback stuck), and logs how to find the clone', async () => {
    const errors: string[] = [];
    const w: World = new World({
      clusters: async () => {
        throw new Error('Throttling: Rate exceeded');
      },
      logger: () => ({
        ...silentLogger,
        error: (message, fields) => errors.push(`${message} ${JSON.stringify(fields)}`),
      }),
    });
    Object.assign(w.request, marker(w));
    await w.start();
    assert.deepEqual(w.answers(), ['SUCCESS']);
    assert.deepEqual(w.deleted, []);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /aurora-clone-manager list --request-key cfn-[0-9a-f]{40}.*Rate exceeded/);
  });
});
