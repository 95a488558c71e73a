// Delete requests and the deployment's ManagerOptions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeleteRequest, ManagerOptions } from '../../../src/model/api.ts';
import { validateDeleteRequest, validateManagerOptions } from '../../../src/validation/index.ts';
import { fieldsOf, problem } from './helpers.ts';

describe('validateDeleteRequest', () => {
  it('takes a cluster id or ARN and the request’s options', () => {
    assert.deepEqual(validateDeleteRequest({ clusterId: 'clone-1', wait: true }), {
      clusterId: 'clone-1',
      wait: true,
    });
    const arn = 'arn:aws:rds:us-east-1:000000000000:cluster:clone-1';
    assert.deepEqual(
      validateDeleteRequest({
        clusterId: arn,
        skipFinalSnapshot: false,
        finalSnapshotId: 'final-1',
        dryRun: true,
      }),
      { clusterId: arn, skipFinalSnapshot: false, finalSnapshotId: 'final-1', dryRun: true },
    );
  });

  it('names the cluster as the edge does', () => {
    assert.match(
      problem(() => validateDeleteRequest({ clusterId: 'not_an_id' }), 'clusterId'),
      /not a valid cluster identifier/,
    );
    assert.match(
      problem(() => validateDeleteRequest({ clusterId: 'not_an_id' }, { clusterId: 'ID' }), 'ID'),
      /^ID: "not_an_id" is not a valid cluster identifier/,
    );
    assert.match(
      problem(() => validateDeleteRequest({ clusterId: 'arn:aws:rds:x' }), 'clusterId'),
      /not a DB cluster ARN/,
    );
    assert.match(
      problem(() => validateDeleteRequest({ clusterId: '' }), 'clusterId'),
      /is required/,
    );
  });

  it('requires a final snapshot id when the snapshot is not skipped', () => {
    assert.match(
      problem(() => validateDeleteRequest({ clusterId: 'c', skipFinalSnapshot: false }), 'finalSnapshotId'),
      /is required when skipFinalSnapshot is false/,
    );
  });

  it('refuses unknown keys and wrong types together', () => {
    const bad = { clusterId: 'c', wiat: true, dryRun: 'yes' } as unknown as DeleteRequest;
    assert.deepEqual(
      fieldsOf(() => validateDeleteRequest(bad)),
      ['dryRun', 'wiat'],
    );
  });
});

describe('validateManagerOptions', () => {
  it('applies the defaults', () => {
    assert.deepEqual(validateManagerOptions({}), {
      managerId: 'aurora-clone-manager',
      maxClonesPerSource: 15,
      maxCopyAgeMs: 3 * 86_400_000,
    });
    assert.deepEqual(
      validateManagerOptions({
        managerId: 'ci',
        maxClonesPerSource: 3,
        maxCopyAge: 'PT6H',
        leaseTable: false,
      }),
      {
        managerId: 'ci',
        maxClonesPerSource: 3,
        maxCopyAgeMs: 6 * 3_600_000,
      },
    );
    assert.equal(validateManagerOptions({ maxCopyAge: 60_000 }).maxCopyAgeMs, 60_000);
  });

  it('reports every bad option in one pass', () => {
    const bad = {
      managerId: '-x',
      maxClonesPerSource: 16,
      maxCopyAge: '9999999999w',
      leaseTable: 'x',
      pollMinMs: -1,
      maxClones: 3,
    } as unknown as ManagerOptions;
    assert.deepEqual(
      fieldsOf(() => validateManagerOptions(bad)),
      ['leaseTable', 'managerId', 'maxClones', 'maxClonesPerSource', 'maxCopyAge', 'pollMinMs'],
    );
  });

  it('says an unknown option is one', () => {
    const typo = { managerID: 'x' } as unknown as ManagerOptions;
    assert.match(
      problem(() => validateManagerOptions(typo), 'managerID'),
      /unknown option \(allowed: aws, clients, managerId/,
    );
  });
});
