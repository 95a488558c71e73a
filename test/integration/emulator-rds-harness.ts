// Shared by the emulator's RDS tests: an SDK client pointed at an emulator, and a check that a
// call fails with AWS's error code and HTTP status.
import assert from 'node:assert/strict';
import { RDSClient } from '@aws-sdk/client-rds';
import type { RunningEmulator } from '../../src/emulator/index.ts';

export function rdsClient(
  emulator: RunningEmulator,
  options: { region?: string; maxAttempts?: number } = {},
) {
  return new RDSClient({
    endpoint: emulator.url,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: options.maxAttempts ?? 1,
  });
}

/**
 * Asserts that `call` is refused with `code` and `status`. `code` is the wire code (`Code`, what the
 * AWS CLI prints); the SDK's error `name` is the model's shape name, which can differ
 * (wire `DBInstanceNotFound` is `DBInstanceNotFoundFault`).
 */
export async function assertFault(call: Promise<unknown>, code: string, status: number): Promise<string> {
  try {
    await call;
  } catch (err) {
    const e = err as {
      Code?: string;
      name?: string;
      message?: string;
      $metadata?: { httpStatusCode?: number };
    };
    assert.equal(e.Code ?? e.name, code, `expected ${code}, got ${e.Code ?? e.name}: ${e.message}`);
    assert.equal(e.$metadata?.httpStatusCode, status, `${code} should come with HTTP ${status}`);
    return e.message ?? '';
  }
  assert.fail(`expected the call to fail with ${code}`);
}

export const PG = { Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large' } as const;
