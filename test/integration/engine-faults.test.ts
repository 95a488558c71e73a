// The engine through passing AWS faults (throttling, internal failures): every request answered,
// nothing over a limit. Real SDK backoff, so these take a while: their own file, started first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePool, provisionClone } from '../../src/engine/api.ts';
import { engineEnv } from '../helpers/engine-env.ts';

describe('the engine under injected AWS faults', () => {
  it('survives 20% throttling', async () => {
    const env = await engineEnv();
    try {
      env.emulator.setFaults({ throttleRate: 0.2 });
      for (let i = 0; i < 5; i++) await provisionClone({ sourceClusterId: 'prod', wait: true }, env.options);
      env.emulator.setFaults({ throttleRate: 0 });
      assert.equal((await describePool('prod', env.options)).clones.length, 5);
      assert.ok(
        Object.values(env.emulator.stats().actions).some((a) => a.throttled > 0),
        'throttling was injected',
      );
    } finally {
      await env.emulator.stop();
    }
  });

  it('survives 40% throttling and 10% internal failures with every request answered', async () => {
    const env = await engineEnv({ seed: 7 });
    try {
      env.emulator.setFaults({ throttleRate: 0.4, errorRate: 0.1 });
      const settled = await Promise.allSettled(
        Array.from({ length: 4 }, (_, i) =>
          provisionClone({ sourceClusterId: 'prod', requestKey: `harsh-${i}`, wait: true }, env.options),
        ),
      );
      env.emulator.setFaults({ throttleRate: 0, errorRate: 0 });
      assert.deepEqual(
        settled
          .filter((s) => s.status === 'rejected')
          .map((s) => String((s as PromiseRejectedResult).reason)),
        [],
      );
      assert.equal((await describePool('prod', env.options)).clones.length, 4);
      assert.equal(env.emulator.stats().rds.accidentalFullCopies, 0);
    } finally {
      await env.emulator.stop();
    }
  });
});
