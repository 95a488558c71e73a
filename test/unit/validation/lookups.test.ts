// The requests behind list, extend and a delete that may find nothing: each field named as the edge
// that received it names it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterFilter, ExtendRequest } from '../../../src/model/api.ts';
import {
  validateClusterFilter,
  validateDeleteRequest,
  validateExtendRequest,
} from '../../../src/validation/index.ts';
import { fieldsOf, problem } from './helpers.ts';

describe('validateExtendRequest', () => {
  it('takes a ttl as the library takes TTLs elsewhere: ISO-8601, short form, or ms', () => {
    assert.deepEqual(validateExtendRequest({ clusterId: 'clone-1', ttl: 'PT8H' }), {
      clusterId: 'clone-1',
      ttlMs: 8 * 3_600_000,
      dryRun: false,
    });
    assert.equal(validateExtendRequest({ clusterId: 'clone-1', ttl: '8h' }).ttlMs, 8 * 3_600_000);
    assert.equal(validateExtendRequest({ clusterId: 'clone-1', ttl: 90_000, dryRun: true }).dryRun, true);
  });

  it('names the ttl and the cluster as the edge does', () => {
    const cli = { clusterId: 'ID', ttl: '--ttl' };
    assert.match(
      problem(() => validateExtendRequest({ clusterId: 'clone-1', ttl: 'soon' }, cli), '--ttl'),
      /^--ttl: "soon" is not a duration/,
    );
    assert.match(
      problem(() => validateExtendRequest({ clusterId: 'clone-1', ttl: -5 }), 'ttl'),
      /must be a positive duration/,
    );
    assert.deepEqual(
      fieldsOf(() => validateExtendRequest({ clusterId: 'bad--id' } as ExtendRequest, cli)),
      ['--ttl', 'ID'],
    );
  });

  it('reports an unknown key instead of ignoring it', () => {
    const typo = { clusterId: 'clone-1', ttl: '8h', dryrun: true } as unknown as ExtendRequest;
    assert.match(
      problem(() => validateExtendRequest(typo), 'dryrun'),
      /unknown key/,
    );
  });
});

describe('validateClusterFilter', () => {
  it('keeps only the fields given', () => {
    assert.deepEqual(validateClusterFilter({}), {});
    assert.deepEqual(validateClusterFilter({ sourceClusterId: 'prod', role: 'copy', owner: 'ci' }), {
      sourceClusterId: 'prod',
      role: 'copy',
      owner: 'ci',
    });
    assert.deepEqual(validateClusterFilter({ requestKey: 'ci-run-42' }), { requestKey: 'ci-run-42' });
  });

  it('names each bad field as the edge does', () => {
    const cli = {
      sourceClusterId: '--source',
      role: '--role',
      managerId: '--manager-id',
      requestKey: '--request-key',
    };
    assert.deepEqual(
      fieldsOf(() =>
        validateClusterFilter(
          {
            sourceClusterId: 'prod_db',
            role: 'root',
            managerId: ' ',
            requestKey: 'x'.repeat(257),
          } as unknown as ClusterFilter,
          cli,
        ),
      ),
      ['--manager-id', '--request-key', '--role', '--source'],
    );
    assert.match(
      problem(() => validateClusterFilter({ role: 'root' } as unknown as ClusterFilter), 'role'),
      /must be clone or copy, got "root"/,
    );
  });
});

describe('validateDeleteRequest: ignoreMissing', () => {
  it('is kept when given, and must be a boolean', () => {
    assert.deepEqual(validateDeleteRequest({ clusterId: 'c', ignoreMissing: true }), {
      clusterId: 'c',
      ignoreMissing: true,
    });
    const text = { clusterId: 'c', ignoreMissing: 'yes' } as unknown as Parameters<
      typeof validateDeleteRequest
    >[0];
    assert.match(
      problem(() => validateDeleteRequest(text), 'ignoreMissing'),
      /must be true or false/,
    );
  });
});
