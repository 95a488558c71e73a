// Lambda Invoke emulation through the real SDK v3 client, over HTTP: in-process handlers behind
// Lambda's wire protocol, synchronous and asynchronous semantics.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { LambdaContext } from '../../src/emulator/services/lambda.ts';
import { type JsonEmulator, startJsonEmulator } from './emulator-json-harness.ts';

let emu: JsonEmulator;
let lambda: LambdaClient;

before(async () => {
  // The emulator's real clock: retry delays of a few milliseconds keep the async cases fast.
  emu = await startJsonEmulator({ lambda: { asyncRetryDelaysMs: [5, 10] } });
  lambda = new LambdaClient(emu.clientConfig);
});
after(async () => {
  lambda.destroy();
  await emu.close();
});
beforeEach(async () => {
  await emu.services.lambda.idle();
  emu.services.lambda.reset();
});

const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const decode = (b: Uint8Array | undefined) =>
  b?.length ? JSON.parse(new TextDecoder().decode(b)) : undefined;

describe('Lambda emulation', () => {
  it('runs a registered handler synchronously and returns its result with its context filled in', async () => {
    let seen: LambdaContext | undefined;
    emu.services.lambda.registerFunction(
      'echo',
      async (event, context) => {
        seen = context;
        return { got: event, remaining: context.getRemainingTimeInMillis() };
      },
      { timeoutMs: 10_000 },
    );
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({ a: 1 }) }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, undefined);
    const body = decode(out.Payload);
    assert.deepEqual(body.got, { a: 1 });
    assert.ok(body.remaining > 9000 && body.remaining <= 10_000);
    assert.equal(seen!.functionName, 'echo');
    assert.equal(seen!.invokedFunctionArn, 'arn:aws:lambda:us-east-1:123456789012:function:echo');
    assert.match(seen!.awsRequestId, /^[0-9a-f-]{36}$/);

    const byArn = await lambda.send(
      new InvokeCommand({
        FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:echo',
        Payload: encode(2),
      }),
    );
    assert.equal(decode(byArn.Payload).got, 2);
  });

  it('reports a thrown error as FunctionError Unhandled with the runtime error payload', async () => {
    emu.services.lambda.registerFunction('boom', async () => {
      throw new TypeError('bad input');
    });
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'boom', Payload: encode({}) }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, 'Unhandled');
    const body = decode(out.Payload);
    assert.deepEqual([body.errorType, body.errorMessage], ['TypeError', 'bad input']);
  });

  it('times a handler out after its configured timeout', async () => {
    emu.services.lambda.registerFunction('slow', () => new Promise((r) => setTimeout(r, 500)), {
      timeoutMs: 50,
    });
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'slow' }));
    assert.equal(out.FunctionError, 'Unhandled');
    const body = decode(out.Payload);
    assert.equal(body.errorType, 'Sandbox.Timedout');
    assert.match(body.errorMessage, /Task timed out after 0\.05 seconds/);
  });

  it('answers ResourceNotFoundException (404) for an unknown function or qualifier', async () => {
    emu.services.lambda.registerFunction('known', async () => 1);
    for (const input of [{ FunctionName: 'unknown' }, { FunctionName: 'known', Qualifier: '7' }]) {
      await assert.rejects(
        lambda.send(new InvokeCommand(input)),
        (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
          assert.equal(err.name, 'ResourceNotFoundException');
          assert.equal(err.$metadata?.httpStatusCode, 404);
          assert.match(err.message, /Function not found/);
          return true;
        },
      );
    }
  });

  it('rejects a payload that is not JSON (InvalidRequestContentException)', async () => {
    emu.services.lambda.registerFunction('json', async () => 1);
    await assert.rejects(
      lambda.send(new InvokeCommand({ FunctionName: 'json', Payload: new TextEncoder().encode('{oops') })),
      { name: 'InvalidRequestContentException' },
    );
  });

  it('checks a DryRun without running the handler', async () => {
    let ran = false;
    emu.services.lambda.registerFunction('dry', async () => {
      ran = true;
    });
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'dry', InvocationType: 'DryRun' }));
    assert.equal(out.StatusCode, 204);
    assert.equal(ran, false);
  });

  it('accepts an Event invocation at once and runs it in the background', async () => {
    const done: unknown[] = [];
    emu.services.lambda.registerFunction('async', async (event) => {
      await new Promise((r) => setTimeout(r, 30));
      done.push(event);
    });
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'async', InvocationType: 'Event', Payload: encode({ n: 1 }) }),
    );
    assert.equal(out.StatusCode, 202);
    assert.deepEqual(done, []);
    await emu.services.lambda.idle();
    assert.deepEqual(done, [{ n: 1 }]);
    assert.deepEqual(emu.services.lambda.failedInvocations(), []);
  });

  it('retries a failing Event invocation twice with the same request id, then records it as failed', async () => {
    const requestIds: string[] = [];
    emu.services.lambda.registerFunction('flaky', async (_event, context) => {
      requestIds.push(context.awsRequestId);
      throw new Error(`attempt ${requestIds.length} failed`);
    });
    await lambda.send(
      new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: encode({ id: 'r1' }) }),
    );
    await emu.services.lambda.idle();
    assert.equal(requestIds.length, 3);
    assert.equal(new Set(requestIds).size, 1);
    const failed = emu.services.lambda.failedInvocations();
    assert.equal(failed.length, 1);
    assert.deepEqual(
      [failed[0]!.functionName, failed[0]!.attempts, failed[0]!.error.errorMessage, failed[0]!.event],
      ['flaky', 3, 'attempt 3 failed', { id: 'r1' }],
    );
    assert.deepEqual(
      emu.services.lambda.invocations('flaky').map((r) => [r.attempt, r.outcome]),
      [
        [1, 'error'],
        [2, 'error'],
        [3, 'error'],
      ],
    );
  });

  it('stops retrying once an Event invocation succeeds, and idle() waits for invocations they start', async () => {
    let calls = 0;
    const chained: unknown[] = [];
    emu.services.lambda.registerFunction('second', async (event) => {
      chained.push(event);
    });
    emu.services.lambda.registerFunction('first', async () => {
      calls++;
      if (calls === 1) throw new Error('transient');
      // A continuation, as the product's Lambda does: invoke again asynchronously over the SDK.
      await lambda.send(
        new InvokeCommand({ FunctionName: 'second', InvocationType: 'Event', Payload: encode('next') }),
      );
    });
    await lambda.send(new InvokeCommand({ FunctionName: 'first', InvocationType: 'Event' }));
    await emu.services.lambda.idle();
    assert.equal(calls, 2);
    assert.deepEqual(chained, ['next']);
    assert.deepEqual(emu.services.lambda.failedInvocations(), []);
  });
});
