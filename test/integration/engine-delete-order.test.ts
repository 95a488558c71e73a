// Deleting a clone: its instances, then the cluster. Whether RDS takes DeleteDBCluster while the
// instances are still being deleted is unconfirmed, so the emulator offers both: the manager deletes
// the cluster at once where it may (no window in which the cluster sits available without a writer),
// and waits for the instances where it must.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { deleteClone, provisionClone } from '../../src/engine/api.ts';
import { engineEnv } from '../helpers/engine-env.ts';

const emulators: RunningEmulator[] = [];
after(async () => {
  for (const e of emulators) await e.stop();
});

for (const choice of ['deleting', 'gone'] as const) {
  describe(`deleting a clone when RDS deletes a cluster whose instances are ${choice === 'deleting' ? 'being deleted' : 'gone'}`, () => {
    it('removes the instance and the cluster, and says so', async () => {
      const env = await engineEnv({
        deleteClusterWhileInstances: choice,
        timings: { deleteInstanceMs: 200 },
      });
      emulators.push(env.emulator);
      const made = await provisionClone(
        { sourceClusterId: 'prod', clusterId: 'to-go', wait: true },
        env.options,
      );
      const before = env.emulator.stats().actions.DeleteDBCluster?.count ?? 0;
      // Act
      const r = await deleteClone({ clusterId: 'to-go', wait: true }, env.options);
      // Assess: from the emulator's records
      assert.equal(env.emulator.rds.cluster('to-go'), undefined);
      assert.equal(
        env.emulator.rds.instances().some((i) => i.clusterId === 'to-go'),
        false,
      );
      assert.deepEqual(r.instancesDeleted, [made.instanceId]);
      const calls = (env.emulator.stats().actions.DeleteDBCluster?.count ?? 0) - before;
      assert.equal(calls, choice === 'deleting' ? 1 : 2, 'refused once while its instance was going');
    });
  });
}
