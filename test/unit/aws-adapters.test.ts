// A process builds each SDK client once per AWS configuration (a Lambda container keeps its clients
// between invocations), and never hands one configuration's clients to another.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adaptersFor } from '../../src/aws/adapters.ts';

describe('adaptersFor', () => {
  it('gives equal configurations the same adapters, built on first use', () => {
    // Act
    const first = adaptersFor({ region: 'eu-west-1', profile: 'dev' });
    const again = adaptersFor({ profile: 'dev', region: 'eu-west-1' });
    // Assess
    assert.equal(again, first);
    assert.equal(again.rds, first.rds);
    assert.throws(() => first.rds.client, { name: 'ClientNotBuiltError' });
  });

  it('keeps configurations apart that reach another account, Region or endpoint, or wait differently', () => {
    // Prepare
    const base = { region: 'eu-west-1', profile: 'dev' };
    // Act
    const others = [
      { ...base, profile: 'prod' },
      { ...base, region: 'us-east-1' },
      { ...base, endpoints: { RDS: 'http://127.0.0.1:4510' } },
      { ...base, requestTimeoutMs: 1_000 },
      { ...base, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
    ].map((c) => adaptersFor(c));
    // Assess
    assert.equal(new Set([adaptersFor(base), ...others]).size, 6);
  });
});
