// Properties over random inventories: roots, copies and clones in random statuses, ages and tags,
// clusters of another manager, legacy tags, untagged strangers. Whatever the pool looks like, the
// planner must never touch what is not the manager's, never overfill a clone group, and reach the
// maintenance target when it may make copies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ClusterInfo, Inventory } from '../../../src/model/inventory.ts';
import type { LeaseState, Plan } from '../../../src/model/plan.ts';
import { planDelete } from '../../../src/planner/delete.ts';
import { demandTarget } from '../../../src/planner/demand.ts';
import { planMaintenance } from '../../../src/planner/maintain.ts';
import { cloneCounts, readPool } from '../../../src/planner/pool.ts';
import { planProvision } from '../../../src/planner/provision.ts';
import {
  NoCapacityError,
  NotManagedError,
  SourcesRefusedError,
  ValidationError,
} from '../../../src/util/errors.ts';
import { identifierProblem } from '../../../src/util/identifiers.ts';
import { clone, cluster, copy, hoursAgo, inventory, MANAGER_ID, NOW, root } from '../../helpers/builders.ts';
import { HOUR_MS, maintenancePolicy, provisionPolicy, SETTLED } from './policies.ts';

const RUNS = 400;
// Small limits fill sources quickly, which is where copies, foreign copies and the limit itself matter.
const maxClonesArb = fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 15 }));
const OTHER = 'other-manager';

interface CloneSpec {
  status: string;
  manager: string | null;
  legacy: boolean;
  /** Hours until expiry (negative: expired); null: no expires-at tag. */
  expiresInHours: number | null;
  request: string | null;
  nested: number;
}

interface CopySpec {
  status: string;
  ageHours: number;
  manager: string | null;
  tagged: boolean;
  legacy: boolean;
  clones: CloneSpec[];
}

interface RootSpec {
  status: string;
  hasWriter: boolean;
  clones: CloneSpec[];
  copies: CopySpec[];
}

interface InventorySpec {
  roots: RootSpec[];
  strangers: number;
}

const managerArb = fc.constantFrom<string | null>(MANAGER_ID, MANAGER_ID, MANAGER_ID, OTHER, null);

const cloneArb: fc.Arbitrary<CloneSpec> = fc.record({
  status: fc.constantFrom(
    'available',
    'available',
    'available',
    'creating',
    'deleting',
    'backing-up',
    'stopped',
  ),
  manager: managerArb,
  legacy: fc.boolean(),
  expiresInHours: fc.option(fc.integer({ min: -48, max: 48 }), { nil: null }),
  request: fc.option(fc.constantFrom('req-1', 'req-2'), { nil: null, freq: 4 }),
  nested: fc.constantFrom(0, 0, 0, 0, 1, 2),
});

const copyArb: fc.Arbitrary<CopySpec> = fc.record({
  status: fc.constantFrom(
    'available',
    'available',
    'available',
    'creating',
    'deleting',
    'stopped',
    'modifying',
  ),
  ageHours: fc.integer({ min: 0, max: 150 }),
  manager: managerArb,
  tagged: fc.boolean(),
  legacy: fc.boolean(),
  clones: fc.array(cloneArb, { maxLength: 17 }),
});

const rootArb: fc.Arbitrary<RootSpec> = fc.record({
  status: fc.constantFrom('available', 'available', 'available', 'modifying', 'stopped'),
  hasWriter: fc.constantFrom(true, true, true, true, true, true, true, true, false),
  clones: fc.array(cloneArb, { maxLength: 17 }),
  copies: fc.array(copyArb, { maxLength: 4 }),
});

const inventoryArb: fc.Arbitrary<InventorySpec> = fc.record({
  roots: fc.array(rootArb, { minLength: 1, maxLength: 2 }),
  strangers: fc.integer({ min: 0, max: 3 }),
});

function buildClones(spec: CloneSpec[], of: ClusterInfo, out: ClusterInfo[]): void {
  spec.forEach((c, i) => {
    const built = clone({
      id: `${of.id}-cl-${i + 1}`,
      of,
      status: c.status,
      manager: c.legacy && c.manager === MANAGER_ID ? null : c.manager,
      legacy: c.legacy,
      ageHours: 1,
      ...(c.expiresInHours !== null
        ? { expiresAt: new Date(NOW.getTime() + c.expiresInHours * HOUR_MS) }
        : {}),
      ...(c.request !== null ? { request: c.request } : {}),
    });
    out.push(built);
    for (let n = 1; n <= c.nested; n++) {
      out.push(clone({ id: `${built.id}-n-${n}`, of: built, status: 'available', manager: c.manager }));
    }
  });
}

function build(spec: InventorySpec): Inventory {
  const clusters: ClusterInfo[] = [];
  spec.roots.forEach((r, ri) => {
    const rootCluster = root({ id: `root-${ri}`, status: r.status, instances: r.hasWriter ? 1 : 0 });
    clusters.push(rootCluster);
    buildClones(r.clones, rootCluster, clusters);
    r.copies.forEach((c, ci) => {
      const built = copy({
        id: `root-${ri}-copy-${ci + 1}`,
        of: rootCluster,
        status: c.status,
        ageHours: c.ageHours,
        manager: c.manager,
        legacy: c.legacy,
        ...(c.tagged ? {} : { dataTimestamp: null }),
      });
      clusters.push(built);
      buildClones(c.clones, built, clusters);
    });
  });
  for (let i = 1; i <= spec.strangers; i++) clusters.push(cluster({ id: `stranger-${i}`, ageHours: 500 }));
  return inventory(...clusters);
}

/** Every delete targets a cluster tagged with this manager's clone or copy role; nothing else is touched. */
function assertOnlyOwnClustersTouched(plan: Plan, inv: Inventory): void {
  const taken = new Set(inv.clusters.map((c) => c.id.toLowerCase()));
  const takenInstances = new Set(inv.instances.map((i) => i.id.toLowerCase()));
  for (const step of plan.steps) {
    if (step.kind === 'delete') {
      const target = inv.clusters.find((c) => c.arn === step.arn);
      assert.ok(target, `delete of ${step.clusterId}: not in the inventory`);
      assert.ok(target.managed, `delete of ${step.clusterId}: not tagged by the manager`);
      assert.equal(target.managed.role, step.role);
      assert.ok(
        target.managed.manager === undefined || target.managed.manager === MANAGER_ID,
        `delete of ${step.clusterId}: belongs to ${target.managed.manager}`,
      );
      assert.ok(
        !inv.clusters.some((c) => c.managed?.rootArn === target.arn),
        `delete of a root ${step.clusterId}`,
      );
    } else if (step.kind === 'reuse') {
      const target = inv.clusters.find((c) => c.arn === step.arn);
      assert.equal(target?.managed?.role, 'clone');
    } else if (step.kind === 'copy' || step.kind === 'clone') {
      assert.ok(!taken.has(step.clusterId.toLowerCase()), `new cluster ${step.clusterId} already exists`);
      assert.equal(identifierProblem(step.clusterId), undefined, step.clusterId);
    } else if (step.kind === 'copy-writer' || step.kind === 'clone-writer') {
      assert.ok(
        !takenInstances.has(step.instanceId.toLowerCase()),
        `new instance ${step.instanceId} already exists`,
      );
      assert.equal(identifierProblem(step.instanceId), undefined, step.instanceId);
      assert.ok(
        plan.steps.some((s) => (s.kind === 'copy' || s.kind === 'clone') && s.clusterId === step.clusterId),
        `writer ${step.instanceId} of a cluster the plan makes`,
      );
    }
  }
}

function assertSerialisableAndDeterministic(plan: Plan, again: () => Plan): void {
  assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan);
  assert.deepEqual(again(), plan);
}

const provisionArb = fc.record({
  maxClonesPerSource: maxClonesArb,
  maxCopyAgeHours: fc.integer({ min: 12, max: 120 }),
  copyOk: fc.boolean(),
  purgeObsoleteCopies: fc.boolean(),
  copyCreatedSinceHoursAgo: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  requestKey: fc.option(fc.constantFrom('req-1', 'req-2', 'req-3'), { nil: null }),
  instanceClass: fc.option(fc.constant('db.t4g.medium'), { nil: null }),
});

describe('planner properties over random inventories', () => {
  it('provision: touches only its own clusters, never overfills a source, and clones only fresh sources', () => {
    fc.assert(
      fc.property(inventoryArb, provisionArb, (spec, req) => {
        // Prepare
        const inv = build(spec);
        const request = provisionPolicy({
          sourceClusterId: 'root-0',
          maxClonesPerSource: req.maxClonesPerSource,
          maxCopyAgeMs: req.maxCopyAgeHours * HOUR_MS,
          copyOk: req.copyOk,
          purgeObsoleteCopies: req.purgeObsoleteCopies,
          ...(req.copyCreatedSinceHoursAgo !== null
            ? { copyCreatedSince: hoursAgo(req.copyCreatedSinceHoursAgo) }
            : {}),
          ...(req.requestKey !== null ? { requestKey: req.requestKey } : {}),
          ...(req.instanceClass !== null ? { instanceClass: req.instanceClass } : {}),
        });
        const act = () => planProvision({ inventory: inv, request, managerId: MANAGER_ID, now: NOW });
        // Act
        let plan: Plan;
        try {
          plan = act();
        } catch (err) {
          // Assess: the only refusals are: no slot and no copy allowed, no instance class known, and a
          // copyCreatedSince no copy could satisfy.
          if (err instanceof NoCapacityError) {
            assert.equal(req.copyOk, false);
            return;
          }
          if (err instanceof ValidationError && err.field === 'copyCreatedSince') {
            assert.equal(req.copyCreatedSinceHoursAgo, 0);
            return;
          }
          if (err instanceof SourcesRefusedError) {
            assert.equal(spec.roots[0]?.hasWriter, false, 'only a root without an instance cannot be copied');
            return;
          }
          if (err instanceof ValidationError && err.field === 'instanceClass') {
            assert.equal(req.instanceClass, null);
            assert.equal(spec.roots[0]?.hasWriter, false);
            return;
          }
          throw err;
        }
        // Assess
        assertOnlyOwnClustersTouched(plan, inv);
        assertSerialisableAndDeterministic(plan, act);
        const counts = cloneCounts(inv.clusters);
        const added = new Map<string, number>();
        const pool = readPool(inv, 'root-0', {
          managerId: MANAGER_ID,
          now: NOW,
          maxClonesPerSource: request.maxClonesPerSource,
          maxCopyAgeMs: request.maxCopyAgeMs,
          ...(request.copyCreatedSince ? { copyCreatedSince: request.copyCreatedSince } : {}),
        });
        for (const step of plan.steps) {
          if (step.kind !== 'clone') continue;
          added.set(step.sourceArn, (added.get(step.sourceArn) ?? 0) + 1);
          if (step.sourceCreatedInPlan) {
            assert.ok(
              plan.steps.some(
                (s) => (s.kind === 'copy' || s.kind === 'wait-copy') && s.clusterId === step.sourceClusterId,
              ),
              'a clone of a copy not ready yet follows that copy or the wait for it',
            );
            continue;
          }
          const source = [pool.root, ...pool.copies].find((s) => s.cluster.arn === step.sourceArn);
          assert.ok(source, `clone source ${step.sourceClusterId} is the root or one of its copies`);
          assert.ok(source.owned && source.fresh, `clone source ${step.sourceClusterId} is owned and fresh`);
          assert.equal(source.cluster.status, 'available');
        }
        for (const [arn, n] of added) {
          assert.ok((counts.get(arn) ?? 0) + n <= request.maxClonesPerSource, `source ${arn} over the limit`);
        }
        const kinds = plan.steps.filter((s) => s.kind !== 'delete').map((s) => s.kind);
        assert.ok(
          [
            'clone,clone-writer',
            'wait-copy,clone,clone-writer',
            'copy,copy-writer,wait-copy,clone,clone-writer',
            'reuse',
          ].includes(kinds.join(',')),
          `one clone and its writer, after a wait for a copy or a new copy, or a reuse: ${kinds}`,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('maintenance: touches only its own clusters and reaches the target when it may make copies', () => {
    fc.assert(
      fc.property(
        inventoryArb,
        fc.record({
          targetCloneSlots: fc.integer({ min: 0, max: 60 }),
          maxClonesPerSource: maxClonesArb,
          maxCopyAgeHours: fc.integer({ min: 12, max: 120 }),
          purgeObsoleteCopies: fc.boolean(),
          deleteExpiredClones: fc.boolean(),
          demandCountedForWeeks: fc.boolean(),
        }),
        (spec, p) => {
          // Prepare
          const inv = build(spec);
          const policy = maintenancePolicy({
            clusterId: 'root-0',
            targetCloneSlots: p.targetCloneSlots,
            maxClonesPerSource: p.maxClonesPerSource,
            maxCopyAgeMs: p.maxCopyAgeHours * HOUR_MS,
            purgeObsoleteCopies: p.purgeObsoleteCopies,
            deleteExpiredClones: p.deleteExpiredClones,
            copyInstanceClass: 'db.r6g.large',
          });
          // A new source (its spare copy's worth wanted) or one whose demand has been counted for weeks.
          const lease: LeaseState = p.demandCountedForWeeks ? SETTLED : { reservations: [] };
          const target = demandTarget(policy, lease.demand, NOW).target;
          const act = () =>
            planMaintenance({ inventory: inv, policy, lease, managerId: MANAGER_ID, now: NOW });
          // Act
          const plan = act();
          // Assess
          assertOnlyOwnClustersTouched(plan, inv);
          assertSerialisableAndDeterministic(plan, act);
          for (const step of plan.steps) {
            if (step.kind !== 'delete') continue;
            const target = inv.clusters.find((c) => c.arn === step.arn);
            if (step.role === 'clone') {
              assert.ok(p.deleteExpiredClones);
              assert.ok(
                (target?.managed?.expiresAt?.getTime() ?? Infinity) <= NOW.getTime(),
                'only expired clones',
              );
            } else {
              assert.ok(p.purgeObsoleteCopies);
            }
          }
          // Apply the plan to the inventory: what it deletes goes, what it copies appears as `creating`.
          const gone = new Set(plan.steps.filter((s) => s.kind === 'delete').map((s) => s.arn));
          const rootCluster = inv.clusters.find((c) => c.id === 'root-0') as ClusterInfo;
          const made = plan.steps
            .filter((s) => s.kind === 'copy')
            .map((s) => copy({ id: s.clusterId, of: rootCluster, status: 'creating' }));
          const after = inventory(...inv.clusters.filter((c) => !gone.has(c.arn)), ...made);
          const capacity = readPool(after, 'root-0', {
            managerId: MANAGER_ID,
            now: NOW,
            maxClonesPerSource: policy.maxClonesPerSource,
            maxCopyAgeMs: policy.maxCopyAgeMs,
          }).freeCapacity;
          assert.equal(
            plan.capacityAfter,
            capacity,
            'capacityAfter is what the pool has once the plan is applied',
          );
          // The target is met counting ahead: copies that turn obsolete within the demand window are
          // not counted, so their replacements are made before they stop counting.
          const ahead = readPool(after, 'root-0', {
            managerId: MANAGER_ID,
            now: NOW,
            maxClonesPerSource: policy.maxClonesPerSource,
            maxCopyAgeMs: Math.max(1, policy.maxCopyAgeMs - policy.demandWindowMs),
          }).freeCapacity;
          assert.ok(ahead >= target, `capacity ${ahead} below target ${target}`);
          // Copies are only made when needed: one fewer would miss the target.
          if (made.length > 0) assert.ok(ahead - policy.maxClonesPerSource < target);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('delete: refuses every cluster that is not its own clone or copy, and deletes only that one', () => {
    fc.assert(
      fc.property(inventoryArb, fc.nat(), (spec, pick) => {
        // Prepare
        const inv = build(spec);
        const target = inv.clusters[pick % inv.clusters.length] as ClusterInfo;
        // Act
        let plan: Plan;
        try {
          plan = planDelete(inv, target.id, MANAGER_ID);
        } catch (err) {
          // Assess
          assert.ok(err instanceof NotManagedError, String(err));
          const own =
            target.managed && (target.managed.manager === undefined || target.managed.manager === MANAGER_ID);
          assert.ok(!own, `refused its own ${target.managed?.role} ${target.id}`);
          return;
        }
        // Assess
        assertOnlyOwnClustersTouched(plan, inv);
        assert.ok(plan.steps.every((s) => s.kind === 'delete' && s.arn === target.arn));
        assert.equal(plan.steps.length, target.status === 'deleting' ? 0 : 1);
        assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan);
      }),
      { numRuns: RUNS },
    );
  });
});
