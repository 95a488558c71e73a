// Fault injection absorbed by the SDK's own retries, the control API, and --state persistence.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  CreateDBClusterCommand,
  DescribeDBClustersCommand,
  ListTagsForResourceCommand,
  RestoreDBClusterToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import { startEmulator } from '../../src/emulator/index.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { PG, rdsClient } from './emulator-rds-harness.ts';

describe('emulator: injected faults are absorbed by the SDK retries', () => {
  for (const [kind, faults, counter] of [
    ['Throttling (HTTP 400)', { throttleRate: 0.3 }, 'throttled'],
    ['InternalFailure (HTTP 500)', { errorRate: 0.3 }, 'internalFailures'],
  ] as const) {
    test(`${kind} on 30% of requests`, async () => {
      // Prepare
      const emulator = await startEmulator({ faults, seed: 7, clock: new ManualClock() });
      try {
        const rds = rdsClient(emulator, { maxAttempts: 10 });
        // Act: every call must succeed, and create each cluster exactly once.
        for (let i = 0; i < 12; i++) {
          await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: `f-${i}`, Engine: PG.Engine }));
        }
        const listed = (await rds.send(new DescribeDBClustersCommand({}))).DBClusters!;
        // Assess
        assert.equal(listed.length, 12);
        const stats = emulator.stats();
        const create = stats.actions.CreateDBCluster!;
        assert.ok(create[counter] > 0, `some ${kind} were injected`);
        assert.equal(create.count, 12 + create[counter], 'every failed attempt was retried once more');
        assert.equal(stats.faults[counter === 'throttled' ? 'throttleRate' : 'errorRate'], 0.3);
      } finally {
        await emulator.stop();
      }
    });
  }

  test('faults, stats and reset over the control API; latency injected', async () => {
    const emulator = await startEmulator({ clock: new ManualClock() });
    try {
      const rds = rdsClient(emulator);
      const set = await fetch(`${emulator.url}/_emulator/faults`, {
        method: 'POST',
        body: JSON.stringify({ throttleRate: 1 }),
      });
      assert.equal(set.status, 200);
      await assert.rejects(
        rds.send(new DescribeDBClustersCommand({})),
        (err: { Code?: string; $metadata?: { httpStatusCode?: number } }) => {
          assert.equal(err.Code, 'Throttling');
          assert.equal(err.$metadata?.httpStatusCode, 400);
          return true;
        },
      );
      const typo = await fetch(`${emulator.url}/_emulator/faults`, {
        method: 'POST',
        body: '{"throttle":1}',
      });
      assert.equal(typo.status, 400);
      emulator.setFaults({ throttleRate: 0, latencyMs: 50, jitterMs: 0 });
      const t0 = emulator.clock.now().getTime();
      await rds.send(new DescribeDBClustersCommand({}));
      assert.equal(emulator.clock.now().getTime() - t0, 50, 'latency is spent on the emulator clock');

      const stats = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()) as {
        actions: Record<string, { count: number; throttled: number }>;
        rds: { accidentalFullCopies: number };
      };
      assert.deepEqual(stats.actions.DescribeDBClusters, {
        count: 2,
        errors: 1,
        throttled: 1,
        internalFailures: 0,
      });
      assert.equal(stats.rds.accidentalFullCopies, 0);

      emulator.createSourceCluster({ id: 'prod' });
      const reset = await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
      assert.equal(reset.status, 200);
      assert.equal(emulator.rds.clusters().length, 0);
      assert.equal(emulator.stats().requests, 0);
    } finally {
      await emulator.stop();
    }
  });
});

describe('emulator: --state survives a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acm-emulator-state-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('clusters, tags, clone groups and accidental full copies come back; the file is written atomically', async () => {
    // Prepare
    const statePath = join(dir, 'nested', 'state.json');
    const clock = new ManualClock('2026-11-25T08:00:00Z');
    const first = await startEmulator({ clock, statePath, cloneGroupLimit: 1 });
    const rds1 = rdsClient(first);
    first.createSourceCluster({ id: 'prod' });
    for (const id of ['clone-a', 'clone-b']) {
      await rds1.send(
        new RestoreDBClusterToPointInTimeCommand({
          DBClusterIdentifier: id,
          SourceDBClusterIdentifier: 'prod',
          RestoreType: 'copy-on-write',
          UseLatestRestorableTime: true,
          Tags: [{ Key: 'who', Value: id }],
        }),
      );
    }
    const before = (await rds1.send(new DescribeDBClustersCommand({}))).DBClusters!;
    await first.stop();
    assert.deepEqual(readdirSync(join(dir, 'nested')), ['state.json'], 'no temporary files left behind');
    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as {
      version: number;
      services: Record<string, unknown>;
    };
    assert.equal(saved.version, 1);
    assert.ok(saved.services.rds);

    // Act: a new emulator on the same file; time has passed meanwhile.
    clock.advance(5_000);
    const second = await startEmulator({ clock, statePath, cloneGroupLimit: 1 });
    try {
      const rds2 = rdsClient(second);
      const after = (await rds2.send(new DescribeDBClustersCommand({}))).DBClusters!;

      // Assess
      assert.deepEqual(
        after.map((c) => [c.DBClusterIdentifier, c.DBClusterArn, c.CloneGroupId, c.DbClusterResourceId]),
        before.map((c) => [c.DBClusterIdentifier, c.DBClusterArn, c.CloneGroupId, c.DbClusterResourceId]),
      );
      assert.ok(
        after.every((c) => c.Status === 'available'),
        'statuses settle from the clock after a restart',
      );
      const tags = await rds2.send(
        new ListTagsForResourceCommand({
          ResourceName: after.find((c) => c.DBClusterIdentifier === 'clone-b')!.DBClusterArn!,
        }),
      );
      assert.deepEqual(tags.TagList, [{ Key: 'who', Value: 'clone-b' }]);
      assert.equal(second.rds.accidentalFullCopies.length, 1, 'clone-b (over the limit of 1) is remembered');
      assert.equal(second.rds.accidentalFullCopies[0]?.clusterId, 'clone-b');
    } finally {
      await second.stop();
    }
  });

  test('a state file of another format is refused, not overwritten', async () => {
    const statePath = join(dir, 'foreign.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(statePath, '{"something":"else"}');
    await assert.rejects(startEmulator({ statePath }), /unknown format/);
    assert.equal(readFileSync(statePath, 'utf8'), '{"something":"else"}');
  });
});
