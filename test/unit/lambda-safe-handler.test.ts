// The always-answer guarantee and the continuation hand-off, with the AWS side faked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CfnRequest, Outcome } from '../../src/lambda/cfn-response.ts';
import {
  type ContinuationEvent,
  type ContinuationState,
  deadlineFor,
  drive,
  isContinuationEvent,
  RunControl,
} from '../../src/lambda/continuation.ts';
import type { Deps } from '../../src/lambda/deps.ts';
import { readEnv } from '../../src/lambda/env.ts';
import { answerSafely, SUPERSEDED, type WorkResult } from '../../src/lambda/safe-handler.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { NotManagedError } from '../../src/util/errors.ts';
import { silentLogger } from '../../src/util/log.ts';

const request: CfnRequest = {
  RequestType: 'Create',
  ResponseURL: 'http://127.0.0.1:1/r?X-Amz-Signature=abc',
  StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/s/1',
  RequestId: 'req-1',
  ResourceType: 'Custom::AuroraClone',
  LogicalResourceId: 'Clone',
  ResourceProperties: { SourceClusterId: 'prod' },
};

function recorder() {
  const sent: Record<string, unknown>[] = [];
  return { sent, send: async (_url: string, body: string) => void sent.push(JSON.parse(body)) };
}

const context = (remainingMs: number) => {
  const end = Date.now() + remainingMs;
  return { functionName: 'fn', awsRequestId: 'aws-req-9', getRemainingTimeInMillis: () => end - Date.now() };
};
const never = () => new Promise<WorkResult>(() => {});

describe('answerSafely', () => {
  it('answers FAILED once, with the error as the Reason, when the work throws', async () => {
    const { sent, send } = recorder();
    await answerSafely(
      request,
      context(10_000),
      { logger: silentLogger, send, failurePhysicalId: () => 'marker' },
      async () => {
        throw new NotManagedError('prod', 'it is not a clone');
      },
    );
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.Status, 'FAILED');
    assert.equal(sent[0]!.PhysicalResourceId, 'marker');
    assert.match(
      String(sent[0]!.Reason),
      /^refusing to touch cluster prod: it is not a clone \(see the function's log, request aws-req-9\)$/,
    );
  });

  it('labels unexpected errors as internal', async () => {
    const { sent, send } = recorder();
    await answerSafely(
      request,
      context(10_000),
      { logger: silentLogger, send, failurePhysicalId: () => 'm' },
      async () => {
        throw new TypeError('x is undefined');
      },
    );
    assert.match(String(sent[0]!.Reason), /^internal error: TypeError: x is undefined/);
  });

  it('answers FAILED before the invocation times out when the work hangs', async () => {
    const { sent, send } = recorder();
    const started = Date.now();
    await answerSafely(
      request,
      context(1500),
      { logger: silentLogger, send, failurePhysicalId: () => 'm' },
      never,
    );
    const took = Date.now() - started;
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.Status, 'FAILED');
    assert.match(String(sent[0]!.Reason), /about to time out/);
    assert.ok(took < 1500, `answered after ${took} ms, the invocation had 1500`);
  });

  it('sends nothing when the work or the timeout path hands the request to a continuation', async () => {
    const { sent, send } = recorder();
    await answerSafely(
      request,
      context(10_000),
      { logger: silentLogger, send, failurePhysicalId: () => 'm' },
      async () => ({
        handedOff: true,
        reason: 'later',
      }),
    );
    await answerSafely(
      request,
      context(1200),
      {
        logger: silentLogger,
        send,
        failurePhysicalId: () => 'm',
        onTimeout: async () => ({ handedOff: true, reason: 't' }),
      },
      never,
    );
    assert.equal(sent.length, 0);
  });

  it('work that finishes after the timer answered does not answer again', async () => {
    const { sent, send } = recorder();
    const late = new Promise<Outcome>((r) =>
      setTimeout(() => r({ status: 'SUCCESS', physicalResourceId: 'arn' }), 700),
    );
    await answerSafely(
      request,
      context(1100),
      { logger: silentLogger, send, failurePhysicalId: () => 'm' },
      () => late,
    );
    await late;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.Status, 'FAILED');
  });
});

describe('drive (the wait loop)', () => {
  function fakeDeps(clock: ManualClock, clusterStatus: string) {
    const invoked: { name: string; payload: unknown }[] = [];
    const deps = {
      env: readEnv({ WAIT_POLL_MS: '1000' }),
      logger: silentLogger,
      clock,
      options: {},
      engine: {
        provisionClone: async () => ({
          clusterId: 'c1',
          arn: 'arn:aws:rds:us-east-1:000000000000:cluster:c1',
          status: 'creating',
          reused: false,
        }),
        cloneReadiness: async () => ({
          status: `cluster ${clusterStatus}`,
          ready: false,
          clone: {
            clusterId: 'c1',
            arn: 'arn:aws:rds:us-east-1:000000000000:cluster:c1',
            status: clusterStatus,
            passwordPending: false,
          },
        }),
        invokeAsync: async (name: string, payload: unknown) => {
          invoked.push({ name, payload });
          return { statusCode: 202 };
        },
      },
    } as unknown as Deps;
    return { deps, invoked };
  }

  const state = (now: number, deadlineInS = 3600): ContinuationState => ({
    request,
    provision: { sourceClusterId: 'prod', requestKey: 'k' },
    waitForAvailable: true,
    startedAt: now,
    deadline: deadlineFor(now, deadlineInS),
    failurePhysicalId: 'marker',
    hops: 0,
  });

  it('hands off to an asynchronous self-invocation before its budget runs out', async () => {
    const clock = new ManualClock('2026-11-25T10:00:00Z');
    const { deps, invoked } = fakeDeps(clock, 'creating');
    const t = clock.now().getTime();
    const r = await drive(state(t), deps, context(60_000), { stopBy: t + 5_500 }, new RunControl());
    assert.deepEqual(r, { handedOff: true, reason: 'continuing in invocation 1 (cluster creating)' });
    assert.equal(invoked.length, 1);
    assert.equal(invoked[0]!.name, 'fn');
    const event = invoked[0]!.payload as ContinuationEvent;
    assert.ok(isContinuationEvent(event));
    assert.equal(event.state.clusterId, 'c1');
    assert.equal(event.state.hops, 1);
    assert.equal(event.state.request.ResponseURL, request.ResponseURL);
    assert.ok(clock.now().getTime() - t <= 5_500, 'no poll sleeps past the budget');
  });

  it('answers FAILED at the deadline, naming the last status and reporting the clone for the Delete', async () => {
    const clock = new ManualClock('2026-11-25T10:00:00Z');
    const { deps, invoked } = fakeDeps(clock, 'creating');
    const t = clock.now().getTime();
    const r = (await drive(
      state(t, 10),
      deps,
      context(60_000),
      { stopBy: t + 60_000 },
      new RunControl(),
    )) as Outcome;
    assert.equal(r.status, 'FAILED');
    assert.match(r.reason!, /clone c1 was not available within 9s .*last status: cluster creating/);
    assert.equal(r.physicalResourceId, 'arn:aws:rds:us-east-1:000000000000:cluster:c1');
    assert.equal(invoked.length, 0);
  });

  it('fails at once when the clone can never become available', async () => {
    const clock = new ManualClock();
    const { deps } = fakeDeps(clock, 'inaccessible-encryption-credentials');
    await assert.rejects(
      drive(
        state(clock.now().getTime()),
        deps,
        context(60_000),
        { stopBy: Number.MAX_SAFE_INTEGER },
        new RunControl(),
      ),
      /cannot become available: cluster inaccessible-encryption-credentials/,
    );
  });

  it('hands off once however many times the work asks at the same time', async () => {
    const clock = new ManualClock();
    const { deps, invoked } = fakeDeps(clock, 'creating');
    const run = new RunControl();
    const t = clock.now().getTime();
    const s = state(t);
    const [a, b] = await Promise.all([
      drive(s, deps, context(60_000), { stopBy: t }, run),
      run.handOffOnce(async () => ({ handedOff: true, reason: 'first' })),
    ]);
    // The first hand-off started while the loop was provisioning; the loop's own joined it instead of invoking again.
    assert.deepEqual(a, { handedOff: true, reason: 'first' });
    assert.deepEqual(b, a);
    assert.equal(invoked.length, 0);
  });

  it('neither hands off nor answers once the safety timer holds the answer', async () => {
    const clock = new ManualClock();
    const { deps, invoked } = fakeDeps(clock, 'creating');
    const run = new RunControl();
    const t = clock.now().getTime();
    // The timer claims the answer while the loop is provisioning.
    const driving = drive(state(t), deps, context(60_000), { stopBy: t }, run);
    assert.ok(run.claim('timer'));
    assert.deepEqual(await driving, SUPERSEDED);
    assert.deepEqual(await run.handOffOnce(async () => ({ handedOff: true, reason: 'late' })), SUPERSEDED);
    assert.equal(invoked.length, 0);
    assert.equal(run.claim('work'), false, 'the first claim holds for good');
  });

  it('stops without handing off once another path has answered', async () => {
    const clock = new ManualClock();
    const { deps, invoked } = fakeDeps(clock, 'creating');
    const run = new RunControl();
    run.stop();
    await drive(state(clock.now().getTime()), deps, context(60_000), { stopBy: 0 }, run);
    assert.equal(invoked.length, 0);
  });
});
