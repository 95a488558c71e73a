// The engine's cluster lookups through the real SDK against the emulator: list, get, extend, and a
// delete that looks the cluster up by id instead of reading the account.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeDBClustersCommand,
  type RDSClient,
  RestoreDBClusterToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import {
  deleteClone,
  extendClone,
  getClone,
  listClusters,
  maintainPool,
  provisionClone,
} from '../../src/engine/api.ts';
import type { CloneDescription } from '../../src/model/api.ts';
import { TAG } from '../../src/model/tags.ts';
import { ClusterNotFoundError, NotManagedError, ValidationError } from '../../src/util/errors.ts';
import { type EngineEnv, engineEnv } from '../helpers/engine-env.ts';
import { rdsClient } from './emulator-rds-harness.ts';

const HOUR = 3_600_000;

/** What AWS holds as the cluster's expires-at tag, read back through the SDK. */
async function expiresTag(rds: RDSClient, id: string): Promise<string | undefined> {
  const r = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
  return r.DBClusters?.[0]?.TagList?.find((t) => t.Key === TAG.expiresAt)?.Value;
}

function ids(list: CloneDescription[]): string[] {
  return list.map((c) => c.clusterId).sort();
}

/** Calls of one action the emulator received while `fn` ran. */
async function callsDuring(emulator: RunningEmulator, action: string, fn: () => Promise<unknown>) {
  const before = emulator.stats().actions[action]?.count ?? 0;
  await fn();
  return (emulator.stats().actions[action]?.count ?? 0) - before;
}

describe('listClusters, getClone and extendClone against the emulator', () => {
  let env: EngineEnv;
  let rds: RDSClient;
  let copyId: string;
  before(async () => {
    env = await engineEnv();
    rds = rdsClient(env.emulator, { maxAttempts: 3 });
    env.emulator.createSourceCluster({ id: 'billing', instanceClass: 'db.r6g.large' });
    env.emulator.createSourceCluster({ id: 'hand-made', instanceClass: 'db.r6g.large' });
    const o = env.options;
    await provisionClone(
      { sourceClusterId: 'prod', clusterId: 'p-ci', owner: 'ci', ttl: '8h', wait: true },
      o,
    );
    await provisionClone({ sourceClusterId: 'prod', clusterId: 'p-dev', owner: 'dev', requestKey: 'k1' }, o);
    await provisionClone({ sourceClusterId: 'billing', clusterId: 'b-ci', owner: 'ci', ttl: '8h' }, o);
    await provisionClone(
      { sourceClusterId: 'prod', clusterId: 'p-other', owner: 'ci', ttl: '1h' },
      { ...o, managerId: 'other' },
    );
    // One copy of billing: a fixed 16 slots wanted, the root has 15 (minus b-ci).
    const [report] = await maintainPool(
      [{ clusterId: 'billing', targetCloneSlots: 16, maxCloneSlots: 16 }],
      o,
    );
    assert.equal(report?.ok, true, report?.error);
    copyId = report?.created[0] ?? '';
    assert.ok(copyId);
  });
  after(async () => {
    rds.destroy();
    await env.emulator.stop();
  });

  describe('listClusters', () => {
    it("lists every manager's clones and copies of every source, never a cluster it did not make", async () => {
      // Act
      const all = await listClusters({}, env.options);
      // Assess
      assert.deepEqual(ids(all), ['b-ci', copyId, 'p-ci', 'p-dev', 'p-other'].sort());
      const order = all.map((c) => `${c.rootClusterId} ${c.createdAt}`);
      assert.deepEqual(order, [...order].sort(), 'by source, then oldest first');
    });

    it('describes each one from its tags: source, owner, expiry, request key, where to connect', async () => {
      const all = await listClusters({}, env.options);
      const ci = all.find((c) => c.clusterId === 'p-ci');
      assert.equal(ci?.role, 'clone');
      assert.equal(ci?.rootClusterId, 'prod');
      assert.equal(ci?.sourceClusterId, 'prod');
      assert.equal(ci?.owner, 'ci');
      assert.equal(ci?.managerId, 'aurora-clone-manager');
      assert.equal(ci?.status, 'available');
      assert.ok(ci?.endpoint?.includes('p-ci'));
      assert.equal(typeof ci?.port, 'number');
      assert.equal(ci?.arn, env.emulator.rds.cluster('p-ci')?.arn);
      assert.equal(ci?.createdAt, env.emulator.rds.cluster('p-ci')?.createdAt);
      assert.ok(ci?.dataTimestamp);
      assert.equal(ci?.expiresAt, await expiresTag(rds, 'p-ci'));
      const dev = all.find((c) => c.clusterId === 'p-dev');
      assert.equal(dev?.requestKey, 'k1');
      assert.equal(dev?.expiresAt, undefined);
      const copy = all.find((c) => c.clusterId === copyId);
      assert.equal(copy?.role, 'copy');
      assert.equal(copy?.rootClusterId, 'billing');
      assert.equal(copy?.expiresAt, undefined);
    });

    it('filters by owner, source (id or ARN), role and manager id', async () => {
      const o = env.options;
      assert.deepEqual(ids(await listClusters({ owner: 'ci' }, o)), ['b-ci', 'p-ci', 'p-other']);
      assert.deepEqual(ids(await listClusters({ sourceClusterId: 'billing' }, o)), ['b-ci', copyId].sort());
      const billingArn = env.emulator.rds.cluster('billing')?.arn ?? '';
      assert.deepEqual(ids(await listClusters({ sourceClusterId: billingArn }, o)), ['b-ci', copyId].sort());
      assert.deepEqual(ids(await listClusters({ sourceClusterId: 'prod', owner: 'ci' }, o)), [
        'p-ci',
        'p-other',
      ]);
      assert.deepEqual(ids(await listClusters({ role: 'copy' }, o)), [copyId]);
      assert.deepEqual(ids(await listClusters({ managerId: 'other' }, o)), ['p-other']);
      assert.deepEqual(await listClusters({ sourceClusterId: 'hand-made' }, o), []);
    });

    it('reads the clusters with their tags inline: one call per page, none per cluster', async () => {
      const stats = env.emulator.stats();
      await listClusters({}, env.options);
      const after = env.emulator.stats();
      const delta = (a: string) => (after.actions[a]?.count ?? 0) - (stats.actions[a]?.count ?? 0);
      assert.equal(delta('DescribeDBClusters'), 1);
      assert.equal(delta('DescribeDBInstances'), 0);
      assert.equal(delta('ListTagsForResource'), 0);
    });

    it('names a bad filter field', async () => {
      await assert.rejects(
        listClusters({ role: 'root' as 'copy' }, env.options),
        /role: must be clone or copy/,
      );
      await assert.rejects(
        listClusters({ sourceClusterId: 'bad--id' }, env.options),
        (e: unknown) => e instanceof ValidationError && e.field === 'sourceClusterId',
      );
    });
  });

  describe('getClone', () => {
    it('describes a managed clone as the list does, and says it is ready', async () => {
      // Act
      const got = await getClone('p-ci', env.options);
      // Assess
      const { ready, readiness, ...description } = got;
      assert.equal(ready, true);
      assert.equal(readiness, 'available');
      const listed = (await listClusters({}, env.options)).find((c) => c.clusterId === 'p-ci');
      assert.deepEqual(description, listed);
    });

    it('describes a cluster the manager did not make, without a role', async () => {
      const got = await getClone('hand-made', env.options);
      assert.equal(got.clusterId, 'hand-made');
      assert.equal(got.role, undefined);
      assert.equal(got.rootClusterId, undefined);
      assert.equal(got.ready, true);
    });

    it('fails with ClusterNotFoundError naming an id that does not exist', async () => {
      await assert.rejects(
        getClone('no-such-cluster', env.options),
        (e: unknown) =>
          e instanceof ClusterNotFoundError &&
          e.exitCode === 1 &&
          /cluster no-such-cluster does not exist/.test(e.message),
      );
    });
  });

  describe('extendClone', () => {
    it('moves the expires-at tag of a clone to now + ttl', async () => {
      // Prepare
      const before = await expiresTag(rds, 'p-ci');
      assert.ok(before);
      // Act
      const r = await extendClone({ clusterId: 'p-ci', ttl: '24h' }, env.options);
      // Assess
      const now = await expiresTag(rds, 'p-ci');
      assert.equal(r.changed, true);
      assert.equal(r.previousExpiresAt, before);
      assert.equal(now, r.expiresAt);
      const lead = new Date(now ?? 0).getTime() - Date.now();
      assert.ok(lead > 23 * HOUR && lead <= 24 * HOUR, `expires in ${lead} ms`);
    });

    it('never shortens: a shorter ttl leaves the tag as it is', async () => {
      const before = await expiresTag(rds, 'p-ci');
      const r = await extendClone({ clusterId: 'p-ci', ttl: 'PT1H' }, env.options);
      assert.equal(r.changed, false);
      assert.equal(r.expiresAt, before);
      assert.match(r.plan.notes[0] ?? '', /never shortens/);
      assert.equal(await expiresTag(rds, 'p-ci'), before);
    });

    it('changes nothing on a dry run, whose plan says what it would set', async () => {
      const before = await expiresTag(rds, 'p-ci');
      const r = await extendClone({ clusterId: 'p-ci', ttl: 48 * HOUR, dryRun: true }, env.options);
      assert.equal(r.dryRun, true);
      assert.equal(r.plan.steps[0]?.kind, 'tag');
      assert.notEqual(r.expiresAt, before);
      assert.equal(await expiresTag(rds, 'p-ci'), before);
    });

    it("refuses a copy, the root, a cluster it did not make and another manager's clone", async () => {
      const tags = async () =>
        Promise.all(['p-other', copyId].map(async (id) => `${id}=${await expiresTag(rds, id)}`));
      const before = await tags();
      for (const clusterId of [copyId, 'prod', 'hand-made', 'p-other']) {
        await assert.rejects(extendClone({ clusterId, ttl: '8h' }, env.options), NotManagedError, clusterId);
      }
      await assert.rejects(
        extendClone({ clusterId: 'p-other', ttl: '8h' }, env.options),
        /p-other: it belongs to manager other, not aurora-clone-manager/,
      );
      assert.deepEqual(await tags(), before);
    });

    it('names a bad ttl and an unknown cluster', async () => {
      await assert.rejects(
        extendClone({ clusterId: 'p-ci', ttl: 'soon' }, env.options),
        (e: unknown) => e instanceof ValidationError && e.field === 'ttl',
      );
      await assert.rejects(extendClone({ clusterId: 'p-ci' } as never, env.options), /ttl: is required/);
      await assert.rejects(extendClone({ clusterId: 'gone', ttl: '8h' }, env.options), ClusterNotFoundError);
    });
  });
});

describe('deleteClone looks the cluster up by id', () => {
  let env: EngineEnv;
  before(async () => {
    // More than two pages of clusters: reading the account would take three calls.
    env = await engineEnv({ quotas: { clusters: 300, instances: 300 } });
    for (let i = 1; i <= 220; i++) {
      env.emulator.createSourceCluster({ id: `other-${String(i).padStart(3, '0')}` });
    }
    await provisionClone({ sourceClusterId: 'prod', clusterId: 'mine' }, env.options);
  });
  after(async () => {
    await env.emulator.stop();
  });

  it('rejects an id that does not exist with ClusterNotFoundError, unless a missing cluster is allowed', async () => {
    await assert.rejects(
      deleteClone({ clusterId: 'no-such-clone' }, env.options),
      (e: unknown) =>
        e instanceof ClusterNotFoundError &&
        e.exitCode === 1 &&
        /cluster no-such-clone does not exist/.test(e.message),
    );
    const r = await deleteClone({ clusterId: 'no-such-clone', ignoreMissing: true }, env.options);
    assert.equal(r.alreadyGone, true);
    assert.equal(r.deleted, false);
  });

  it('reads the cluster and its clone group, not the account', async () => {
    const { emulator, options } = env;
    const listing = await callsDuring(emulator, 'DescribeDBClusters', () => listClusters({}, options));
    assert.equal(listing, 3, 'the account is three pages');
    const planned = await callsDuring(emulator, 'DescribeDBClusters', async () => {
      const r = await deleteClone({ clusterId: 'mine', dryRun: true }, options);
      assert.equal(r.plan.steps[0]?.kind, 'delete');
    });
    assert.equal(planned, 2);
    const refused = await callsDuring(emulator, 'DescribeDBClusters', () =>
      assert.rejects(deleteClone({ clusterId: 'other-001' }, options), NotManagedError),
    );
    assert.equal(refused, 1);
    const missing = await callsDuring(emulator, 'DescribeDBClusters', () =>
      deleteClone({ clusterId: 'no-such-clone', ignoreMissing: true }, options),
    );
    assert.equal(missing, 1);
  });

  it('still refuses a managed cluster that other clones were made from as their root', async () => {
    // Prepare: a clone made by hand from `mine`, tagged as if `mine` were the root of a pool.
    const { emulator, options } = env;
    await provisionClone({ sourceClusterId: 'prod', clusterId: 'pool-root', wait: true }, options);
    const rds = rdsClient(emulator, { maxAttempts: 3 });
    try {
      const root = emulator.rds.cluster('pool-root')?.arn ?? '';
      await rds.send(
        new RestoreDBClusterToPointInTimeCommand({
          DBClusterIdentifier: 'child-of-pool-root',
          SourceDBClusterIdentifier: 'pool-root',
          RestoreType: 'copy-on-write',
          UseLatestRestorableTime: true,
          Tags: [
            { Key: TAG.role, Value: 'clone' },
            { Key: TAG.sourceArn, Value: root },
            { Key: TAG.rootArn, Value: root },
          ],
        }),
      );
    } finally {
      rds.destroy();
    }
    // Act / Assess
    await assert.rejects(deleteClone({ clusterId: 'pool-root' }, options), /root of a pool \(1 clusters/);
    assert.notEqual(emulator.rds.cluster('pool-root')?.status, 'deleting');
  });
});
