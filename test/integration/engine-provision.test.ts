// The engine through the real SDK against the emulator over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deleteClone, describePool, maintainPool, provisionClone } from '../../src/engine/api.ts';
import {
  ClusterNotFoundError,
  NoCapacityError,
  NotManagedError,
  SourceNotFoundError,
  ValidationError,
} from '../../src/util/errors.ts';
import { clonesPerSource, type EngineEnv, engineEnv } from '../helpers/engine-env.ts';

describe('provisionClone against the emulator', () => {
  let env: EngineEnv;
  before(async () => {
    env = await engineEnv();
  });
  after(async () => {
    await env.emulator.stop();
  });

  it('makes a clone of the root with the root writer class and reports where to connect', async () => {
    // Act
    const r = await provisionClone(
      { sourceClusterId: 'prod', clusterId: 'first-clone', wait: true },
      env.options,
    );
    // Assess
    assert.equal(r.clusterId, 'first-clone');
    assert.equal(r.sourceClusterId, 'prod');
    assert.equal(r.status, 'available');
    assert.equal(r.copyMade, false);
    assert.ok(r.endpoint?.includes('first-clone'));
    assert.equal(typeof r.port, 'number');
    const inst = env.emulator.rds.instances().find((i) => i.clusterId === 'first-clone');
    assert.equal(inst?.instanceClass, 'db.r6g.large');
  });

  it('makes a db.serverless clone: restored with a capacity range, then its serverless writer', async () => {
    // Act
    const r = await provisionClone(
      { sourceClusterId: 'prod', clusterId: 'serverless-clone', instanceClass: 'db.serverless', wait: true },
      env.options,
    );
    // Assess
    assert.equal(r.status, 'available');
    const c = env.emulator.rds.cluster('serverless-clone');
    assert.deepEqual(c?.serverlessV2, { minCapacity: 0.5, maxCapacity: 16 });
    const inst = env.emulator.rds.instances().find((i) => i.clusterId === 'serverless-clone');
    assert.equal(inst?.instanceClass, 'db.serverless');
  });

  it('returns the same clone for a repeated request key, without making another', async () => {
    // Prepare
    const before = env.emulator.rds.clusters().length;
    // Act
    const a = await provisionClone({ sourceClusterId: 'prod', requestKey: 'req-1' }, env.options);
    const b = await provisionClone({ sourceClusterId: 'prod', requestKey: 'req-1' }, env.options);
    // Assess
    assert.equal(b.clusterId, a.clusterId);
    assert.equal(b.reused, true);
    assert.equal(env.emulator.rds.clusters().length, before + 1);
  });

  it('changes nothing on a dry run and explains the choice', async () => {
    // Prepare
    const before = env.emulator.rds.clusters().map((c) => `${c.id}:${c.status}`);
    const calls = env.emulator.stats();
    // Act
    const r = await provisionClone({ sourceClusterId: 'prod', dryRun: true }, env.options);
    // Assess
    assert.equal(r.dryRun, true);
    assert.equal(r.plan.steps[0]?.kind, 'clone');
    assert.match(r.plan.steps[0]?.reason ?? '', /root prod/);
    assert.deepEqual(
      env.emulator.rds.clusters().map((c) => `${c.id}:${c.status}`),
      before,
    );
    const mutating = Object.keys(env.emulator.stats().actions ?? {}).filter(
      (a) =>
        !/^(Describe|List|Get)/.test(a) &&
        (env.emulator.stats().actions[a]?.count ?? 0) !== (calls.actions[a]?.count ?? 0),
    );
    assert.deepEqual(mutating, []);
  });

  it('names the field of a bad input and creates nothing', async () => {
    const before = env.emulator.rds.clusters().length;
    await assert.rejects(
      provisionClone({ sourceClusterId: 'prod', clusterId: 'bad--id' }, env.options),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.field, 'clusterId');
        return true;
      },
    );
    await assert.rejects(provisionClone({ sourceClusterId: 'prod', ttl: 'soon' }, env.options), /ttl/);
    await assert.rejects(provisionClone({ sourceClusterId: 'nope' }, env.options), SourceNotFoundError);
    assert.equal(env.emulator.rds.clusters().length, before);
  });

  it('two deletes of the same clone at once both succeed', async () => {
    const r = await provisionClone({ sourceClusterId: 'prod', clusterId: 'twice', wait: true }, env.options);
    const [a, b] = await Promise.all([
      deleteClone({ clusterId: r.clusterId }, env.options),
      deleteClone({ clusterId: r.clusterId }, env.options),
    ]);
    assert.ok(a.deleted || a.alreadyGone);
    assert.ok(b.deleted || b.alreadyGone);
    const left = env.emulator.rds.cluster('twice');
    assert.ok(left === undefined || left.status === 'deleting');
  });

  it('refuses to delete the root or a cluster it did not make', async () => {
    await assert.rejects(deleteClone({ clusterId: 'prod' }, env.options), NotManagedError);
    assert.equal(env.emulator.rds.cluster('prod')?.status, 'available');
  });

  it('deletes a clone with its instance; deleting it again fails unless a missing cluster is allowed', async () => {
    const r = await provisionClone(
      { sourceClusterId: 'prod', clusterId: 'to-delete', wait: true },
      env.options,
    );
    const d = await deleteClone({ clusterId: r.clusterId, wait: true }, env.options);
    assert.equal(d.deleted, true);
    assert.deepEqual(d.instancesDeleted.length, 1);
    assert.equal(env.emulator.rds.cluster('to-delete'), undefined);
    await assert.rejects(deleteClone({ clusterId: r.arn }, env.options), ClusterNotFoundError);
    const again = await deleteClone({ clusterId: r.arn, ignoreMissing: true }, env.options);
    assert.equal(again.alreadyGone, true);
  });
});

describe('the pool under load', () => {
  it('40 provisions with copies allowed: no source over its limit, no accidental full copy', async () => {
    // Prepare
    const env = await engineEnv();
    try {
      // Act
      const results = [];
      for (let i = 0; i < 40; i++)
        results.push(await provisionClone({ sourceClusterId: 'prod' }, env.options));
      // Assess
      for (const [, n] of clonesPerSource(env.emulator)) assert.ok(n <= 15, `a source has ${n} clones`);
      assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
      assert.equal(results.filter((r) => r.sourceClusterId === 'prod').length, 15);
      assert.equal(results[15]?.copyMade, true, 'the 16th request made a copy and cloned it');
      assert.equal(results[15]?.sourceClusterId, results[15]?.copyClusterId);
      assert.equal(results[16]?.copyMade, false, 'the 17th used the copy the 16th made');
      assert.equal(new Set(results.map((r) => r.clusterId)).size, 40);
      const pool = await describePool('prod', env.options);
      assert.equal(pool.copies.length, 2);
      assert.equal(pool.clones.length, 40);
    } finally {
      await env.emulator.stop();
    }
  });

  it('30 simultaneous provisions with maxClonesPerSource 5: all answered, none over the limit', async () => {
    // Prepare
    const env = await engineEnv({ cloneGroupLimit: 15 }, { maxClonesPerSource: 5 });
    try {
      // Act: each request with its own clients, as separate Lambda invocations would be
      const settled = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          provisionClone({ sourceClusterId: 'prod', requestKey: `r${i}` }, { ...env.options }),
        ),
      );
      // Assess
      const failed = settled.filter((s) => s.status === 'rejected');
      assert.deepEqual(
        failed.map((f) => String((f as PromiseRejectedResult).reason)),
        [],
      );
      for (const [src, n] of clonesPerSource(env.emulator)) assert.ok(n <= 5, `${src} has ${n} clones`);
      assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
      const pool = await describePool('prod', { ...env.options, maxClonesPerSource: 5 });
      assert.equal(pool.clones.length, 30);
      assert.equal(pool.copies.length, 5, 'the 25 requests beyond the root shared 5 copies');
    } finally {
      await env.emulator.stop();
    }
  });

  it('a failed instance creation leaves no cluster behind', async () => {
    // Prepare: room for the root's writer only
    const env = await engineEnv({ quotas: { clusters: 200, instances: 1 } });
    try {
      // Act
      await assert.rejects(
        provisionClone({ sourceClusterId: 'prod', clusterId: 'doomed' }, env.options),
        /InstanceQuotaExceeded/,
      );
      // Assess: the new cluster is gone or going
      const left = env.emulator.rds.cluster('doomed');
      assert.ok(left === undefined || left.status === 'deleting', `doomed is ${left?.status}`);
    } finally {
      await env.emulator.stop();
    }
  });

  it('without copies allowed and no slot, says why and what would help', async () => {
    const env = await engineEnv({}, { maxClonesPerSource: 2 });
    try {
      await provisionClone({ sourceClusterId: 'prod' }, env.options);
      await provisionClone({ sourceClusterId: 'prod' }, env.options);
      await assert.rejects(
        provisionClone({ sourceClusterId: 'prod', copyOk: false }, env.options),
        (e: unknown) => {
          assert.ok(e instanceof NoCapacityError);
          assert.match(e.message, /prod \(root, available, 2\/2 used, 0 free/);
          assert.match(e.message, /copyOk/);
          return true;
        },
      );
    } finally {
      await env.emulator.stop();
    }
  });

  it('maintenance reaches its target, then purges obsolete copies and expired clones', async () => {
    const env = await engineEnv();
    try {
      const [report] = await maintainPool([{ clusterId: 'prod', targetCloneSlots: 40 }], env.options);
      assert.equal(report?.ok, true, report?.error);
      assert.equal(report?.created.length, 2, 'root 15 + 2 copies × 15 ≥ 40');
      const pool = await describePool('prod', env.options);
      assert.ok(pool.freeCapacity >= 40);
      const clone = await provisionClone({ sourceClusterId: 'prod', ttl: 'PT2S' }, env.options);
      // Copies take ~1.9 s to become available in the emulator; only then can they be deleted.
      await new Promise((r) => setTimeout(r, 2600));
      const [second] = await maintainPool(
        [{ clusterId: 'prod', targetCloneSlots: 40, maxCopyAge: 'PT2S' }],
        env.options,
      );
      assert.equal(second?.ok, true, second?.error);
      assert.ok(second?.deleted.includes(clone.clusterId), 'expired clone deleted');
      assert.ok(
        report?.created.every((c) => second?.deleted.includes(c)),
        `obsolete copies purged: ${JSON.stringify(second?.plan?.notes)} ${JSON.stringify(second?.plan?.sources)}`,
      );
      assert.equal(env.emulator.rds.cluster('prod')?.status, 'available');
    } finally {
      await env.emulator.stop();
    }
  });
});
