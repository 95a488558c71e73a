// validateProvision: one request in, the planner's complete policy out; every problem found in one
// pass and named as the calling edge's user wrote it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLONE_FIELDS } from '../../../src/cli/commands/clone.ts';
import { CFN_FIELDS } from '../../../src/lambda/properties.ts';
import type { ProvisionRequest } from '../../../src/model/api.ts';
import { LIBRARY_DEFAULTS, validateProvision } from '../../../src/validation/index.ts';
import { fieldsOf, problem, refusal } from './helpers.ts';

const DEFAULTS = { maxClonesPerSource: 10, maxCopyAgeMs: 3_600_000 };

describe('validateProvision', () => {
  it('applies the defaults to a minimal request', () => {
    assert.deepEqual(validateProvision({ sourceClusterId: 'Prod' }, DEFAULTS), {
      sourceClusterId: 'prod',
      maxClonesPerSource: 10,
      maxCopyAgeMs: 3_600_000,
      copyOk: true,
      purgeObsoleteCopies: true,
      noFailOnExistingCluster: false,
    });
  });

  it('fills every field of the policy from a full request', () => {
    // Fields the policy takes as they are.
    const kept = {
      sourceClusterId: 'arn:aws:rds:us-east-1:123456789012:cluster:prod',
      instanceClass: 'db.serverless',
      maxClonesPerSource: 5,
      copyOk: false,
      purgeObsoleteCopies: false,
      noFailOnExistingCluster: true,
      tags: { team: 'qa' },
      owner: 'alice',
      requestKey: 'req-1',
      dbSubnetGroupName: 'subnets',
      vpcSecurityGroupIds: ['sg-01234567'],
      dbClusterParameterGroupName: 'default.aurora-postgresql16',
      dbParameterGroupName: 'writer-params',
      password: {
        setPassword: true,
        accessPrincipalArns: ['arn:aws:iam::111111111111:root'],
        secretPrefix: '/t/',
      },
      wait: true,
      waitForCopy: false,
    };
    const request: ProvisionRequest = {
      ...kept,
      clusterId: 'My-Clone',
      maxCopyAge: 'P2D',
      copyCreatedSince: '2026-11-01T08:00:00Z',
      ttl: '8h',
      dryRun: true,
    };
    assert.deepEqual(validateProvision(request, DEFAULTS), {
      ...kept,
      clusterId: 'my-clone',
      maxCopyAgeMs: 2 * 86_400_000,
      copyCreatedSince: new Date('2026-11-01T08:00:00Z'),
      ttlMs: 8 * 3_600_000,
    });
  });

  it('accepts db.serverless and the usual Aurora classes from library callers', () => {
    for (const instanceClass of ['db.serverless', 'db.r6g.large', 'db.t4g.medium', 'db.x2g.16xlarge']) {
      assert.equal(
        validateProvision({ sourceClusterId: 'p', instanceClass }, DEFAULTS).instanceClass,
        instanceClass,
      );
    }
  });

  it('leaves out a password when neither kind is asked for', () => {
    assert.equal(
      validateProvision({ sourceClusterId: 'p', password: { secretPrefix: '/x/' } }, DEFAULTS).password,
      undefined,
    );
  });

  it('collects every problem in one pass, each named with the library’s field', () => {
    const bad = {
      sourceClusterId: 'prod_db',
      clusterId: 'x--y',
      instanceClass: 'large',
      maxCopyAge: '3 days',
      maxClonesPerSource: 16,
      copyCreatedSince: '2026-02-30',
      tags: { 'aws:x': '1' },
      ttl: '9999999999w',
      owner: 'o'.repeat(257),
      requestKey: '',
      dbSubnetGroupName: 'a/b',
      vpcSecurityGroupIds: ['sg-x'],
      password: { setPassword: true, manageMasterUserPassword: true, kmsKeyId: 'a b' },
      copyOk: 'yes',
    } as unknown as ProvisionRequest;
    assert.deepEqual(
      fieldsOf(() => validateProvision(bad, DEFAULTS)),
      [
        'clusterId',
        'copyCreatedSince',
        'copyOk',
        'dbSubnetGroupName',
        'instanceClass',
        'maxClonesPerSource',
        'maxCopyAge',
        'owner',
        'password.kmsKeyId',
        'password.manageMasterUserPassword',
        'requestKey',
        'sourceClusterId',
        'tags',
        'ttl',
        'vpcSecurityGroupIds[0]',
      ],
    );
  });

  it('requires a source and refuses a clone named like it', () => {
    assert.match(
      problem(() => validateProvision({ sourceClusterId: '' }, DEFAULTS), 'sourceClusterId'),
      /is required/,
    );
    assert.match(
      problem(() => validateProvision({ sourceClusterId: 'prod', clusterId: 'PROD' }, DEFAULTS), 'clusterId'),
      /must differ from sourceClusterId/,
    );
  });

  it('refuses unknown keys (a typo fails loudly) and keys that reach Object.prototype', () => {
    const typo = { sourceClusterId: 'p', instanceClas: 'db.r6g.large' } as unknown as ProvisionRequest;
    assert.match(
      problem(() => validateProvision(typo, DEFAULTS), 'instanceClas'),
      /unknown key \(allowed: sourceClusterId/,
    );
    const proto = JSON.parse('{"sourceClusterId": "p", "__proto__": {"copyOk": false}}') as ProvisionRequest;
    assert.match(
      problem(() => validateProvision(proto, DEFAULTS), '__proto__'),
      /"__proto__" is not allowed/,
    );
    const ctor = { sourceClusterId: 'p', constructor: 1 } as unknown as ProvisionRequest;
    assert.match(
      problem(() => validateProvision(ctor, DEFAULTS), 'constructor'),
      /is not allowed/,
    );
    const notObject = { sourceClusterId: 'p', password: 'secret' } as unknown as ProvisionRequest;
    assert.match(
      problem(() => validateProvision(notObject, DEFAULTS), 'password'),
      /must be an object/,
    );
    const pw = { sourceClusterId: 'p', password: { setPasword: true } } as unknown as ProvisionRequest;
    assert.match(
      problem(() => validateProvision(pw, DEFAULTS), 'password.setPasword'),
      /unknown key/,
    );
    assert.match(
      problem(() => validateProvision(null as unknown as ProvisionRequest, DEFAULTS), 'request'),
      /must be an object/,
    );
  });

  it('names the fields as each edge’s user wrote them', () => {
    const request = { sourceClusterId: 'p', instanceClass: 'large', ttl: '9999999999w' };
    const cli = refusal(() => validateProvision(request, LIBRARY_DEFAULTS, CLONE_FIELDS)).message;
    assert.match(
      cli,
      /^--instance-class: "large" is not a DB instance class.*; --ttl: "9999999999w" is longer than 10 years/,
    );
    const cfn = refusal(() => validateProvision(request, LIBRARY_DEFAULTS, CFN_FIELDS)).message;
    assert.match(cfn, /^InstanceClass: "large".*; TimeToLive: "9999999999w"/);
    const both = { sourceClusterId: 'p', password: { setPassword: true, manageMasterUserPassword: true } };
    assert.equal(
      problem(() => validateProvision(both, LIBRARY_DEFAULTS, CFN_FIELDS), 'ManageMasterUserPassword'),
      'ManageMasterUserPassword: SetPassword and ManageMasterUserPassword cannot both be true (choose one)',
    );
    assert.match(
      problem(() => validateProvision(both, LIBRARY_DEFAULTS), 'password.manageMasterUserPassword'),
      /password\.setPassword and password\.manageMasterUserPassword cannot both be true/,
    );
  });
});

describe('copyCreatedSince in the future', () => {
  it('is refused by the edge, naming the field as its user wrote it', () => {
    const now = new Date('2026-03-02T09:00:00Z');
    const req = { sourceClusterId: 'prod', copyCreatedSince: '2026-03-02T10:00:00Z' };
    assert.match(
      problem(
        () =>
          validateProvision(req, { ...LIBRARY_DEFAULTS, now }, { copyCreatedSince: '--copy-created-since' }),
        '--copy-created-since',
      ),
      /2026-03-02T10:00:00.000Z is not in the past \(now 2026-03-02T09:00:00.000Z\)/,
    );
    assert.equal(
      validateProvision(
        { ...req, copyCreatedSince: '2026-03-02T08:00:00Z' },
        { ...LIBRARY_DEFAULTS, now },
      ).copyCreatedSince?.toISOString(),
      '2026-03-02T08:00:00.000Z',
    );
  });
});
