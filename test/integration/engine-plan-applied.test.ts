// The plan is the truth: for each situation a provision can meet, a dry run plans the steps and the
// real run with the same inputs (same instant, same requestKey, same clusterId) applies exactly them,
// in the same order, against the emulator through the real SDK.
//
// Time: every test shares one ManualClock between the emulator and the engine. Nothing moves it
// between the dry run and the real run, so both plan at the same instant and generate the same
// timestamped names (copy ids, writer ids); the real run's sleeps (polls, backoff) advance it, so
// waits finish in virtual time and the emulator's lifecycles follow. Names are therefore compared
// as they are, not normalised; each test also checks both plans were made at the same instant.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { maintainPool, provisionClone } from '../../src/engine/api.ts';
import type { ManagerOptions, ProvisionRequest, ProvisionResult } from '../../src/model/api.ts';
import type { DeleteStep } from '../../src/model/plan.ts';
import { TAG } from '../../src/model/tags.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { NoCapacityError } from '../../src/util/errors.ts';
import { type EngineEnv, engineEnv } from '../helpers/engine-env.ts';

const HOUR = 3_600_000;

/** A fresh emulator with source `prod`, emulator and engine on one ManualClock. */
async function pinnedEnv(
  manager: ManagerOptions = {},
  emulator: Parameters<typeof engineEnv>[0] = {},
): Promise<EngineEnv & { clock: ManualClock }> {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const env = await engineEnv({ ...emulator, clock }, { ...manager, clock });
  return { ...env, clock };
}

/** The dry run, then the real run, with nothing moving the clock in between. */
async function dryThenReal(
  env: EngineEnv & { clock: ManualClock },
  request: ProvisionRequest,
): Promise<{ dry: ProvisionResult; real: ProvisionResult }> {
  const at = env.clock.now().toISOString();
  const dry = await provisionClone({ ...request, dryRun: true }, env.options);
  assert.equal(env.clock.now().toISOString(), at, 'the dry run did not move the clock');
  const real = await provisionClone(request, env.options);
  return { dry, real };
}

const planned = (r: ProvisionResult) => r.plan.steps.map((s) => [s.kind, s.clusterId]);
const applied = (r: ProvisionResult) => r.applied.map((a) => [a.kind, a.clusterId]);

/** The real run applied exactly the dry run's steps, each one done, from a plan of the same instant. */
function assertAppliedIsPlan(dry: ProvisionResult, real: ProvisionResult) {
  assert.equal(dry.dryRun, true);
  assert.deepEqual(dry.applied, []);
  assert.equal(real.dryRun, false);
  assert.equal(real.plan.createdAt, dry.plan.createdAt, 'both plans were made at the same instant');
  assert.deepEqual(applied(real), planned(dry), 'applied steps = dry-run plan steps');
  assert.deepEqual(
    real.applied.filter((a) => a.outcome !== 'done' || a.error),
    [],
    'every applied step done, without error',
  );
  // The real run's first plan is the dry run's plan for the same state.
  assert.deepEqual(real.plan.steps, dry.plan.steps);
}

function assertNoAccidentalFullCopy(emulator: RunningEmulator) {
  assert.equal(emulator.stats().rds.accidentalFullCopies, 0);
}

/** Managed copies not being deleted, from the emulator's own records. */
function copies(emulator: RunningEmulator): string[] {
  return emulator.rds
    .clusters()
    .filter((c) => c.status !== 'deleting' && c.tags.some((t) => t.Key === TAG.role && t.Value === 'copy'))
    .map((c) => c.id)
    .sort();
}

function calls(emulator: RunningEmulator, action: string): number {
  return emulator.stats().actions[action]?.count ?? 0;
}

/** Clones made beforehand with explicit ids (no wait): they take the root's slots. */
async function fillRoot(env: EngineEnv, ids: string[]) {
  for (const clusterId of ids) {
    const r = await provisionClone({ sourceClusterId: 'prod', clusterId }, env.options);
    assert.equal(r.sourceClusterId, 'prod', `${clusterId} was cloned from the root`);
  }
}

/** One copy made by maintenance (not waited for); its id. */
async function oneCopyByMaintenance(env: EngineEnv, targetCloneSlots: number): Promise<string> {
  // A fixed target (floor = ceiling): no spare copy for a source this new, no demand to follow.
  const config = [{ clusterId: 'prod', targetCloneSlots, maxCloneSlots: targetCloneSlots }];
  const [report] = await maintainPool(config, env.options);
  assert.equal(report?.ok, true, report?.error);
  assert.equal(report?.created.length, 1, 'maintenance made exactly one copy');
  return report?.created[0] ?? '';
}

describe('a provision applies exactly the steps its dry run planned', () => {
  it('root with a free slot: clone, clone-writer (generated name, pinned clock)', async () => {
    // Prepare
    const env = await pinnedEnv();
    try {
      // Act: no clusterId, so the clone is named after the request key
      const { dry, real } = await dryThenReal(env, { sourceClusterId: 'prod', requestKey: 'free-slot' });
      // Assess
      assert.deepEqual(
        dry.plan.steps.map((s) => s.kind),
        ['clone', 'clone-writer'],
      );
      assertAppliedIsPlan(dry, real);
      assert.equal(real.clusterId, dry.clusterId);
      assert.match(real.clusterId, /^prod-[0-9a-f]{10}$/, 'named after the request key');
      assert.equal(real.sourceClusterId, 'prod');
      assert.ok(env.emulator.rds.cluster(real.clusterId), 'the clone exists');
      assertNoAccidentalFullCopy(env.emulator);
    } finally {
      await env.emulator.stop();
    }
  });

  it('root with a free slot and wait: clone, clone-writer, wait', async () => {
    // Prepare
    const env = await pinnedEnv();
    try {
      // Act
      const { dry, real } = await dryThenReal(env, {
        sourceClusterId: 'prod',
        clusterId: 'waited-clone',
        requestKey: 'free-slot-wait',
        wait: true,
      });
      // Assess
      assert.deepEqual(planned(dry), [
        ['clone', 'waited-clone'],
        ['clone-writer', 'waited-clone'],
        ['wait', 'waited-clone'],
      ]);
      assertAppliedIsPlan(dry, real);
      assert.equal(real.status, 'available');
      assert.equal(env.emulator.rds.cluster('waited-clone')?.status, 'available');
      assertNoAccidentalFullCopy(env.emulator);
    } finally {
      await env.emulator.stop();
    }
  });

  it('only a copy has a slot: clone from the copy, clone-writer', async () => {
    // Prepare: one copy made by maintenance (root 2 + copy 2 = target 4), left to become available,
    // then the root filled
    const env = await pinnedEnv({ maxClonesPerSource: 2 });
    try {
      const copyId = await oneCopyByMaintenance(env, 4);
      env.clock.advance(HOUR);
      assert.equal(env.emulator.rds.cluster(copyId)?.status, 'available');
      const writer = env.emulator.rds.instances().find((i) => i.clusterId === copyId);
      assert.equal(writer?.status, 'available');
      await fillRoot(env, ['fill-1', 'fill-2']);
      const restores = calls(env.emulator, 'RestoreDBClusterToPointInTime');
      // Act
      const { dry, real } = await dryThenReal(env, {
        sourceClusterId: 'prod',
        clusterId: 'on-copy',
        requestKey: 'copy-slot',
      });
      // Assess
      assert.deepEqual(planned(dry), [
        ['clone', 'on-copy'],
        ['clone-writer', 'on-copy'],
      ]);
      assertAppliedIsPlan(dry, real);
      assert.equal(real.sourceClusterId, copyId);
      assert.equal(real.copyMade, false);
      assert.deepEqual(copies(env.emulator), [copyId], 'no new copy');
      assert.equal(
        calls(env.emulator, 'RestoreDBClusterToPointInTime'),
        restores + 1,
        'one restore: the clone',
      );
      assertNoAccidentalFullCopy(env.emulator);
    } finally {
      await env.emulator.stop();
    }
  });

  it('no slot, a copy being made: waits for that copy (wait-copy, clone, clone-writer), makes no other', async () => {
    // Prepare: AWS-like timings (a full copy takes ~26 min of virtual time); polls may grow to a
    // minute of virtual time so the wait is a few dozen polls, not thousands.
    const env = await pinnedEnv(
      { maxClonesPerSource: 2, pollMaxMs: 60_000, waitTimeoutMs: 6 * HOUR },
      { awsTimings: true },
    );
    try {
      await fillRoot(env, ['fill-1', 'fill-2']);
      const copyId = await oneCopyByMaintenance(env, 2);
      assert.equal(env.emulator.rds.cluster(copyId)?.status, 'creating');
      const restores = calls(env.emulator, 'RestoreDBClusterToPointInTime');
      // Act
      const { dry, real } = await dryThenReal(env, {
        sourceClusterId: 'prod',
        clusterId: 'waiter',
        requestKey: 'wait-for-copy',
      });
      // Assess
      assert.deepEqual(planned(dry), [
        ['wait-copy', copyId],
        ['clone', 'waiter'],
        ['clone-writer', 'waiter'],
      ]);
      assertAppliedIsPlan(dry, real);
      assert.equal(real.sourceClusterId, copyId, 'cloned from the copy it waited for');
      assert.equal(real.copyMade, false);
      assert.equal(real.copyClusterId, copyId);
      assert.equal(env.emulator.rds.cluster(copyId)?.status, 'available', 'the copy was waited for');
      assert.deepEqual(copies(env.emulator), [copyId], 'no new copy was made');
      assert.equal(
        calls(env.emulator, 'RestoreDBClusterToPointInTime'),
        restores + 1,
        'one restore: the clone',
      );
      assertNoAccidentalFullCopy(env.emulator);
    } finally {
      await env.emulator.stop();
    }
  });

  it('no slot, no copy being made, copyOk: copy, copy-writer, wait-copy, clone, clone-writer', async () => {
    // Prepare
    const env = await pinnedEnv({ maxClonesPerSource: 2 });
    try {
      await fillRoot(env, ['fill-1', 'fill-2']);
      // Act: the copy's generated name comes from the pinned instant, the same in both runs
      const { dry, real } = await dryThenReal(env, {
        sourceClusterId: 'prod',
        clusterId: 'after-copy',
        requestKey: 'make-copy',
      });
      // Assess
      const copyId = dry.copyClusterId ?? '';
      assert.match(copyId, /^prod-[0-9a-f]{10}-copy$/);
      assert.deepEqual(planned(dry), [
        ['copy', copyId],
        ['copy-writer', copyId],
        ['wait-copy', copyId],
        ['clone', 'after-copy'],
        ['clone-writer', 'after-copy'],
      ]);
      assertAppliedIsPlan(dry, real);
      assert.equal(real.copyMade, true);
      assert.equal(real.copyClusterId, copyId);
      assert.equal(real.sourceClusterId, copyId);
      assert.deepEqual(copies(env.emulator), [copyId], 'exactly one copy');
      assertNoAccidentalFullCopy(env.emulator);
    } finally {
      await env.emulator.stop();
    }
  });

  it('no slot and copyOk false: dry run and real run both refuse, nothing is created', async () => {
    // Prepare
    const env = await pinnedEnv({ maxClonesPerSource: 2 });
    try {
      await fillRoot(env, ['fill-1', 'fill-2']);
      const clusters = env.emulator.rds.clusters().map((c) => c.id);
      const instances = env.emulator.rds.instances().map((i) => i.id);
      const restores = calls(env.emulator, 'RestoreDBClusterToPointInTime');
      const creates = calls(env.emulator, 'CreateDBInstance');
      const request: ProvisionRequest = {
        sourceClusterId: 'prod',
        clusterId: 'refused',
        requestKey: 'no-copy',
        copyOk: false,
      };
      // Act + Assess
      await assert.rejects(provisionClone({ ...request, dryRun: true }, env.options), NoCapacityError);
      await assert.rejects(provisionClone(request, env.options), NoCapacityError);
      assert.deepEqual(
        env.emulator.rds.clusters().map((c) => c.id),
        clusters,
      );
      assert.deepEqual(
        env.emulator.rds.instances().map((i) => i.id),
        instances,
      );
      assert.equal(calls(env.emulator, 'RestoreDBClusterToPointInTime'), restores);
      assert.equal(calls(env.emulator, 'CreateDBInstance'), creates);
      assertNoAccidentalFullCopy(env.emulator);
    } finally {
      await env.emulator.stop();
    }
  });

  it('an obsolete copy with no clones: the plan purges it and the real run deletes it', async () => {
    // Prepare: a copy made by maintenance (root 15 + copy 15 = target 30), then 2 h of virtual time
    const env = await pinnedEnv();
    try {
      const copyId = await oneCopyByMaintenance(env, 30);
      env.clock.advance(2 * HOUR);
      assert.equal(env.emulator.rds.cluster(copyId)?.status, 'available');
      // Act: copies older than 1 h are obsolete for this request
      const { dry, real } = await dryThenReal(env, {
        sourceClusterId: 'prod',
        clusterId: 'with-purge',
        requestKey: 'purge',
        maxCopyAge: 'PT1H',
      });
      // Assess
      assert.deepEqual(planned(dry), [
        ['clone', 'with-purge'],
        ['clone-writer', 'with-purge'],
        ['delete', copyId],
      ]);
      const purge = dry.plan.steps.find((s): s is DeleteStep => s.kind === 'delete');
      assert.equal(purge?.purpose, 'purge');
      assert.equal(purge?.role, 'copy');
      assertAppliedIsPlan(dry, real);
      const left = env.emulator.rds.cluster(copyId);
      assert.ok(left === undefined || left.status === 'deleting', `copy ${copyId} is ${left?.status}`);
      assert.equal(env.emulator.rds.cluster('prod')?.status, 'available');
      assertNoAccidentalFullCopy(env.emulator);
    } finally {
      await env.emulator.stop();
    }
  });

  it('a repeated request key: the second dry run plans reuse and the second run applies only reuse', async () => {
    // Prepare
    const env = await pinnedEnv();
    try {
      const request: ProvisionRequest = {
        sourceClusterId: 'prod',
        clusterId: 'once',
        requestKey: 'same-key',
      };
      const first = await dryThenReal(env, request);
      assertAppliedIsPlan(first.dry, first.real);
      const clusters = env.emulator.rds.clusters().length;
      const restores = calls(env.emulator, 'RestoreDBClusterToPointInTime');
      // Act
      const { dry, real } = await dryThenReal(env, request);
      // Assess
      assert.deepEqual(planned(dry), [['reuse', 'once']]);
      assertAppliedIsPlan(dry, real);
      assert.equal(real.reused, true);
      assert.equal(real.clusterId, 'once');
      assert.equal(env.emulator.rds.clusters().length, clusters);
      assert.equal(calls(env.emulator, 'RestoreDBClusterToPointInTime'), restores);
      assertNoAccidentalFullCopy(env.emulator);
    } finally {
      await env.emulator.stop();
    }
  });
});
