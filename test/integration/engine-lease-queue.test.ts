// docs/concurrency.md: requests that find the root's lease busy wait in its queue, and the holder
// restores their clones in the same hold. The store's side is checked against our emulator and
// against moto_server (ReturnValuesOnConditionCheckFailure, attributes per queued request); the
// engine's side with simultaneous requests, counted from the emulator's records.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { DynamoDbAdapter } from '../../src/aws/dynamodb.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { provisionClone } from '../../src/engine/api.ts';
import { DynamoDbLeaseStore, ensureLeaseTable } from '../../src/lease/dynamodb-lease.ts';
import { type BusyLease, type HeldLease, isHeld, type QueuedRequest } from '../../src/lease/lease.ts';
import type { ProvisionResult } from '../../src/model/api.ts';
import { TAG } from '../../src/model/tags.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { silentLogger } from '../../src/util/log.ts';
import { clonesPerSource, type EngineEnv, engineEnv } from '../helpers/engine-env.ts';
import { startMoto } from '../helpers/moto.ts';
import { provisionPolicy } from '../unit/planner/policies.ts';

const NOW = new Date('2026-12-01T09:00:00.000Z');

/** What a holder writes for a request it served. */
const servedA = { requestKey: 'a', ticket: 't-a', clusterId: 'prod-a', at: NOW.toISOString(), by: 'holder' };

function waiting(key: string): QueuedRequest {
  return {
    requestKey: key,
    ticket: `t-${key}`,
    managerId: 'aurora-clone-manager',
    at: NOW.toISOString(),
    idSuffix: key,
    policy: provisionPolicy({ requestKey: key }),
  };
}

async function storeAt(endpoint: string, table: string): Promise<DynamoDbLeaseStore> {
  const db = new DynamoDbAdapter({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await ensureLeaseTable(db, table, { create: true, clock: new ManualClock(NOW), logger: silentLogger });
  return new DynamoDbLeaseStore(db, table);
}

function leaseQueueBehaviour(name: string, endpoint: () => string) {
  describe(`the lease queue in DynamoDB (${name})`, () => {
    let seq = 0;
    const store = () => storeAt(endpoint(), `queue-${++seq}`);

    it('shows a refused attempt who is queued and who was served, and lets the holder serve them', async () => {
      // Prepare: one holder; two requests wait in the queue
      const leases = await store();
      const held = await leases.tryAcquire('root#prod', 'holder', NOW, 60_000);
      assert.ok(isHeld(held));
      await leases.enqueue('root#prod', waiting('a'));
      await leases.enqueue('root#prod', waiting('b'));
      // Act: a refused attempt looks; the holder serves `a` and releases
      const busy = (await leases.tryAcquire('root#prod', 'x', NOW, 60_000, { see: true })) as BusyLease;
      const after = await leases.tryAcquire('root#prod', 'y', NOW, 60_000);
      const state = (held as HeldLease).state;
      assert.deepEqual(state.queued ?? [], [], 'the holder took the lease before anyone queued');
      const served = servedA;
      // The holder looks at the queue again during its hold, and serves `a`.
      const again = await leases.peek('root#prod');
      assert.ok(await (held as HeldLease).release({ ...again, served: [served] }));
      // Assess
      assert.equal(after, undefined, 'without asking to see, a refused attempt says only that it is busy');
      assert.equal(busy.busy, true);
      assert.deepEqual(busy.state.queued?.map((q) => q.requestKey).sort(), ['a', 'b']);
      assert.equal(busy.state.queued?.[0]?.policy.maxClonesPerSource, 15, 'the policy comes back whole');
      const seen = await leases.peek('root#prod');
      assert.deepEqual(seen.served, [served]);
      assert.deepEqual(
        seen.queued?.map((q) => q.requestKey),
        ['b'],
        'the request served leaves the queue, though it joined after the lease was taken',
      );
    });

    it('refuses a served waiter the free lease and shows it its entry; a later wait of the same key may take it', async () => {
      // Prepare: a holder serves `a` and releases: the lease is free
      const leases = await store();
      await leases.enqueue('root#prod', waiting('a'));
      const held = await leases.tryAcquire('root#prod', 'holder', NOW, 60_000);
      assert.ok(isHeld(held));
      assert.ok(await held.release({ ...held.state, queued: [], served: [servedA] }));
      // Act
      const servedWait = await leases.tryAcquire('root#prod', 'a-waiter', NOW, 60_000, {
        see: true,
        unlessServed: { requestKey: 'a', ticket: 't-a' },
      });
      const laterWait = await leases.tryAcquire('root#prod', 'a-again', NOW, 60_000, {
        see: true,
        unlessServed: { requestKey: 'a', ticket: 't-a-later' },
      });
      // Assess
      assert.ok(!isHeld(servedWait), 'the served waiter must not take the lease');
      assert.deepEqual((servedWait as BusyLease).state.served, [servedA]);
      assert.ok(isHeld(laterWait), 'another wait of the same key is not served by that entry');
    });

    it('takes served requests out of the queue on release, leaving those queued meanwhile', async () => {
      const leases = await store();
      await leases.enqueue('root#prod', waiting('a'));
      const held = await leases.tryAcquire('root#prod', 'holder', NOW, 60_000);
      assert.ok(isHeld(held));
      await leases.enqueue('root#prod', waiting('late'));
      const served = servedA;
      assert.ok(await held.release({ ...held.state, queued: [], served: [served] }));
      const seen = await leases.peek('root#prod');
      assert.deepEqual(
        seen.queued?.map((q) => q.requestKey),
        ['late'],
      );
      assert.deepEqual(
        seen.served?.map((r) => r.requestKey),
        ['a'],
      );
      // A request that stops waiting leaves the queue.
      await leases.dequeue('root#prod', 'late');
      assert.deepEqual((await leases.peek('root#prod')).queued ?? [], []);
    });
  });
}

let emulator: RunningEmulator;
let moto: { url: string; process: ChildProcess } | undefined;
before(async () => {
  emulator = await startEmulator();
  moto = await startMoto();
});
after(async () => {
  await emulator.stop();
  moto?.process.kill('SIGTERM');
});
leaseQueueBehaviour('our emulator', () => emulator.url);
leaseQueueBehaviour('moto_server', () => moto?.url ?? '');

describe('simultaneous provisions with the lease table', () => {
  let env: EngineEnv;
  before(async () => {
    env = await engineEnv({ quotas: { clusters: 200, instances: 200 } });
  });
  after(async () => {
    await env.emulator.stop();
  });

  it('30 at once: one clone each, most restored in another request’s hold, none over the limit', async () => {
    // Act: 30 requests, each with its own key; copies allowed
    const results: ProvisionResult[] = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        provisionClone({ sourceClusterId: 'prod', requestKey: `q-${i}`, wait: true }, { ...env.options }),
      ),
    );
    // Assess: from the emulator's records
    const clones = env.emulator.rds
      .clusters()
      .filter((c) => c.tags.some((t) => t.Key === TAG.role && t.Value === 'clone'));
    const keys = clones.map((c) => c.tags.find((t) => t.Key === TAG.request)?.Value);
    assert.equal(clones.length, 30, 'exactly one clone per request');
    assert.equal(new Set(keys).size, 30);
    assert.ok(results.every((r) => r.status === 'available' && r.instanceId !== '' && !r.reused));
    const served = results.filter((r) => r.plan.steps[0]?.kind === 'reuse');
    assert.ok(served.length >= 10, `${served.length} of 30 were restored by another request's hold`);
    assert.ok([...clonesPerSource(env.emulator).values()].every((n) => n <= 15));
    assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
    const writers = env.emulator.rds.instances().filter((i) => clones.some((c) => c.id === i.clusterId));
    assert.equal(writers.length, 30, 'each clone has one writer');
  });
});
