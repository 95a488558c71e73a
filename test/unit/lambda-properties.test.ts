// The ResourceProperties schema: CloudFormation's strings in, typed properties out, and every bad
// value reported by property name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toProvisionRequest } from '../../src/lambda/custom-resource.ts';
import { readEnv } from '../../src/lambda/env.ts';
import { changedProperties, parseProperties } from '../../src/lambda/properties.ts';
import { ValidationError, ValidationErrors } from '../../src/util/errors.ts';

describe('parseProperties', () => {
  it('parses the strings CloudFormation sends', () => {
    const p = parseProperties({
      ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      SourceClusterId: 'Prod',
      CopyOk: 'FALSE',
      MaxClonesPerSource: '7',
      CopyCreatedSince: '2026-11-01',
      AccessPrincipalArns: 'arn:aws:iam::111111111111:role/a,arn:aws:iam::111111111111:root',
      Tags: { team: 'qa' },
      ServiceTimeout: '900',
    });
    assert.equal(p.sourceClusterId, 'prod');
    assert.equal(p.copyOk, false);
    assert.equal(p.maxClonesPerSource, 7);
    assert.equal(p.copyCreatedSince?.toISOString(), '2026-11-01T00:00:00.000Z');
    assert.deepEqual(p.accessPrincipalArns, [
      'arn:aws:iam::111111111111:role/a',
      'arn:aws:iam::111111111111:root',
    ]);
    assert.deepEqual(p.tags, { team: 'qa' });
    assert.equal(p.waitForAvailable, true, 'WaitForAvailable defaults to true');
    assert.equal(p.serviceTimeoutSeconds, 900);
  });

  it('accepts Tags as a list of {Key, Value} and the SecretpPrefix misspelling', () => {
    const p = parseProperties({
      SourceClusterId: 's',
      Tags: [{ Key: 'a', Value: 'b' }],
      SecretpPrefix: '/x/',
    });
    assert.deepEqual(p.tags, { a: 'b' });
    assert.equal(p.secretPrefix, '/x/');
  });

  it('refuses SecretPrefix and SecretpPrefix with different values', () => {
    assert.throws(
      () => parseProperties({ SourceClusterId: 's', SecretPrefix: '/a/', SecretpPrefix: '/b/' }),
      /SecretpPrefix: conflicts/,
    );
  });

  it('treats empty strings as absent (an unset template parameter)', () => {
    const p = parseProperties({ SourceClusterId: 's', ClusterId: '', CopyCreatedSince: '' });
    assert.equal(p.clusterId, undefined);
    assert.equal(p.copyCreatedSince, undefined);
  });

  it('collects every problem, each naming its property', () => {
    try {
      parseProperties({ CopyOk: 'yes', Bogus: 1 });
      assert.fail('expected a validation error');
    } catch (err) {
      assert.ok(err instanceof ValidationErrors);
      assert.deepEqual(err.errors.map((e) => e.field).sort(), ['Bogus', 'CopyOk', 'SourceClusterId']);
    }
  });

  it('rejects a non-object', () => {
    assert.throws(
      () => parseProperties('x'),
      (e: unknown) => e instanceof ValidationError && e.field === 'ResourceProperties',
    );
  });
});

describe('changedProperties', () => {
  it('compares after parsing, so "true" equals true and tag order does not matter', () => {
    const a = parseProperties({ SourceClusterId: 's', CopyOk: 'true', Tags: { a: '1' } });
    const b = parseProperties({ SourceClusterId: 's', CopyOk: true, Tags: [{ Key: 'a', Value: '1' }] });
    assert.deepEqual(changedProperties(a, b), []);
    const c = parseProperties({
      SourceClusterId: 's',
      CopyOk: 'true',
      Tags: { a: '1' },
      CopyCreatedSince: '2026-01-01',
    });
    assert.deepEqual(changedProperties(a, c), ['copyCreatedSince']);
  });
});

describe('toProvisionRequest', () => {
  const env = readEnv({
    DEFAULT_SECRET_KEY: 'alias/default',
    DEFAULT_SECRET_PREFIX: '/team/',
    MAX_COPY_AGE: 'P1D',
  });
  const extra = { requestKey: 'k', owner: 'o' };

  it('uses the deployment default key unless a key is given or a new one is forced', () => {
    const plain = toProvisionRequest(
      parseProperties({ SourceClusterId: 's', SetPassword: 'true' }),
      env,
      extra,
    );
    assert.equal(plain.password?.kmsKeyId, 'alias/default');
    assert.equal(plain.password?.secretPrefix, '/team/');
    const forced = toProvisionRequest(
      parseProperties({ SourceClusterId: 's', SetPassword: 'true', ForceCreateKmsKey: 'true' }),
      env,
      extra,
    );
    assert.equal(forced.password?.kmsKeyId, undefined);
    assert.equal(forced.password?.forceCreateKmsKey, true);
    const given = toProvisionRequest(
      parseProperties({ SourceClusterId: 's', SetPassword: 'true', KmsKeyId: 'k-1' }),
      env,
      extra,
    );
    assert.equal(given.password?.kmsKeyId, 'k-1');
  });

  it('takes MaxCopyAge from the environment unless the resource sets it, and asks for no password by default', () => {
    const r = toProvisionRequest(parseProperties({ SourceClusterId: 's' }), env, extra);
    assert.equal(r.maxCopyAge, 'P1D');
    assert.equal(r.password, undefined);
    assert.equal(r.requestKey, 'k');
  });
});

describe('readEnv', () => {
  it('has defaults', () => {
    const env = readEnv({});
    assert.equal(env.resourceType, 'Custom::AuroraClone');
    assert.equal(env.managerId, 'aurora-clone-manager');
    assert.equal(env.maintenanceConfigSsm, undefined);
    assert.equal(readEnv({ STACK_NAME: 'st' }).maintenanceConfigSsm, '/st/maintenance-config');
    assert.equal(readEnv({ LEASE_TABLE: 'none' }).leaseTable, false);
  });

  it('fails loudly naming each bad variable', () => {
    assert.throws(() => readEnv({ MAX_COPY_AGE: 'soon' }), /MAX_COPY_AGE: "soon" is not a duration/);
    assert.throws(() => readEnv({ LOG_LEVEL: 'loud' }), /LOG_LEVEL: must be one of/);
    assert.throws(
      () => readEnv({ MAX_CLONES_PER_SOURCE: '0', WAIT_POLL_MS: 'x' }),
      /WAIT_POLL_MS: .*; MAX_CLONES_PER_SOURCE: /,
    );
  });
});
