// Never a silent full copy outside the happy path: clones the manager did not make and clones being
// deleted hold real slots. Counted from the emulator's own audit, under both choices of the clone
// group a full copy reports (AWS does not say which).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  DeleteDBInstanceCommand,
  RDSClient,
  RestoreDBClusterToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.ts';
import { deleteClone, describePool, maintainPool, provisionClone } from '../../src/engine/api.ts';
import type { ManagerOptions } from '../../src/model/api.ts';
import type { Step } from '../../src/model/plan.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { SourcesRefusedError } from '../../src/util/errors.ts';
import { engineEnv } from '../helpers/engine-env.ts';

async function cloneByHand(emulator: RunningEmulator, id: string, source = 'prod') {
  // What a user, CloudFormation's own restore or another tool does: no manager tags at all.
  await sdkFor(emulator).send(
    new RestoreDBClusterToPointInTimeCommand({
      DBClusterIdentifier: id,
      SourceDBClusterIdentifier: source,
      RestoreType: 'copy-on-write',
      UseLatestRestorableTime: true,
    }),
  );
}

for (const fullCopyCloneGroup of ['new', 'inherit'] as const) {
  describe(`slot accounting when a full copy reports ${fullCopyCloneGroup === 'new' ? 'a new clone group' : 'its source’s clone group'}`, () => {
    const envs: RunningEmulator[] = [];
    after(async () => {
      for (const e of envs) await e.stop();
    });

    it('counts clones made by hand: a full source gets a copy, not a silent full copy, and the plan says why', async () => {
      // Prepare: 13 clones by hand, 2 by the manager: the source is full.
      const { env } = await virtualEnv({ fullCopyCloneGroup });
      envs.push(env.emulator);
      for (let i = 1; i <= 13; i++) await cloneByHand(env.emulator, `by-hand-${i}`);
      await provisionClone({ sourceClusterId: 'prod', clusterId: 'managed-1' }, env.options);
      await provisionClone({ sourceClusterId: 'prod', clusterId: 'managed-2' }, env.options);
      // Act
      const status = await describePool('prod', env.options);
      const dry = await provisionClone({ sourceClusterId: 'prod', dryRun: true }, env.options);
      const r = await provisionClone(
        { sourceClusterId: 'prod', clusterId: 'needs-a-copy', wait: true },
        env.options,
      );
      // Assess
      assert.equal(status.root.used, 15);
      assert.equal(status.root.unmanaged?.length, 13);
      assert.ok(
        dry.plan.notes.some((n) =>
          /13 clusters in prod's clone group were not made by the manager: counted as clones/.test(n),
        ),
        dry.plan.notes.join('\n'),
      );
      assert.equal(dry.plan.steps[0]?.kind, 'copy');
      assert.equal(r.copyMade, true);
      assert.equal(r.status, 'available');
      assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
    });

    it('counts a clone being deleted until it is gone: "CI tears one down, the next job asks for one"', async () => {
      // Prepare: a full source; deleting a cluster takes a while here, as on AWS.
      const { env } = await virtualEnv({ fullCopyCloneGroup, timings: { deleteClusterMs: 60_000 } });
      envs.push(env.emulator);
      for (let i = 1; i <= 15; i++) {
        await provisionClone({ sourceClusterId: 'prod', clusterId: `ci-${i}` }, env.options);
      }
      await deleteClone({ clusterId: 'ci-1' }, env.options);
      assert.equal(env.emulator.rds.clusters().find((c) => c.id === 'ci-1')?.status, 'deleting');
      // Act
      const r = await provisionClone({ sourceClusterId: 'prod', clusterId: 'next-job' }, env.options);
      // Assess
      assert.equal(r.copyMade, true);
      assert.notEqual(r.sourceClusterId, 'prod');
      assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
    });

    it('clones of a copy do not take the root’s slots, and the copy’s own slots are counted exactly', async () => {
      // Prepare: maxClonesPerSource 3 keeps it short; the root is full, one copy serves the rest.
      const { env } = await virtualEnv({ fullCopyCloneGroup, cloneGroupLimit: 3 }, { maxClonesPerSource: 3 });
      envs.push(env.emulator);
      // Act: 3 on the root, then 3 on a copy, then one more needs a second copy.
      const made = [];
      for (let i = 1; i <= 7; i++) {
        made.push(
          await provisionClone({ sourceClusterId: 'prod', clusterId: `c-${i}`, wait: true }, env.options),
        );
      }
      // Assess
      assert.deepEqual(
        made.map((m) => m.copyMade),
        [false, false, false, true, false, false, true],
      );
      const status = await describePool('prod', env.options);
      assert.equal(status.root.used, 3);
      assert.deepEqual(
        status.copies.map((c) => c.used),
        [1, 3],
      );
      assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
    });
  });
}

describe('a lease holder paused past its lease', () => {
  it('does not restore on the count it read before the pause: it reads again and makes a copy', async () => {
    // Prepare: virtual time shared by the emulator and both requesters; 14 of 15 slots used.
    const { clock, env } = await virtualEnv();
    try {
      for (let i = 1; i <= 14; i++) {
        await provisionClone({ sourceClusterId: 'prod', clusterId: `ci-${i}` }, env.options);
      }
      // Requester A's RDS client pauses once, right after A read the account under the lease:
      // meanwhile its lease runs out and requester B takes the last slot.
      const rds = sdkFor(env.emulator);
      let paused = false;
      let bTook = '';
      rds.middlewareStack.add(
        (next, context) => async (args) => {
          const out = await next(args);
          const input = args.input as { DBClusterIdentifier?: string };
          if (!paused && context.commandName === 'DescribeDBClustersCommand' && !input.DBClusterIdentifier) {
            paused = true;
            clock.advance(130_000);
            bTook = (await provisionClone({ sourceClusterId: 'prod', clusterId: 'b-took-it' }, env.options))
              .sourceClusterId;
          }
          return out;
        },
        { step: 'initialize', name: 'pauseAfterTheRead' },
      );
      // Act
      const a = await provisionClone(
        { sourceClusterId: 'prod', clusterId: 'a-after-pause', wait: true },
        { ...env.options, clients: { rds } },
      );
      // Assess
      assert.equal(paused, true);
      assert.equal(bTook, 'prod');
      assert.equal(a.copyMade, true, 'A saw the root full once it read again');
      assert.notEqual(a.sourceClusterId, 'prod');
      assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
    } finally {
      await env.emulator.stop();
    }
  });
});

describe('a lease holder paused inside the SDK’s retries of its restore', () => {
  it('checks its lease again before the retried attempt, and reads again instead', async () => {
    // Prepare: as above, but the pause comes after a throttled first attempt of the restore itself.
    const { clock, env } = await virtualEnv();
    try {
      for (let i = 1; i <= 14; i++) {
        await provisionClone({ sourceClusterId: 'prod', clusterId: `ci-${i}` }, env.options);
      }
      const rds = sdkFor(env.emulator);
      let throttled = false;
      rds.middlewareStack.add(
        (next, context) => async (args) => {
          if (!throttled && context.commandName === 'RestoreDBClusterToPointInTimeCommand') {
            throttled = true;
            // The answer is "throttled"; the SDK backs off, the process sleeps past its lease,
            // and meanwhile another requester takes the last slot.
            clock.advance(130_000);
            await provisionClone({ sourceClusterId: 'prod', clusterId: 'b-took-it' }, env.options);
            throw Object.assign(new Error('Rate exceeded'), {
              name: 'ThrottlingException',
              $metadata: { httpStatusCode: 400 },
              $retryable: { throttling: true },
            });
          }
          return next(args);
        },
        { step: 'deserialize', name: 'throttleOnceThenPause', priority: 'low' },
      );
      // Act
      const a = await provisionClone(
        { sourceClusterId: 'prod', clusterId: 'a-after-pause', wait: true },
        { ...env.options, clients: { rds } },
      );
      // Assess
      assert.equal(throttled, true);
      assert.equal(a.copyMade, true, 'A read again and made a copy instead of restoring on the root');
      assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
    } finally {
      await env.emulator.stop();
    }
  });
});

describe('what a crashed request leaves behind', () => {
  it('a clone restored without a writer is flagged, then deleted by maintenance after the grace period', async () => {
    // Prepare: the restore of a request that was killed before it created the writer.
    const { clock, env } = await virtualEnv();
    try {
      const dry = await provisionClone(
        { sourceClusterId: 'prod', clusterId: 'half-made', dryRun: true },
        env.options,
      );
      await restoreAsPlanned(env.emulator, dry.plan.steps[0]);
      clock.advance(60_000);
      // Act
      const early = await describePool('prod', env.options);
      // A fixed target of 0 (floor = ceiling): no copy to make or purge, only the clone to judge.
      const config = [{ clusterId: 'prod', targetCloneSlots: 0, maxCloneSlots: 0 }];
      const before = await maintainPool(config, env.options);
      clock.advance(20 * 60_000);
      const after = await maintainPool(config, env.options);
      // Assess
      assert.equal(early.clones.find((c) => c.clusterId === 'half-made')?.noWriter, true);
      assert.deepEqual(before[0]?.deleted, [], 'not within the grace period');
      assert.deepEqual(after[0]?.deleted, ['half-made']);
      clock.advance(60_000);
      assert.equal(
        (await describePool('prod', env.options)).root.used,
        0,
        'its slot is free once it is gone',
      );
    } finally {
      await env.emulator.stop();
    }
  });

  it('a copy restored without a writer is repaired and used, not copied again', async () => {
    // Prepare: the root is full; a request made a copy and was killed before its writer.
    const { clock, env } = await virtualEnv({ cloneGroupLimit: 1 }, { maxClonesPerSource: 1 });
    try {
      await provisionClone({ sourceClusterId: 'prod', clusterId: 'fills-root' }, env.options);
      const dry = await provisionClone(
        { sourceClusterId: 'prod', clusterId: 'x', dryRun: true },
        env.options,
      );
      const copyStep = dry.plan.steps.find((s) => s.kind === 'copy');
      await restoreAsPlanned(env.emulator, copyStep);
      clock.advance(20 * 60_000);
      // Act
      const r = await provisionClone(
        { sourceClusterId: 'prod', clusterId: 'after-crash', wait: true },
        env.options,
      );
      // Assess
      assert.equal(r.sourceClusterId, copyStep?.clusterId);
      assert.equal(r.copyMade, false);
      assert.deepEqual(
        r.applied.map((a) => a.kind),
        ['copy-writer', 'wait-copy', 'clone', 'clone-writer', 'wait'],
      );
      assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
    } finally {
      await env.emulator.stop();
    }
  });
});

/** Does a plan's restore step by hand, as the product would have before it was killed. */
async function restoreAsPlanned(emulator: RunningEmulator, step: Step | undefined) {
  assert.ok(step?.kind === 'clone' || step?.kind === 'copy', 'a restore step');
  await sdkFor(emulator).send(
    new RestoreDBClusterToPointInTimeCommand({
      DBClusterIdentifier: step.clusterId,
      SourceDBClusterIdentifier: step.kind === 'clone' ? step.sourceClusterId : step.rootClusterId,
      RestoreType: step.kind === 'clone' ? 'copy-on-write' : 'full-copy',
      UseLatestRestorableTime: true,
      Tags: step.tags,
    }),
  );
}

describe('bounded work', () => {
  it('a source without an instance is refused at once: no restore is even tried', async () => {
    // Prepare: the root's only instance is deleted by hand.
    const { clock, env } = await virtualEnv();
    try {
      const rds = sdkFor(env.emulator);
      await rds.send(
        new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'prod-instance-1', SkipFinalSnapshot: true }),
      );
      clock.advance(60_000);
      const restores = () => env.emulator.stats().actions.RestoreDBClusterToPointInTime?.count ?? 0;
      // Act / Assess
      await assert.rejects(
        provisionClone({ sourceClusterId: 'prod', instanceClass: 'db.r6g.large' }, env.options),
        (err: unknown) => err instanceof SourcesRefusedError && /prod has no DB instance/.test(err.message),
      );
      assert.equal(restores(), 0);
    } finally {
      await env.emulator.stop();
    }
  });

  it('a maxCopyAge shorter than a copy takes still gives one copy and the clone, not a copy per round', async () => {
    // Prepare: the root is full; copies take 1.5 s here, far longer than the 1 s maxCopyAge.
    const { env } = await virtualEnv({ cloneGroupLimit: 1 }, { maxClonesPerSource: 1 });
    try {
      await provisionClone({ sourceClusterId: 'prod', clusterId: 'fills-root' }, env.options);
      // Act
      const r = await provisionClone(
        { sourceClusterId: 'prod', maxCopyAge: 'PT1S', wait: true },
        env.options,
      );
      // Assess
      assert.equal(r.copyMade, true);
      assert.equal(r.status, 'available');
      const copies = env.emulator.rds.clusters().filter((c) => c.tags.some((t) => t.Value === 'copy'));
      assert.equal(copies.length, 1, copies.map((c) => c.id).join(', '));
      assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
    } finally {
      await env.emulator.stop();
    }
  });

  it('maintenance stopped by the cluster quota leaves every copy it made complete, with its writer', async () => {
    // Prepare: room for the root and two more clusters only.
    const { env } = await virtualEnv({ quotas: { clusters: 3, instances: 10 } });
    try {
      // Act
      const [report] = await maintainPool([{ clusterId: 'prod', targetCloneSlots: 60 }], env.options);
      // Assess
      assert.equal(report?.ok, false);
      assert.match(report?.error ?? '', /Quota/i);
      assert.equal(report?.created.length, 2);
      for (const id of report?.created ?? []) {
        assert.ok(
          env.emulator.rds.instances().some((i) => i.clusterId === id),
          `copy ${id} has its writer`,
        );
      }
    } finally {
      await env.emulator.stop();
    }
  });

  it('two deployments and a CLI user on one source share the one lease: none over the limit', async () => {
    // Prepare: three actors, each with its own manager id, all on the default shared table.
    const env = await engineEnv({ quotas: { clusters: 200, instances: 200 } }, { maxClonesPerSource: 4 });
    try {
      const actors = ['stack-a', 'stack-b', 'cli-user'].map((managerId) => ({ ...env.options, managerId }));
      // Act: 8 requests from each at once
      const results = await Promise.allSettled(
        actors.flatMap((options) =>
          Array.from({ length: 8 }, () => provisionClone({ sourceClusterId: 'prod' }, options)),
        ),
      );
      // Assess
      assert.deepEqual(
        results
          .filter((r) => r.status === 'rejected')
          .map((r) => String((r as PromiseRejectedResult).reason)),
        [],
      );
      assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
      const status = await describePool('prod', env.options);
      assert.ok((status.root.used ?? 99) <= 4, `root has ${status.root.used}`);
    } finally {
      await env.emulator.stop();
    }
  });
});

/** An emulator and a manager sharing one virtual clock: waits and AWS durations take no real time. */
async function virtualEnv(emulator: EmulatorOptions = {}, manager: ManagerOptions = {}) {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  return { clock, env: await engineEnv({ ...emulator, clock }, { ...manager, clock }) };
}

function sdkFor(emulator: RunningEmulator): RDSClient {
  return new RDSClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}
