// "Keep my clone longer" against maintenance deleting it because it expired: the user is never told a
// clone is kept while it is being deleted.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { extendClone, maintainPool, provisionClone } from '../../src/engine/api.ts';
import { engineEnv } from '../helpers/engine-env.ts';

const emulators: RunningEmulator[] = [];
after(async () => {
  for (const e of emulators) await e.stop();
});

describe('extend while maintenance deletes an expired clone', () => {
  it('refuses, saying it is being deleted, once maintenance has started deleting it', async () => {
    // Prepare: deleting an instance takes a while, as on AWS.
    const env = await engineEnv({ timings: { deleteInstanceMs: 3_000 } });
    emulators.push(env.emulator);
    await provisionClone({ sourceClusterId: 'prod', clusterId: 'short', ttl: 1, wait: true }, env.options);
    await new Promise((r) => setTimeout(r, 50));
    const maintenance = maintainPool([{ clusterId: 'prod', targetCloneSlots: 0 }], env.options);
    const deleting = () =>
      env.emulator.rds.instances().some((i) => i.clusterId === 'short' && i.status === 'deleting');
    for (let i = 0; i < 100 && !deleting(); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(deleting(), 'maintenance started deleting the expired clone');
    // Act
    const extended = extendClone({ clusterId: 'short', ttl: '2h' }, env.options);
    // Assess
    await assert.rejects(
      extended,
      // The cluster itself is deleted along with its instance (RDS takes it while the instance goes).
      /refusing to touch cluster short: it is being deleted/,
    );
    const [report] = await maintenance;
    assert.deepEqual(report?.deleted, ['short']);
  });
});
