// Adversarial checks of the lease queue (docs/concurrency.md): what a request served by another
// request's hold reports and owns. Simultaneous provisions in one process against the emulator, with
// the lease in a DynamoDB table; counted from the emulator's records.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RDSClient } from '@aws-sdk/client-rds';
import { DynamoDbAdapter } from '../../src/aws/dynamodb.ts';
import { maintainPool, provisionClone } from '../../src/engine/api.ts';
import { DynamoDbLeaseStore, ensureLeaseTable } from '../../src/lease/dynamodb-lease.ts';
import { isHeld } from '../../src/lease/lease.ts';
import type { ProvisionResult } from '../../src/model/api.ts';
import { TAG } from '../../src/model/tags.ts';
import { ADOPT_WITHIN_MS } from '../../src/planner/batch.ts';
import { requestIdSuffix } from '../../src/planner/names.ts';
import { ManualClock, systemClock } from '../../src/util/clock.ts';
import { silentLogger } from '../../src/util/log.ts';
import { type EngineEnv, engineEnv } from '../helpers/engine-env.ts';
import { provisionPolicy } from '../unit/planner/policies.ts';

function clonesByRequest(env: EngineEnv): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of env.emulator.rds.clusters()) {
    if (c.status === 'deleting') continue;
    const tags = Object.fromEntries(c.tags.map((t) => [t.Key, t.Value]));
    if (tags[TAG.role] !== 'clone') continue;
    const key = tags[TAG.request] ?? '';
    out.set(key, [...(out.get(key) ?? []), c.id]);
  }
  return out;
}

function servedBy(r: ProvisionResult): string | undefined {
  const first = r.plan.steps[0];
  return first?.kind === 'reuse' ? first.servedBy : undefined;
}

/** Holds the root's lease as another process would, until `release` is called. */
async function holdLease(env: EngineEnv) {
  const aws = env.options.aws ?? {};
  const db = new DynamoDbAdapter(aws);
  const table = String(env.options.leaseTable);
  await ensureLeaseTable(db, table, { create: true, clock: systemClock, logger: silentLogger });
  const store = new DynamoDbLeaseStore(db, table);
  const held = await store.tryAcquire('root#prod', 'someone-else', new Date(), 60_000);
  assert.ok(isHeld(held));
  return {
    queued: async () => (await store.peek('root#prod')).queued?.length ?? 0,
    release: () => held.release(held.state),
  };
}

async function until(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('requests served from another request’s hold', () => {
  let env: EngineEnv;
  before(async () => {
    env = await engineEnv({ quotas: { clusters: 200, instances: 200 } });
  });
  after(async () => {
    await env.emulator.stop();
  });

  it('a burst that uses every slot of the root reports the root nearly full (the low-water mark)', async () => {
    // Prepare: the lease is busy while 15 requests arrive, so they all queue
    const lease = await holdLease(env);
    const pending = Array.from({ length: 15 }, (_, i) =>
      provisionClone({ sourceClusterId: 'prod', requestKey: `full-${i}` }, env.options),
    );
    await until(async () => (await lease.queued()) === 15);
    // Act
    await lease.release();
    const results = await Promise.all(pending);
    // Assess: 15 clones on the root, 0 free; someone must say so (maintenance starts on it)
    const onRoot = results.filter((r) => r.sourceClusterId === 'prod').length;
    assert.equal(onRoot, 15);
    assert.ok(results.some(servedBy), 'some were served');
    const least = Math.min(...results.map((r) => r.freeCapacity ?? Number.POSITIVE_INFINITY));
    assert.ok(least < 5, `after 15 clones of 15 the least free capacity reported is ${least}`);
  });
});

describe('a served request repeated with the same key', () => {
  let env: EngineEnv;
  before(async () => {
    env = await engineEnv({ quotas: { clusters: 200, instances: 200 } });
  });
  after(async () => {
    await env.emulator.stop();
  });

  it('does not delete the clone the first request returned when the repeat fails', async () => {
    // Prepare: 4 requests queue behind a busy lease; most are served by the first to get it
    const lease = await holdLease(env);
    const pending = Array.from({ length: 4 }, (_, i) =>
      provisionClone({ sourceClusterId: 'prod', requestKey: `rep-${i}`, wait: true }, env.options),
    );
    await until(async () => (await lease.queued()) === 4);
    await lease.release();
    const results = await Promise.all(pending);
    const served = results.find(servedBy);
    assert.ok(served, 'one was served');
    const requestKey = [...clonesByRequest(env)].find(([, ids]) => ids.includes(served.clusterId))?.[0];
    assert.ok(requestKey);
    // Act: the same request again (a retry, a re-run of the job) whose wait fails (here: not allowed
    // to describe instances)
    const rds = new RDSClient({
      endpoint: env.emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    rds.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { DBInstanceIdentifier?: string };
        if (context.commandName === 'DescribeDBInstancesCommand' && input.DBInstanceIdentifier) {
          throw Object.assign(new Error('not authorized to perform: rds:DescribeDBInstances'), {
            name: 'AccessDenied',
            $fault: 'client',
            $metadata: { httpStatusCode: 403 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'denyDescribeInstance' },
    );
    await assert.rejects(
      provisionClone(
        { sourceClusterId: 'prod', requestKey, wait: true },
        { ...env.options, clients: { rds } },
      ),
    );
    // Assess: the clone the first request returned (available, in use) is still there
    assert.deepEqual(clonesByRequest(env).get(requestKey), [served.clusterId]);
  });
});

describe('requests of two manager deployments sharing the lease table', () => {
  let env: EngineEnv;
  before(async () => {
    env = await engineEnv({ quotas: { clusters: 200, instances: 200 } });
  });
  after(async () => {
    await env.emulator.stop();
  });

  it('get one clone each, whichever deployment holds the lease', async () => {
    // Prepare: requests of two deployments (--manager-id) queue behind a busy lease
    const lease = await holdLease(env);
    const pending = Array.from({ length: 6 }, (_, i) =>
      provisionClone(
        { sourceClusterId: 'prod', requestKey: `m-${i}` },
        { ...env.options, managerId: i % 2 ? 'team-b' : 'aurora-clone-manager' },
      ),
    );
    await until(async () => (await lease.queued()) === 6);
    // Act
    await lease.release();
    const results = await Promise.all(pending);
    // Assess
    const byKey = clonesByRequest(env);
    const extra = [...byKey].filter(([, ids]) => ids.length > 1);
    assert.deepEqual(extra, [], 'one clone per request key');
    assert.equal(new Set(results.map((r) => r.clusterId)).size, 6);
  });
});

describe('a queued request whose process died', () => {
  let env: EngineEnv;
  before(async () => {
    env = await engineEnv({ quotas: { clusters: 200, instances: 200 } });
  });
  after(async () => {
    await env.emulator.stop();
  });

  it(`gets a clone that expires within ${ADOPT_WITHIN_MS / 60_000} min and is then deleted; a live served request keeps its clone without expiry`, async () => {
    // Prepare: a CLI joined the queue (the entry it writes) and was killed -9 right after
    const db = new DynamoDbAdapter(env.options.aws ?? {});
    const table = String(env.options.leaseTable);
    await ensureLeaseTable(db, table, { create: true, clock: systemClock, logger: silentLogger });
    await new DynamoDbLeaseStore(db, table).enqueue('root#prod', {
      requestKey: 'dead-1',
      ticket: 'ticket-of-a-dead-process',
      managerId: 'aurora-clone-manager',
      at: new Date().toISOString(),
      idSuffix: requestIdSuffix(new Date(), 'dead-1'),
      policy: provisionPolicy({ requestKey: 'dead-1' }),
    });
    // Act: two live requests arrive together; the first holds the lease and serves the dead one too
    const [first, second] = await Promise.all(
      ['alive-1', 'alive-2'].map((requestKey) =>
        provisionClone({ sourceClusterId: 'prod', requestKey }, env.options),
      ),
    );
    // Assess, from the emulator's records
    const tagsOf = (key: string) =>
      env.emulator.rds
        .clusters()
        .filter(
          (c) => c.status !== 'deleting' && c.tags.some((t) => t.Key === TAG.request && t.Value === key),
        )
        .map((c) => Object.fromEntries(c.tags.map((t) => [t.Key, t.Value])));
    const [dead] = tagsOf('dead-1');
    assert.ok(dead, 'the hold restored for the dead request');
    const expiry = Date.parse(dead[TAG.expiresAt] ?? '');
    assert.ok(expiry <= Date.now() + ADOPT_WITHIN_MS, `its clone expires at ${dead[TAG.expiresAt]}`);
    assert.ok(
      [first, second].some((r) => r && servedBy(r) !== undefined),
      'one live request was served',
    );
    for (const key of ['alive-1', 'alive-2']) {
      assert.equal(tagsOf(key)[0]?.[TAG.expiresAt], undefined, `${key} asked for no expiry and has none`);
    }
    // …and maintenance after the deadline deletes it, writer and all (once it can be deleted)
    while (env.emulator.rds.instances().some((i) => i.status !== 'available')) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const later = new ManualClock(new Date(expiry + 60_000));
    const [report] = await maintainPool([{ clusterId: 'prod', targetCloneSlots: 1, maxCloneSlots: 1 }], {
      ...env.options,
      clock: later,
    });
    assert.ok(report?.ok, report?.error);
    assert.deepEqual(tagsOf('dead-1'), [], 'the dead request’s clone is being deleted');
    assert.equal(tagsOf('alive-1').length + tagsOf('alive-2').length, 2, 'the live clones stay');
  });
});
