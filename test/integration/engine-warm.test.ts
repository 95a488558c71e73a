// Warm clones and the demand-sized pool through the real engine, SDK and emulator: what a team
// notices is a clone in seconds (claimed, not restored), each warm clone going to exactly one
// request, nothing silently fully copied, and a pool that grows with the demand it has seen.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DescribeDBClustersCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { ManualClock } from '../../src/emulator/index.ts';
import { describePool, maintainPool, provisionClone } from '../../src/engine/api.ts';
import { TAG } from '../../src/model/tags.ts';
import { engineEnv } from '../helpers/engine-env.ts';
import { rdsClient } from './emulator-rds-harness.ts';

const emulators: RunningEmulator[] = [];
after(async () => {
  for (const e of emulators) await e.stop();
});

async function tagsOf(rds: RDSClient, id: string): Promise<Record<string, string>> {
  const c = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters?.[0];
  return Object.fromEntries((c?.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

async function untilAvailable(options: Parameters<typeof describePool>[1], copies: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const pool = await describePool('prod', options);
    if (
      pool.copies.filter((c) => c.status === 'available').length >= copies &&
      pool.clones.every((c) => c.status === 'available')
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the pool did not settle');
}

describe('warm clones', () => {
  it('30 simultaneous requests and 10 warm clones: 10 claim one each, 20 restore, nothing fully copied by accident', async () => {
    // Prepare: maintenance keeps 10 warm clones and a fixed 20 free slots (one copy).
    const env = await engineEnv();
    emulators.push(env.emulator);
    const [report] = await maintainPool(
      [{ clusterId: 'prod', targetCloneSlots: 20, maxCloneSlots: 20, warmClones: 10 }],
      env.options,
    );
    assert.equal(report?.ok, true, report?.error);
    assert.equal(report?.warmMade?.length, 10);
    assert.equal(report?.created.length, 1, 'one copy for the 20 free slots wanted');
    await untilAvailable(env.options, 1);
    // Act: 30 requests at once, a few of them naming their clone.
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        provisionClone(
          {
            sourceClusterId: 'prod',
            requestKey: `job-${i}`,
            owner: `dev-${i}`,
            ...(i < 5 ? { clusterId: `named-${i}` } : {}),
          },
          env.options,
        ),
      ),
    );
    // Assess
    const claimed = results.filter((r) => r.claimedWarmClone).map((r) => r.claimedWarmClone);
    assert.equal(claimed.length, 10);
    assert.equal(new Set(claimed).size, 10, 'no warm clone went to two requests');
    assert.equal(results.filter((r) => !r.claimedWarmClone && !r.copyMade).length, 20);
    assert.equal(new Set(results.map((r) => r.clusterId)).size, 30);
    assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
    const rds = rdsClient(env.emulator);
    for (const r of results.filter((x) => x.claimedWarmClone)) {
      const tags = await tagsOf(rds, r.clusterId);
      assert.equal(tags[TAG.warm], undefined);
      assert.match(tags[TAG.owner] ?? '', /^dev-\d+$/);
    }
    for (let i = 0; i < 5; i++) {
      const tags = await tagsOf(rds, `named-${i}`);
      assert.equal(tags[TAG.request], `job-${i}`, `named-${i} exists under the name asked for`);
    }
    rds.destroy();
  });

  // Which name a renaming cluster answers to is not confirmed on AWS: the claim works either way.
  for (const renameTakesEffect of ['end', 'start'] as const) {
    it(`a named request gets the warm clone renamed, endpoints included, ready at once (new name answers at the ${renameTakesEffect} of the rename)`, async () => {
      const env = await engineEnv({ renameTakesEffect });
      emulators.push(env.emulator);
      await maintainPool([{ clusterId: 'prod', targetCloneSlots: 0, warmClones: 1 }], env.options);
      await untilAvailable(env.options, 0);
      const r = await provisionClone(
        { sourceClusterId: 'prod', clusterId: 'pr-42', ttl: '2h', wait: true },
        env.options,
      );
      assert.ok(r.claimedWarmClone);
      assert.equal(r.clusterId, 'pr-42');
      assert.equal(r.status, 'available');
      assert.match(r.endpoint ?? '', /^pr-42\.cluster-/);
      const rds = rdsClient(env.emulator);
      const ids = ((await rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? []).map(
        (c) => c.DBClusterIdentifier,
      );
      assert.ok(!ids.includes(r.claimedWarmClone), 'the warm name is gone');
      assert.ok((await tagsOf(rds, 'pr-42'))[TAG.expiresAt]);
      rds.destroy();
    });
  }

  it('unclaimed warm clones expire and maintenance replaces them', async () => {
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const env = await engineEnv({ clock }, { clock });
    emulators.push(env.emulator);
    const config = [{ clusterId: 'prod', targetCloneSlots: 0, warmClones: 2, warmCloneTtl: 'PT6H' }];
    const [first] = await maintainPool(config, env.options);
    assert.equal(first?.warmMade?.length, 2);
    clock.advance(7 * 3_600_000);
    const [second] = await maintainPool(config, env.options);
    assert.deepEqual([...(second?.deleted ?? [])].sort(), [...(first?.warmMade ?? [])].sort());
    assert.equal(second?.warmMade?.length, 2);
    const pool = await describePool('prod', env.options);
    assert.equal(pool.warmClones?.count, 2);
    assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
  });
});

describe('a pool sized by demand', () => {
  it('maintenance keeps the free slots the same hours of the days before asked for, and none at night', async () => {
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const env = await engineEnv({ clock, cloneGroupLimit: 15 }, { clock });
    emulators.push(env.emulator);
    // A week ago, the source's first request started its demand clock.
    await provisionClone({ sourceClusterId: 'prod', clusterId: 'first' }, env.options);
    clock.advance(7 * 86_400_000);
    // Monday 09:00: 12 requests within the hour.
    for (let i = 0; i < 12; i++)
      await provisionClone({ sourceClusterId: 'prod', clusterId: `burst-${i}` }, env.options);
    const plan = async () =>
      (await maintainPool([{ clusterId: 'prod', targetCloneSlots: 0, dryRun: true }], env.options))[0];
    // Tuesday 08:00: the next 3 h had 12 requests yesterday; 2 free on the root, so one copy.
    clock.advance(23 * 3_600_000);
    const morning = await plan();
    assert.ok(
      morning?.plan?.notes.includes(
        'target 12 free slots for the next 3h: the busiest 3h around these hours on the last 7 days had 12 requests (2026-03-09 08:00–11:00 UTC)',
      ),
      morning?.plan?.notes.join('\n'),
    );
    assert.equal(morning?.plan?.steps.filter((s) => s.kind === 'copy').length, 1);
    assert.equal(morning?.capacityAfter, 17);
    // Tuesday 20:00: nothing was asked for at these hours: no copy.
    clock.advance(12 * 3_600_000);
    assert.deepEqual((await plan())?.plan?.steps, []);
  });
});

describe('warm clones that pause', () => {
  it('with pauseWhenIdle, db.serverless warm clones are restored down to 0 ACUs, pausing after 5 minutes', async () => {
    const env = await engineEnv();
    emulators.push(env.emulator);
    env.emulator.createSourceCluster({
      id: 'lean',
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
      instanceClass: 'db.r6g.large',
    });
    const [report] = await maintainPool(
      [
        {
          clusterId: 'lean',
          targetCloneSlots: 0,
          warmClones: 1,
          warmCloneInstanceClass: 'db.serverless',
          pauseWhenIdle: true,
        },
      ],
      env.options,
    );
    assert.equal(report?.ok, true, report?.error);
    const rds = rdsClient(env.emulator);
    const id = report?.warmMade?.[0] ?? '';
    const c = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters?.[0];
    rds.destroy();
    assert.equal(c?.ServerlessV2ScalingConfiguration?.MinCapacity, 0);
    assert.equal(c?.ServerlessV2ScalingConfiguration?.SecondsUntilAutoPause, 300);
    // A request for a serverless clone claims it.
    const r = await provisionClone({ sourceClusterId: 'lean', instanceClass: 'db.serverless' }, env.options);
    assert.equal(r.claimedWarmClone, id);
  });
});

describe('clones still being created', () => {
  // Whether AWS reports a new clone's CloneGroupId while it is `creating` is not confirmed: the count
  // under the lease must be exact either way.
  for (const cloneGroupIdWhileCreating of ['shown', 'hidden'] as const) {
    it(`30 simultaneous requests for 15 slots never overfill the group (CloneGroupId ${cloneGroupIdWhileCreating} while creating)`, async () => {
      const env = await engineEnv({ cloneGroupIdWhileCreating, timings: { cloneVolumeMs: 3_000 } });
      emulators.push(env.emulator);
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          provisionClone({ sourceClusterId: 'prod', clusterId: `burst-${i}`, copyOk: false }, env.options),
        ),
      );
      const made = results.filter((r) => r.status === 'fulfilled').length;
      assert.equal(made, 15, 'the root has 15 slots; the rest have no capacity');
      for (const r of results) {
        if (r.status === 'rejected') assert.match(String(r.reason), /no free clone slot/);
      }
      assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
    });
  }
});
