// The emulated account's lookups (Describe orders, instances per cluster, copy-on-write clones per
// volume) stay what a scan of the plain state would say, through any mix of creates, restores,
// deletes and time passing, and after the state is saved and restored.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom } from '../../src/emulator/faults.ts';
import { createCluster, deleteCluster, restoreCluster } from '../../src/emulator/services/rds/clusters.ts';
import {
  describeClusters,
  describeInstances,
  type Filter,
  type Page,
  type PageInput,
} from '../../src/emulator/services/rds/describe.ts';
import { RdsFault } from '../../src/emulator/services/rds/errors.ts';
import { createInstance, deleteInstance } from '../../src/emulator/services/rds/instances.ts';
import { RdsModel } from '../../src/emulator/services/rds/model.ts';
import { resolveRdsOptions } from '../../src/emulator/services/rds/options.ts';
import { createSourceCluster } from '../../src/emulator/services/rds/source.ts';
import type { ClusterRecord, InstanceRecord } from '../../src/emulator/services/rds/types.ts';
import { ManualClock } from '../../src/util/clock.ts';

const R = 'us-east-1';
const byId = <T extends { id: string }>(xs: T[]): string[] => xs.map((x) => x.id).sort();

function account() {
  const clock = new ManualClock('2026-11-25T00:00:00Z');
  const options = resolveRdsOptions({ cloneGroupLimit: 3, quotas: { clusters: 60, instances: 60 } });
  return { clock, model: new RdsModel(clock, '123456789012', R, options) };
}

/** Every page of a Describe call, 20 at a time, as a client pages with Marker. */
function pages(
  describePage: (model: RdsModel, region: string, id: undefined, input: PageInput) => Page<{ id: string }>,
  model: RdsModel,
  filters?: Filter[],
): string[] {
  const ids: string[] = [];
  let marker: string | undefined;
  do {
    const page = describePage(model, R, undefined, {
      maxRecords: 20,
      ...(marker ? { marker } : {}),
      ...(filters ? { filters } : {}),
    });
    ids.push(...page.items.map((x) => x.id));
    marker = page.marker;
  } while (marker !== undefined);
  return ids;
}

const clusterPages = (model: RdsModel, filters?: Filter[]) => pages(describeClusters, model, filters);
const instancePages = (model: RdsModel, filters?: Filter[]) => pages(describeInstances, model, filters);

/** What a scan of the plain state says, compared with what the model answers through its lookups. */
function assertLookupsMatchState(model: RdsModel, context: string): void {
  model.settle();
  const region = model.region(R);
  const clusters: ClusterRecord[] = Object.values(region.clusters);
  const instances: InstanceRecord[] = Object.values(region.instances);
  assert.deepEqual(clusterPages(model), byId(clusters), `${context}: cluster pages`);
  assert.deepEqual(instancePages(model), byId(instances), `${context}: instance pages`);
  assert.deepEqual(
    clusterPages(model, [{ name: 'engine', values: ['aurora-mysql'] }]),
    byId(clusters.filter((c) => c.engine === 'aurora-mysql')),
    `${context}: engine filter`,
  );
  for (const c of clusters) {
    const mine = instances.filter((i) => i.clusterId === c.id).sort((a, b) => a.seq - b.seq);
    assert.deepEqual(
      model.instancesOf(region, c.id).map((i) => i.id),
      mine.map((i) => i.id),
      `${context}: instances of ${c.id}, oldest first`,
    );
    assert.deepEqual(
      instancePages(model, [{ name: 'db-cluster-id', values: [c.arn] }]),
      byId(mine),
      `${context}: db-cluster-id filter on instances of ${c.id}`,
    );
    const volume = c.volumeGroupId ?? c.cloneGroupId;
    const cow = clusters.filter(
      (o) => (o.volumeGroupId ?? o.cloneGroupId) === volume && o.origin.kind === 'copy-on-write',
    );
    assert.equal(
      model.copyOnWriteMembers(region, volume),
      cow.length,
      `${context}: clones sharing ${c.id}'s volume`,
    );
    assert.deepEqual(
      clusterPages(model, [{ name: 'clone-group-id', values: [c.cloneGroupId] }]),
      byId(clusters.filter((o) => o.cloneGroupId === c.cloneGroupId)),
      `${context}: clone-group-id filter for ${c.id}`,
    );
  }
}

describe('RDS model lookups', () => {
  test('pages, members and clone counts equal a scan of the state through 400 random changes', () => {
    // Prepare
    const { clock, model } = account();
    const random = seededRandom(12);
    const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(random() * xs.length)];
    const name = () => `c-${Math.floor(random() * 70)}`;
    const existing = () => Object.keys(model.region(R).clusters);
    const engine = 'aurora-postgresql';
    let refused = 0;
    // Act
    for (let step = 0; step < 400; step++) {
      const roll = random();
      try {
        if (roll < 0.15) createSourceCluster(model, { id: name() });
        else if (roll < 0.2) createCluster(model, R, { id: name(), engine: 'aurora-mysql' });
        else if (roll < 0.45) {
          restoreCluster(model, R, {
            id: name(),
            sourceClusterId: pick(existing()) ?? 'none',
            restoreType: random() < 0.8 ? 'copy-on-write' : 'full-copy',
            useLatestRestorableTime: true,
          });
        } else if (roll < 0.6) {
          createInstance(model, R, {
            id: `${name()}-i${Math.floor(random() * 3)}`,
            clusterId: pick(existing()) ?? 'none',
            engine,
            instanceClass: 'db.r6g.large',
          });
        } else if (roll < 0.7)
          deleteInstance(model, R, pick(Object.keys(model.region(R).instances)) ?? 'none');
        else if (roll < 0.8)
          deleteCluster(model, R, { id: pick(existing()) ?? 'none', skipFinalSnapshot: true });
        else clock.advance(Math.floor(random() * 700));
      } catch (err) {
        if (!(err instanceof RdsFault)) throw err;
        refused += 1;
      }
      if (step % 20 === 19) assertLookupsMatchState(model, `after step ${step}`);
    }
    // Assess: the run went through the cases that change the lookups
    assert.ok(model.accidentalFullCopies.length > 0, 'some restore was served as a full copy');
    assert.ok(refused > 0 && refused < 300, `refusals: ${refused}`);
    clock.advance(10_000);
    assertLookupsMatchState(model, 'at rest');
  });

  test('a restored state answers as the saved one did', () => {
    // Prepare
    const { clock, model } = account();
    createSourceCluster(model, { id: 'prod' });
    for (const id of ['b', 'a', 'c']) {
      restoreCluster(model, R, {
        id,
        sourceClusterId: 'prod',
        restoreType: 'copy-on-write',
        useLatestRestorableTime: true,
      });
      createInstance(model, R, {
        id: `${id}-w`,
        clusterId: id,
        engine: 'aurora-postgresql',
        instanceClass: 'db.r6g.large',
      });
    }
    deleteInstance(model, R, 'b-w');
    // Act
    const copy = new RdsModel(clock, '123456789012', R, model.options);
    copy.restore(JSON.parse(JSON.stringify(model.snapshot())));
    clock.advance(5_000);
    // Assess
    assertLookupsMatchState(copy, 'restored');
    assert.deepEqual(clusterPages(copy), ['a', 'b', 'c', 'prod']);
    assert.equal(copy.findCluster(R, 'b')?.status, 'available', 'a transition saved mid-way still ends');
    assert.deepEqual(
      instancePages(copy),
      ['a-w', 'c-w', 'prod-instance-1'],
      'a deletion saved mid-way still ends',
    );
  });

  test('identifiers such as constructor name clusters, not members of every object', () => {
    // Prepare
    const { model } = account();
    // Act / Assess
    assert.throws(
      () => describeClusters(model, R, 'constructor', {}),
      (e: RdsFault) => e.code === 'DBClusterNotFoundFault',
    );
    assert.deepEqual(
      clusterPages(model, [{ name: 'db-cluster-id', values: ['constructor', 'tostring'] }]),
      [],
    );
    createCluster(model, R, { id: 'constructor', engine: 'aurora-postgresql' });
    assert.deepEqual(
      describeClusters(model, R, 'constructor', {}).items.map((c) => c.id),
      ['constructor'],
    );
    assert.throws(
      () => describeInstances(model, R, 'hasOwnProperty', {}),
      (e: RdsFault) => e.code === 'DBInstanceNotFound',
    );
  });
});
