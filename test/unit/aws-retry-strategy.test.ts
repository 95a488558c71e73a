// The SDK's retries for the process's shared clients: bounded, never cut short by a spent quota.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedRetryStrategy } from '../../src/aws/retry-strategy.ts';

describe('BoundedRetryStrategy', () => {
  it('retries throttling as often as allowed, however much was throttled before', async () => {
    // Prepare: one strategy that has already seen 1,000 throttled attempts (the standard one's quota
    // would be long spent)
    const s = new BoundedRetryStrategy(4, () => 1);
    for (let i = 0; i < 1_000; i++) {
      await s.refreshRetryTokenForRetry(await s.acquireInitialRetryToken(''), { errorType: 'THROTTLING' });
    }
    // Act
    let t = await s.acquireInitialRetryToken('');
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      t = await s.refreshRetryTokenForRetry(t, { errorType: 'THROTTLING' });
      delays.push(t.getRetryDelay());
    }
    // Assess: three retries (four attempts), growing pauses, then no more
    assert.deepEqual(delays, [500, 1000, 2000]);
    await assert.rejects(s.refreshRetryTokenForRetry(t, { errorType: 'THROTTLING' }));
  });

  it('never retries a client error, and keeps pauses under 5 s', async () => {
    const s = new BoundedRetryStrategy(20, () => 1);
    await assert.rejects(
      s.refreshRetryTokenForRetry(await s.acquireInitialRetryToken(''), { errorType: 'CLIENT_ERROR' }),
    );
    let t = await s.acquireInitialRetryToken('');
    for (let i = 0; i < 15; i++) t = await s.refreshRetryTokenForRetry(t, { errorType: 'SERVER_ERROR' });
    assert.equal(t.getRetryDelay(), 5_000);
  });
});
