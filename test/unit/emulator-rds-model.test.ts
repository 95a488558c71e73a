// The emulated RDS account in virtual time: lifecycles, AWS-like durations, clone-group counting.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCluster, deleteCluster, restoreCluster } from '../../src/emulator/services/rds/clusters.ts';
import type { RdsFault } from '../../src/emulator/services/rds/errors.ts';
import { createInstance, deleteInstance } from '../../src/emulator/services/rds/instances.ts';
import { RdsModel } from '../../src/emulator/services/rds/model.ts';
import { type RdsOptionsInput, resolveRdsOptions } from '../../src/emulator/services/rds/options.ts';
import { createSourceCluster } from '../../src/emulator/services/rds/source.ts';
import { ManualClock } from '../../src/util/clock.ts';

const MIN = 60_000;
const R = 'us-east-1';

function account(options: RdsOptionsInput = {}) {
  const clock = new ManualClock('2026-11-25T00:00:00Z');
  const model = new RdsModel(clock, '123456789012', R, resolveRdsOptions(options));
  const status = (id: string) => {
    model.settle();
    return model.findCluster(R, id)?.status ?? 'gone';
  };
  const cow = (id: string, source = 'prod') =>
    restoreCluster(model, R, {
      id,
      sourceClusterId: source,
      restoreType: 'copy-on-write',
      useLatestRestorableTime: true,
    });
  return { clock, model, status, cow };
}

describe('RDS model with AWS-like durations in virtual time', () => {
  test('clone volume ~5 min, then the first instance ~8 min more', () => {
    const { clock, model, status, cow } = account({ awsTimings: true });
    createSourceCluster(model, { id: 'prod' });
    cow('clone');
    createInstance(model, R, {
      id: 'clone-w',
      clusterId: 'clone',
      engine: 'aurora-postgresql',
      instanceClass: 'db.r6g.large',
    });
    clock.advance(5 * MIN - 1);
    assert.equal(status('clone'), 'creating');
    clock.advance(1);
    assert.equal(status('clone'), 'available');
    clock.advance(8 * MIN - 1);
    assert.equal(model.instances(R).find((i) => i.id === 'clone-w')?.status, 'creating');
    clock.advance(1);
    assert.equal(model.instances(R).find((i) => i.id === 'clone-w')?.status, 'available');
  });

  test('a full copy takes 20 min + 1 h per 100 GiB of the source', () => {
    const { clock, model, status } = account({ awsTimings: true });
    createSourceCluster(model, { id: 'prod', sizeGiB: 300 });
    restoreCluster(model, R, {
      id: 'copy',
      sourceClusterId: 'prod',
      restoreType: 'full-copy',
      useLatestRestorableTime: true,
    });
    clock.advance(20 * MIN + 3 * 60 * MIN - 1);
    assert.equal(status('copy'), 'creating');
    clock.advance(1);
    assert.equal(status('copy'), 'available');
  });

  test('timeScale shrinks every duration', () => {
    const { clock, model, status, cow } = account({ awsTimings: true, timeScale: 0.001 });
    createSourceCluster(model, { id: 'prod' });
    cow('quick');
    clock.advance(300);
    assert.equal(status('quick'), 'available');
  });
});

describe('RDS model lifecycle and clone groups', () => {
  test('deleting instances, then the cluster; the cluster goes only after its instances', () => {
    const { clock, model, status } = account({ timings: { deleteInstanceMs: 1000, deleteClusterMs: 100 } });
    createSourceCluster(model, { id: 'prod' });
    deleteInstance(model, R, 'prod-instance-1');
    deleteCluster(model, R, { id: 'prod', skipFinalSnapshot: true });
    clock.advance(500);
    assert.equal(status('prod'), 'deleting');
    clock.advance(500);
    assert.equal(status('prod'), 'gone');
    assert.equal(model.instances(R).length, 0);
  });

  test('the limit counts existing copy-on-write clones: a deleted clone frees its slot', () => {
    const { clock, model, cow } = account({ cloneGroupLimit: 2 });
    const { cluster: prod } = createSourceCluster(model, { id: 'prod' });
    cow('a');
    cow('b');
    const third = cow('c');
    assert.notEqual(third.cloneGroupId, prod.cloneGroupId);
    assert.equal(third.origin.kind, 'full-copy');
    assert.equal(model.accidentalFullCopies.length, 1);
    clock.advance(2_000);
    deleteCluster(model, R, { id: 'a', skipFinalSnapshot: true });
    clock.advance(1_000);
    model.settle();
    const d = cow('d');
    assert.equal(d.cloneGroupId, prod.cloneGroupId, 'a slot freed by the deleted clone');
    assert.equal(model.accidentalFullCopies.length, 1);
  });

  test('clones of clones count against the same group', () => {
    const { clock, model, cow } = account({ cloneGroupLimit: 2 });
    const { cluster: prod } = createSourceCluster(model, { id: 'prod' });
    cow('a');
    clock.advance(1_000);
    createInstance(model, R, {
      id: 'a-w',
      clusterId: 'a',
      engine: 'aurora-postgresql',
      instanceClass: 'db.r6g.large',
    });
    clock.advance(1_000);
    model.settle();
    assert.equal(cow('a-child', 'a').cloneGroupId, prod.cloneGroupId);
    assert.equal(cow('third', 'prod').origin.kind, 'full-copy');
  });

  test('an instance cannot be created on a deleting cluster; engines must match', () => {
    const { model } = account();
    createSourceCluster(model, { id: 'prod' });
    createCluster(model, R, { id: 'mysql', engine: 'aurora-mysql' });
    assert.throws(
      () =>
        createInstance(model, R, {
          id: 'x',
          clusterId: 'mysql',
          engine: 'aurora-postgresql',
          instanceClass: 'db.r6g.large',
        }),
      (e: RdsFault) => e.code === 'InvalidParameterCombination',
    );
    deleteCluster(model, R, { id: 'mysql', skipFinalSnapshot: true });
    assert.throws(
      () =>
        createInstance(model, R, {
          id: 'y',
          clusterId: 'mysql',
          engine: 'aurora-mysql',
          instanceClass: 'db.r6g.large',
        }),
      (e: RdsFault) => e.code === 'InvalidDBClusterStateFault',
    );
  });

  test('snapshot and restore give back the same account', () => {
    const { model, cow } = account();
    createSourceCluster(model, { id: 'prod', tags: { a: '1' } });
    cow('c1');
    const copy = new RdsModel(new ManualClock(), '123456789012', R, resolveRdsOptions());
    copy.restore(JSON.parse(JSON.stringify(model.snapshot())));
    assert.deepEqual(copy.state, model.state);
    assert.throws(() => copy.restore({ version: 2 }), /unknown format/);
  });

  test('options are validated', () => {
    assert.throws(() => resolveRdsOptions({ cloneGroupLimit: -1 }), /cloneGroupLimit/);
    assert.throws(
      () => resolveRdsOptions({ timings: { cloneVolumeMs: Number.NaN } }),
      /timings.cloneVolumeMs/,
    );
    assert.throws(() => resolveRdsOptions({ quotas: { clusters: 1.5 } }), /quotas.clusters/);
  });
});
