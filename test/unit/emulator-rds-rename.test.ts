// Renames in the RDS model: the Region's lookups stay what a fresh index of the state says through
// renames mixed with every other change (and a save and restore mid-rename), under both choices of
// when the new identifier takes effect; and the Serverless v2 rules for a minimum of 0 ACU.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom } from '../../src/emulator/faults.ts';
import {
  createCluster,
  deleteCluster,
  modifyCluster,
  restoreCluster,
} from '../../src/emulator/services/rds/clusters.ts';
import { RdsFault } from '../../src/emulator/services/rds/errors.ts';
import { createInstance, deleteInstance } from '../../src/emulator/services/rds/instances.ts';
import { RdsModel } from '../../src/emulator/services/rds/model.ts';
import { type RdsOptionsInput, resolveRdsOptions } from '../../src/emulator/services/rds/options.ts';
import { RegionIndex, volumeGroupOf } from '../../src/emulator/services/rds/region-index.ts';
import { checkServerlessV2, supportsAutoPause } from '../../src/emulator/services/rds/serverless-v2.ts';
import { createSourceCluster } from '../../src/emulator/services/rds/source.ts';
import { ManualClock } from '../../src/util/clock.ts';

const R = 'us-east-1';

function account(options: RdsOptionsInput = {}) {
  const clock = new ManualClock('2026-11-25T00:00:00Z');
  const resolved = resolveRdsOptions({
    cloneGroupLimit: 3,
    quotas: { clusters: 60, instances: 60 },
    ...options,
  });
  return { clock, model: new RdsModel(clock, '123456789012', R, resolved) };
}

/** The live index answers as one built afresh from the plain state, and the records agree with their keys. */
function assertIndexTrue(model: RdsModel, context: string): void {
  model.settle();
  const region = model.region(R);
  const live = model.indexOf(region);
  const fresh = RegionIndex.of(region);
  assert.deepEqual([...live.clusterIds.values()], [...fresh.clusterIds.values()], `${context}: clusters`);
  assert.deepEqual([...live.instanceIds.values()], [...fresh.instanceIds.values()], `${context}: instances`);
  for (const [key, c] of Object.entries(region.clusters)) {
    const where = `${context}: ${key}`;
    assert.equal(c.id, key, `${where} is filed under its identifier`);
    assert.equal(c.arn, model.clusterArn(R, c.id), `${where}: ARN`);
    assert.deepEqual(
      live.instancesOf(c.id).map((i) => i.id),
      fresh.instancesOf(c.id).map((i) => i.id),
      `${where}: members`,
    );
    assert.equal(
      live.copyOnWriteMembers(volumeGroupOf(c)),
      fresh.copyOnWriteMembers(volumeGroupOf(c)),
      `${where}: clones on its volume`,
    );
    assert.deepEqual(
      [...live.cloneGroupMembers(c.cloneGroupId)].sort(),
      [...fresh.cloneGroupMembers(c.cloneGroupId)].sort(),
      `${where}: clone group`,
    );
    if (c.status === 'renaming' && c.pendingIdentifier !== undefined) {
      assert.ok(model.clusterIdTaken(region, c.pendingIdentifier), `${where}: its new identifier is held`);
    }
  }
  for (const i of Object.values(region.instances)) {
    assert.ok(Object.hasOwn(region.clusters, i.clusterId), `${context}: ${i.id} belongs to a cluster`);
  }
}

describe('RDS model: renames', () => {
  for (const renameTakesEffect of ['end', 'start'] as const) {
    test(`lookups stay true through 400 random changes with renames (new identifier at the ${renameTakesEffect})`, () => {
      // Prepare
      const { clock, model } = account({ renameTakesEffect });
      const random = seededRandom(21);
      const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(random() * xs.length)];
      const name = () => `c-${Math.floor(random() * 50)}`;
      const existing = () => Object.keys(model.region(R).clusters);
      let renamed = 0;
      // Act
      for (let step = 0; step < 400; step++) {
        const roll = random();
        try {
          if (roll < 0.12) createSourceCluster(model, { id: name() });
          else if (roll < 0.35) {
            restoreCluster(model, R, {
              id: name(),
              sourceClusterId: pick(existing()) ?? 'none',
              restoreType: random() < 0.8 ? 'copy-on-write' : 'full-copy',
              useLatestRestorableTime: true,
            });
          } else if (roll < 0.5) {
            createInstance(model, R, {
              id: `${name()}-i${Math.floor(random() * 3)}`,
              clusterId: pick(existing()) ?? 'none',
              engine: 'aurora-postgresql',
              instanceClass: 'db.r6g.large',
            });
          } else if (roll < 0.57)
            deleteInstance(model, R, pick(Object.keys(model.region(R).instances)) ?? 'none');
          else if (roll < 0.62)
            deleteCluster(model, R, { id: pick(existing()) ?? 'none', skipFinalSnapshot: true });
          else if (roll < 0.8) {
            const c = modifyCluster(model, R, {
              id: pick(existing()) ?? 'none',
              newId: name(),
              applyImmediately: random() < 0.8,
            });
            if (c.status === 'renaming') renamed += 1;
          } else clock.advance(Math.floor(random() * 500));
        } catch (err) {
          if (!(err instanceof RdsFault)) throw err;
        }
        if (step % 10 === 9) assertIndexTrue(model, `step ${step}`);
      }
      // Assess
      assert.ok(renamed > 10, `renames started: ${renamed}`);
      clock.advance(10_000);
      assertIndexTrue(model, 'at rest');
    });
  }

  test('a rename saved mid-way holds its new identifier after a restore, and ends', () => {
    // Prepare
    const { clock, model } = account();
    createSourceCluster(model, { id: 'prod' });
    modifyCluster(model, R, { id: 'prod', newId: 'prod-old', applyImmediately: true });
    // Act
    const copy = new RdsModel(clock, '123456789012', R, model.options);
    copy.restore(JSON.parse(JSON.stringify(model.snapshot())));
    // Assess
    assert.throws(
      () => createCluster(copy, R, { id: 'prod-old', engine: 'aurora-postgresql' }),
      (e: RdsFault) => e.code === 'DBClusterAlreadyExistsFault',
    );
    clock.advance(200);
    assertIndexTrue(copy, 'restored');
    assert.deepEqual(
      copy.clusters().map((c) => [c.id, c.status]),
      [['prod-old', 'available']],
    );
    assert.equal(copy.instances()[0]?.clusterId, 'prod-old');
  });

  test("renameTakesEffect 'start': the new identifier answers from the request, renaming", () => {
    // Prepare
    const { clock, model } = account({ renameTakesEffect: 'start' });
    createSourceCluster(model, { id: 'prod' });
    // Act
    const c = modifyCluster(model, R, { id: 'prod', newId: 'renamed', applyImmediately: true });
    // Assess
    assert.deepEqual([c.id, c.status, c.pendingIdentifier], ['renamed', 'renaming', undefined]);
    assert.equal(model.findCluster(R, 'prod'), undefined);
    clock.advance(200);
    assert.deepEqual(
      model.clusters().map((x) => [x.id, x.status]),
      [['renamed', 'available']],
    );
  });

  test('renaming to its own identifier is accepted and renames nothing', () => {
    const { clock, model } = account();
    createSourceCluster(model, { id: 'prod' });
    assert.equal(
      modifyCluster(model, R, { id: 'prod', newId: 'PROD', applyImmediately: true }).status,
      'renaming',
    );
    clock.advance(200);
    assertIndexTrue(model, 'same name');
    assert.deepEqual(
      model.clusters().map((c) => [c.id, c.status]),
      [['prod', 'available']],
    );
  });

  test('the new options are validated', () => {
    assert.throws(
      () => resolveRdsOptions({ renameTakesEffect: 'later' as 'end' }),
      /renameTakesEffect must be end or start/,
    );
    assert.throws(
      () => resolveRdsOptions({ serverlessV2MinZero: 'yes' as 'all-versions' }),
      /serverlessV2MinZero must be/,
    );
    assert.equal(resolveRdsOptions({ awsTimings: true }).timings.renameMs, 60_000);
  });
});

describe('RDS model: Serverless v2 at 0 ACU', () => {
  test('versions that take a minimum of 0', () => {
    const cases: [string, string, boolean][] = [
      ['aurora-postgresql', '16.4', true],
      ['aurora-postgresql', '16.2', false],
      ['aurora-postgresql', '15.7', true],
      ['aurora-postgresql', '14.11', false],
      ['aurora-postgresql', '13.15', true],
      ['aurora-postgresql', '12.22', false],
      ['aurora-postgresql', '17.1', true],
      ['aurora-mysql', '8.0.mysql_aurora.3.08.0', true],
      ['aurora-mysql', '8.0.mysql_aurora.3.07.1', false],
      ['aurora-mysql', '5.7.mysql_aurora.2.12.3', false],
      ['neptune', '1.3.2.1', false],
    ];
    for (const [engine, version, expected] of cases) {
      assert.equal(supportsAutoPause(engine, version), expected, `${engine} ${version}`);
    }
  });

  test("serverlessV2MinZero 'all-versions' takes 0 on any version", () => {
    const target = { engine: 'aurora-postgresql', engineVersion: '13.9' };
    const config = { minCapacity: 0, maxCapacity: 2 };
    assert.throws(
      () => checkServerlessV2(config, target, { serverlessV2MinZero: 'supported-versions' }),
      (e: RdsFault) => e.code === 'InvalidParameterValue',
    );
    assert.deepEqual(checkServerlessV2(config, target, { serverlessV2MinZero: 'all-versions' }), {
      ...config,
      secondsUntilAutoPause: 300,
    });
  });
});
