// behaviour.md §4: inventory and slot accounting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Inventory } from '../../../src/model/inventory.ts';
import { TAG } from '../../../src/model/tags.ts';
import { type PoolOptions, poolStatus, readPool, unmanagedNotes } from '../../../src/planner/pool.ts';
import { SourceNotFoundError, ValidationError } from '../../../src/util/errors.ts';
import {
  clone,
  clones,
  cluster,
  copy,
  daysAgo,
  handMadeClone,
  hoursAgo,
  inventory,
  MANAGER_ID,
  NOW,
  root,
} from '../../helpers/builders.ts';
import { DAY_MS } from './policies.ts';

function options(overrides: Partial<PoolOptions> = {}): PoolOptions {
  return { managerId: MANAGER_ID, now: NOW, maxClonesPerSource: 15, maxCopyAgeMs: 3 * DAY_MS, ...overrides };
}

function pool(inv: Inventory, overrides: Partial<PoolOptions> = {}) {
  return readPool(inv, 'prod', options(overrides));
}

describe('pool: cloneable sources', () => {
  it('puts the root first when it is available and has a free slot', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-copy', of: r, ageHours: 2 });
    // Act
    const p = pool(inventory(r, c, ...clones(14, r)));
    // Assess
    assert.deepEqual(
      p.cloneable.map((s) => s.cluster.id),
      ['prod', 'prod-copy'],
    );
    assert.equal(p.root.used, 14);
    assert.equal(p.root.free, 1);
  });

  it('orders fresh copies newest first once the root is full', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const older = copy({ id: 'prod-older', of: r, ageDays: 2 });
    const newer = copy({ id: 'prod-newer', of: r, ageDays: 1 });
    const newest = copy({ id: 'prod-newest', of: r, ageHours: 3 });
    // Act
    const p = pool(inventory(r, older, newest, newer, ...clones(15, r)));
    // Assess
    assert.deepEqual(
      p.cloneable.map((s) => s.cluster.id),
      ['prod-newest', 'prod-newer', 'prod-older'],
    );
    assert.equal(p.root.cloneable, false);
    assert.match(p.root.notCloneable ?? '', /no free slot \(15\/15 used\)/);
  });

  it('does not clone from a root that is not available', () => {
    // Prepare
    const r = root({ id: 'prod', status: 'modifying' });
    // Act
    const p = pool(inventory(r));
    // Assess
    assert.equal(p.cloneable.length, 0);
    assert.match(p.root.notCloneable ?? '', /status is modifying/);
    assert.equal(p.freeCapacity, 15, 'the root still counts for capacity');
  });

  it('counts creating copies for capacity but does not clone from them', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const making = copy({ id: 'prod-making', of: r, status: 'creating' });
    // Act
    const p = pool(inventory(r, making, ...clones(15, r)));
    // Assess
    assert.equal(p.cloneable.length, 0);
    assert.equal(p.freeCapacity, 15);
    assert.match(p.copies[0]?.notCloneable ?? '', /still creating/);
  });

  it('ignores copies in other statuses (deleting, stopped) for capacity', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const going = copy({ id: 'prod-going', of: r, status: 'deleting' });
    const stopped = copy({ id: 'prod-stopped', of: r, status: 'stopped' });
    // Act
    const p = pool(inventory(r, going, stopped, ...clones(15, r)));
    // Assess
    assert.equal(p.freeCapacity, 0);
    assert.equal(p.cloneable.length, 0);
    assert.ok(p.copies.every((c) => !c.counted));
  });
});

describe('pool: slot counting', () => {
  it('sums free slots of the root and fresh copies (root full, copy with 3 clones, creating copy → 27)', () => {
    // Prepare: the first implementation computed cloneable × max − all clones = 1 × 15 − 18 = −3.
    const r = root({ id: 'prod' });
    const used = copy({ id: 'prod-used', of: r, ageHours: 5 });
    const making = copy({ id: 'prod-making', of: r, status: 'creating' });
    const inv = inventory(r, used, making, ...clones(15, r), ...clones(3, used));
    // Act
    const p = pool(inv);
    // Assess
    assert.equal(p.freeCapacity, 27);
    assert.deepEqual(
      [p.root, ...p.copies].map((s) => [s.cluster.id, s.used, s.free]),
      [
        ['prod', 15, 0],
        ['prod-making', 0, 15],
        ['prod-used', 3, 12],
      ],
    );
    assert.deepEqual(
      p.cloneable.map((s) => s.cluster.id),
      ['prod-used'],
    );
  });

  it('counts clones that are being deleted: they hold their slot until they are gone', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const going = clones(4, r, { status: 'deleting', idPrefix: 'going' });
    // Act
    const p = pool(inventory(r, ...clones(11, r), ...going));
    // Assess
    assert.equal(p.root.used, 15);
    assert.equal(p.root.free, 0);
    assert.equal(p.root.cloneable, false);
    assert.equal(p.root.notCloneable, 'no free slot (15/15 used: 4 being deleted, free once gone)');
  });

  it('counts clones the manager did not make, found by clone group, and names them', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const byHand = [handMadeClone({ id: 'by-hand', of: r }), handMadeClone({ id: 'cfn-native', of: r })];
    // Act
    const p = pool(inventory(r, ...clones(13, r), ...byHand));
    // Assess
    assert.equal(p.root.used, 15);
    assert.equal(p.root.free, 0);
    assert.deepEqual(p.root.unmanaged, ['by-hand', 'cfn-native']);
    assert.match(
      unmanagedNotes(p)[0] ?? '',
      /2 clusters in prod's clone group were not made by the manager: counted as clones \(by-hand, cfn-native\)/,
    );
  });

  it('does not count a cluster its owner tagged as not a clone', () => {
    const r = root({ id: 'prod' });
    const pitr = handMadeClone({ id: 'my-pitr', of: r, tags: { [TAG.notAClone]: 'true' } });
    const p = pool(inventory(r, pitr));
    assert.equal(p.root.used, 0);
    assert.deepEqual(p.root.unmanaged, []);
  });

  it('counts the same whether a copy starts a new clone group or inherits its root’s', () => {
    for (const inherit of [false, true]) {
      // Prepare: a copy, possibly in the root's group; clones of each; one hand-made clone of the root.
      const r = root({ id: 'prod' });
      const c = copy({ id: 'prod-copy', of: r, ...(inherit ? { cloneGroupId: r.cloneGroupId } : {}) });
      const inv = inventory(r, c, ...clones(3, r), ...clones(5, c), handMadeClone({ id: 'by-hand', of: r }));
      // Act
      const p = pool(inv);
      // Assess: the root's clones and the hand-made one on the root, the copy's clones on the copy.
      assert.equal(p.root.used, 4, `root, inherit=${inherit}`);
      assert.equal(p.copies[0]?.used, inherit ? 6 : 5, `copy, inherit=${inherit}`);
    }
  });

  it('counts clones in any other status (creating, backing-up, stopped)', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const cs = [
      clone({ of: r, id: 'a', status: 'creating' }),
      clone({ of: r, id: 'b', status: 'backing-up' }),
      clone({ of: r, id: 'c', status: 'stopped' }),
    ];
    // Act
    const p = pool(inventory(r, ...cs));
    // Assess
    assert.equal(p.root.used, 3);
  });

  it('counts clones of clones against the source of the first clone (AWS counts the whole group)', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const first = clone({ of: r, id: 'first' });
    const nested = clone({ of: first, id: 'nested' });
    // Act
    const p = pool(inventory(r, first, nested));
    // Assess
    assert.equal(p.root.used, 2);
  });

  it('does not count by CloneGroupId (a full copy inherits the source group id)', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-copy', of: r });
    c.cloneGroupId = r.cloneGroupId;
    // Act
    const p = pool(inventory(r, c, ...clones(2, c)));
    // Assess
    assert.equal(p.root.used, 0);
    assert.equal(p.copies[0]?.used, 2);
  });

  it('never reports negative free slots when a source holds more clones than the limit', () => {
    // Prepare
    const r = root({ id: 'prod' });
    // Act
    const p = pool(inventory(r, ...clones(8, r)), { maxClonesPerSource: 5 });
    // Assess
    assert.equal(p.root.free, 0);
    assert.equal(p.freeCapacity, 0);
  });

  it("counts another manager's clones on the root, but not its copies' slots", () => {
    // Prepare
    const r = root({ id: 'prod' });
    const theirs = copy({ id: 'prod-theirs', of: r, manager: 'other' });
    // Act
    const p = pool(inventory(r, theirs, ...clones(5, r, { manager: 'other' })));
    // Assess
    assert.equal(p.root.used, 5);
    assert.equal(p.freeCapacity, 10);
    assert.deepEqual(
      p.cloneable.map((s) => s.cluster.id),
      ['prod'],
    );
    assert.match(p.copies[0]?.notCloneable ?? '', /made by manager other/);
  });
});

describe('pool: data timestamps and freshness', () => {
  it('makes a copy obsolete by its data timestamp, not its creation time', () => {
    // Prepare: created a day ago from data four days old (e.g. restored from an old copy's time).
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-old-data', of: r, ageDays: 1, dataTimestamp: daysAgo(4) });
    // Act
    const p = pool(inventory(r, c));
    // Assess
    assert.equal(p.copies[0]?.obsolete, true);
    assert.equal(p.copies[0]?.dataTimestamp.toISOString(), daysAgo(4).toISOString());
  });

  it('falls back to the cluster create time when the data-timestamp tag is missing', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const old = copy({ id: 'prod-old', of: r, ageDays: 4, dataTimestamp: null });
    const young = copy({ id: 'prod-young', of: r, ageDays: 1, dataTimestamp: null });
    // Act
    const p = pool(inventory(r, old, young));
    // Assess
    const byId = new Map(p.copies.map((c) => [c.cluster.id, c]));
    assert.equal(byId.get('prod-old')?.obsolete, true);
    assert.equal(byId.get('prod-young')?.obsolete, false);
    assert.equal(byId.get('prod-young')?.ageMs, DAY_MS);
  });

  it('treats a copy exactly maxCopyAge old as not yet obsolete', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-edge', of: r, ageDays: 3 });
    // Act
    const p = pool(inventory(r, c));
    // Assess
    assert.equal(p.copies[0]?.obsolete, false);
  });

  it('keeps copies older than copyCreatedSince out, but the root always fresh', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const before = copy({ id: 'prod-before', of: r, ageHours: 10 });
    const after = copy({ id: 'prod-after', of: r, ageHours: 2 });
    // Act
    const p = pool(inventory(r, before, after, ...clones(15, r)), { copyCreatedSince: hoursAgo(5) });
    // Assess
    assert.equal(p.root.fresh, true);
    assert.deepEqual(
      p.cloneable.map((s) => s.cluster.id),
      ['prod-after'],
    );
    const skipped = p.copies.find((c) => c.cluster.id === 'prod-before');
    assert.equal(skipped?.fresh, false);
    assert.equal(skipped?.obsolete, false);
    assert.match(skipped?.notCloneable ?? '', /not after copyCreatedSince/);
    assert.equal(p.freeCapacity, 15, 'only the fresh copy counts');
  });

  it('gives clones the data timestamp of their source', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-copy', of: r, ageDays: 2 });
    const cl = clone({ of: c, id: 'mine', ageHours: 1, dataTimestamp: null });
    // Act
    const status = poolStatus(pool(inventory(r, c, cl)));
    // Assess
    assert.equal(status.clones[0]?.dataTimestamp, daysAgo(2).toISOString());
    assert.equal(status.clones[0]?.sourceClusterId, 'prod-copy');
    assert.equal(status.root.dataTimestamp, NOW.toISOString());
  });
});

describe('pool: legacy tags and foreign clusters', () => {
  it("counts clones and copies tagged with the first implementation's y.aurora.* tags", () => {
    // Prepare
    const r = root({ id: 'prod' });
    const oldCopy = copy({ id: 'prod-legacy', of: r, ageDays: 1, legacy: true, manager: null });
    const inv = inventory(
      r,
      oldCopy,
      ...clones(15, r, { legacy: true, manager: null }),
      ...clones(2, oldCopy, { legacy: true }),
    );
    // Act
    const p = pool(inv);
    // Assess
    assert.equal(p.root.used, 15);
    assert.equal(p.copies[0]?.used, 2);
    assert.equal(p.copies[0]?.owned, true, 'a copy without a manager tag is adopted');
    assert.deepEqual(
      p.cloneable.map((s) => s.cluster.id),
      ['prod-legacy'],
    );
  });

  it('reads the data timestamp from the legacy y.aurora.data-timestamp tag', () => {
    // Prepare: made yesterday from data five days old, tagged the first implementation's way.
    const r = root({ id: 'prod' });
    const oldCopy = copy({
      id: 'prod-legacy',
      of: r,
      ageDays: 1,
      dataTimestamp: daysAgo(5),
      legacy: true,
      manager: null,
    });
    // Act
    const p = pool(inventory(r, oldCopy));
    // Assess
    assert.equal(oldCopy.tags['y.aurora.data-timestamp'], daysAgo(5).toISOString());
    assert.equal(p.copies[0]?.dataTimestamp.toISOString(), daysAgo(5).toISOString());
    assert.equal(p.copies[0]?.obsolete, true);
  });

  it('treats a legacy copy tagged with another stack name as foreign', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const oldCopy = copy({ id: 'prod-legacy', of: r, legacy: true, manager: 'old-stack' });
    // Act
    const p = pool(inventory(r, oldCopy));
    // Assess
    assert.equal(p.copies[0]?.owned, false);
    assert.equal(p.copies[0]?.manager, 'old-stack');
  });

  it('leaves clusters of other roots and untagged clusters out of the pool', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const other = root({ id: 'staging' });
    const inv = inventory(
      r,
      other,
      copy({ of: other, id: 'staging-copy' }),
      ...clones(3, other),
      cluster({ id: 'lone' }),
    );
    // Act
    const p = pool(inv);
    // Assess
    assert.equal(p.copies.length, 0);
    assert.equal(p.clones.length, 0);
    assert.equal(p.root.used, 0);
  });
});

describe('pool: status for describePool', () => {
  it('lists the root, copies and clones with slots, ages, owners and expiry', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-c', of: r, ageDays: 1 });
    const mine = clone({ id: 'mine', of: c, owner: 'ci-job-7', expiresAt: hoursAgo(-8) });
    // Act
    const status = poolStatus(pool(inventory(r, c, mine, ...clones(2, r))));
    // Assess
    assert.equal(status.readAt, NOW.toISOString());
    assert.equal(status.freeCapacity, 13 + 14);
    assert.equal(status.maxClonesPerSource, 15);
    assert.equal(status.maxCopyAgeMs, 3 * DAY_MS);
    assert.deepEqual(status.root, {
      clusterId: 'prod',
      arn: r.arn,
      role: 'root',
      status: 'available',
      dataTimestamp: NOW.toISOString(),
      ageMs: 0,
      used: 2,
      free: 13,
    });
    assert.deepEqual(
      status.copies.map((m) => [m.clusterId, m.used, m.free, m.obsolete, m.ageMs]),
      [['prod-c', 1, 14, false, DAY_MS]],
    );
    const mineMember = status.clones.find((m) => m.clusterId === 'mine');
    assert.equal(mineMember?.sourceClusterId, 'prod-c');
    assert.equal(mineMember?.owner, 'ci-job-7');
    assert.equal(mineMember?.expiresAt, hoursAgo(-8).toISOString());
    assert.equal(status.clones.length, 3);
  });
});

describe('pool: the root', () => {
  it('fails with "source cluster X does not exist" when the root is missing', () => {
    assert.throws(() => pool(inventory(root({ id: 'staging' }))), SourceNotFoundError);
    assert.throws(() => pool(inventory()), /source cluster prod does not exist/);
  });

  it('refuses a root that is not an Aurora cluster', () => {
    // Prepare
    const r = root({ id: 'prod', engine: 'postgres' });
    // Act / Assess
    assert.throws(
      () => pool(inventory(r)),
      (err: unknown) =>
        err instanceof ValidationError && err.field === 'sourceClusterId' && /not Aurora/.test(err.message),
    );
  });

  it("refuses one of the manager's own copies or clones as a root", () => {
    // Prepare
    const r = root({ id: 'prod' });
    const c = copy({ id: 'prod-copy', of: r });
    // Act / Assess
    assert.throws(
      () => readPool(inventory(r, c), 'prod-copy', options()),
      /prod-copy is a copy made by the clone manager; use its root prod/,
    );
  });

  it('finds the root by ARN and case-insensitively by id', () => {
    // Prepare
    const r = root({ id: 'prod' });
    // Act
    const byArn = readPool(inventory(r), r.arn, options());
    const byId = readPool(inventory(r), 'PROD', options());
    // Assess
    assert.equal(byArn.root.cluster.id, 'prod');
    assert.equal(byId.root.cluster.id, 'prod');
  });
});
