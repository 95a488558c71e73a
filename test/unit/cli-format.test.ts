import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPoolStatus, formatProvisionResult, shortInstant } from '../../src/cli/format.ts';
import type { PoolMember, PoolStatus, ProvisionResult } from '../../src/model/api.ts';
import { PLAN_VERSION, type Plan } from '../../src/model/plan.ts';

const HOUR = 3_600_000;
const arn = (id: string) => `arn:aws:rds:eu-west-1:123456789012:cluster:${id}`;

function member(over: Partial<PoolMember> & Pick<PoolMember, 'clusterId' | 'role'>): PoolMember {
  return {
    arn: arn(over.clusterId),
    status: 'available',
    dataTimestamp: '2026-11-25T08:00:00.000Z',
    ageMs: 0,
    ...over,
  };
}

const plan: Plan = {
  version: PLAN_VERSION,
  operation: 'provision',
  rootClusterId: 'prod',
  createdAt: '2026-11-25T10:00:00.000Z',
  sources: [],
  steps: [],
  notes: [],
};

describe('formatPoolStatus', () => {
  const pool: PoolStatus = {
    readAt: '2026-11-25T10:00:00.000Z',
    root: member({ clusterId: 'prod', role: 'root', used: 15, free: 0 }),
    copies: [
      member({ clusterId: 'prod-copy-1', role: 'copy', ageMs: 2 * HOUR, used: 1, free: 14 }),
      member({ clusterId: 'prod-old', role: 'copy', ageMs: 80 * HOUR, used: 0, free: 15, obsolete: true }),
    ],
    clones: [
      member({
        clusterId: 'ci-42',
        role: 'clone',
        sourceClusterId: 'prod-copy-1',
        ageMs: 30 * 60_000,
        owner: 'alice',
        expiresAt: '2026-11-25T18:00:00.000Z',
      }),
    ],
    freeCapacity: 14,
    maxClonesPerSource: 15,
    maxCopyAgeMs: 72 * HOUR,
  };

  it('shows sources with age, data timestamp, used/free and why a copy does not count', () => {
    const out = formatPoolStatus(pool);
    assert.match(
      out,
      /^Pool of prod \(read 2026-11-25 10:00:00Z; 15 clones per source; copies obsolete after 3d\)/,
    );
    assert.match(out, /^ {2}prod +root +available +- +live +15 +0 +-$/m);
    assert.match(out, /^ {2}prod-copy-1 +copy +available +2h +2026-11-25 08:00:00Z +1 +14 +-$/m);
    assert.match(out, /^ {2}prod-old +copy +available +3d 8h .* obsolete \(purged by maintenance\)$/m);
    assert.match(
      out,
      /^ {2}ci-42 +prod-copy-1 +available +30m +2026-11-25 08:00:00Z +alice +2026-11-25 18:00:00Z$/m,
    );
    assert.match(out, /^Free capacity: 14 clone slots$/m);
  });

  it('says so when there are no clones', () => {
    assert.match(formatPoolStatus({ ...pool, clones: [] }), /^Clones \(0\):\n {2}\(no clones\)$/m);
  });
});

describe('formatProvisionResult', () => {
  const result: ProvisionResult = {
    clusterId: 'ci-42',
    arn: arn('ci-42'),
    status: 'available',
    endpoint: 'ci-42.cluster-x.eu-west-1.rds.amazonaws.com',
    port: 5432,
    instanceId: 'ci-42-writer',
    sourceClusterId: 'prod-copy-1',
    sourceArn: arn('prod-copy-1'),
    copyMade: true,
    dataTimestamp: '2026-11-25T08:00:00.000Z',
    reused: false,
    dryRun: false,
    applied: [],
    plan,
  };

  it('names the clone, its endpoint and port, and where it came from', () => {
    const out = formatProvisionResult(result, 'prod');
    assert.match(out, /^Clone ci-42 is ready\.\n/);
    assert.match(out, /^ {2}endpoint +ci-42\.cluster-x\.eu-west-1\.rds\.amazonaws\.com$/m);
    assert.match(out, /^ {2}port +5432$/m);
    assert.match(out, /^ {2}source +prod-copy-1 \(a copy of prod made for this request\)$/m);
    assert.doesNotMatch(out, /--wait/);
  });

  it('tells how to wait when the clone is still being created', () => {
    const out = formatProvisionResult(
      { ...result, status: 'creating', copyMade: false, sourceClusterId: 'prod' },
      'prod',
    );
    assert.match(out, /^Clone ci-42 is being created \(creating\)\./);
    assert.match(out, /^ {2}source +prod \(the root\)$/m);
    assert.match(out, /pass --wait to wait for it/);
  });
});

describe('shortInstant', () => {
  it('drops the milliseconds and the T', () => {
    assert.equal(shortInstant('2026-11-25T10:40:00.123Z'), '2026-11-25 10:40:00Z');
    assert.equal(shortInstant(undefined), undefined);
  });
});
