// A provision that leaves its source low, or claims a warm clone, starts maintenance for that source
// at once instead of waiting for the schedule; anything else does not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topUpReason } from '../../src/lambda/top-up.ts';
import type { ProvisionResult } from '../../src/model/api.ts';

function result(overrides: Partial<ProvisionResult>): ProvisionResult {
  return {
    clusterId: 'c',
    arn: 'arn',
    status: 'creating',
    instanceId: 'i',
    sourceClusterId: 'prod',
    sourceArn: 'arn:prod',
    copyMade: false,
    dataTimestamp: '',
    reused: false,
    dryRun: false,
    plan: {
      version: 2,
      operation: 'provision',
      rootClusterId: 'prod',
      createdAt: '',
      sources: [],
      steps: [],
      notes: [],
    },
    applied: [],
    ...overrides,
  };
}

describe('starting maintenance early', () => {
  it('starts it when the free slots fall under the low-water mark', () => {
    assert.equal(
      topUpReason(result({ freeCapacity: 4 }), { lowWaterSlots: 5 }),
      '4 free clone slots left, under the low-water mark 5',
    );
    assert.equal(topUpReason(result({ freeCapacity: 5 }), { lowWaterSlots: 5 }), undefined);
    assert.equal(
      topUpReason(result({ freeCapacity: 4 }), {}),
      '4 free clone slots left, under the low-water mark 5',
    );
  });

  it('starts it when a warm clone was claimed from a source that keeps some', () => {
    assert.match(
      topUpReason(result({ freeCapacity: 20, claimedWarmClone: 'prod-warm-1' }), { warmClones: 3 }) ?? '',
      /warm clone prod-warm-1 was claimed/,
    );
    assert.equal(
      topUpReason(result({ freeCapacity: 20, claimedWarmClone: 'prod-warm-1' }), { warmClones: 0 }),
      undefined,
    );
  });

  it('does not start it for a repeated request or a dry run', () => {
    assert.equal(topUpReason(result({ freeCapacity: 0, reused: true }), {}), undefined);
    assert.equal(topUpReason(result({ freeCapacity: 0, dryRun: true }), {}), undefined);
  });
});
