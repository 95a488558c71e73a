// Each input rule on its own: what it accepts, what it refuses, and that the message names the field
// it was given and says what is wrong in one line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { managedTagList } from '../../../src/model/tags.ts';
import {
  checkClusterId,
  checkClusterIdOrArn,
  checkDuration,
  checkEndpointUrl,
  checkInstanceClass,
  checkInstant,
  checkKmsKeyId,
  checkManagerId,
  checkMaxClonesPerSource,
  checkOwner,
  checkParameterGroupName,
  checkPasswordChoice,
  checkPrincipalArns,
  checkRegion,
  checkRequestKey,
  checkSecretPrefix,
  checkSecurityGroupIds,
  checkSubnetGroupName,
  checkTableName,
  checkTags,
  checkTargetCloneSlots,
  MAX_DURATION_MS,
  MAX_TARGET_CLONE_SLOTS,
  MAX_USER_TAGS,
  parseBoolean,
  parseList,
  parseWholeNumber,
} from '../../../src/validation/index.ts';
import { fieldsOf, problem } from './helpers.ts';

describe('cluster identifiers', () => {
  it('accepts RDS identifiers as given', () => {
    assert.equal(checkClusterId('Prod-1', 'f'), 'Prod-1');
    assert.equal(checkClusterId('a'.repeat(63), 'f'), 'a'.repeat(63));
  });

  it('refuses each broken rule, saying which', () => {
    const cases: [unknown, RegExp][] = [
      ['', /must not be empty/],
      ['1prod', /must start with a letter/],
      ['pro--d', /two consecutive hyphens/],
      ['prod-', /must not end with a hyphen/],
      ['Bad Id', /"Bad Id" is not a valid cluster identifier: may contain only letters, digits and hyphens/],
      ['a'.repeat(64), /at most 63 characters/],
      [42, /must be a string, got 42/],
    ];
    for (const [id, why] of cases)
      assert.match(
        problem(() => checkClusterId(id, 'src'), 'src'),
        why,
      );
  });

  it('takes an ARN where an id or ARN is allowed, and checks the id inside it', () => {
    const arn = 'arn:aws:rds:eu-west-1:123456789012:cluster:prod';
    assert.equal(checkClusterIdOrArn(arn, 'f'), arn);
    assert.equal(checkClusterIdOrArn('prod', 'f'), 'prod');
    assert.match(
      problem(() => checkClusterIdOrArn('arn:aws:s3:::bucket', 'f'), 'f'),
      /is not a DB cluster ARN/,
    );
    assert.match(
      problem(() => checkClusterIdOrArn('arn:aws:rds:eu-west-1:123456789012:cluster:pr_od', 'f'), 'f'),
      /names an invalid cluster identifier: may contain only/,
    );
    assert.match(
      problem(() => checkClusterId(arn, 'f'), 'f'),
      /is not a valid cluster identifier/,
    );
  });
});

describe('instance classes', () => {
  it('accepts db.serverless and Aurora classes, in any case, returning lower case', () => {
    for (const cls of [
      'db.serverless',
      'db.r6g.large',
      'db.t4g.medium',
      'db.x2g.16xlarge',
      'db.r6gd.xlarge',
    ]) {
      assert.equal(checkInstanceClass(cls, 'f'), cls);
    }
    assert.equal(checkInstanceClass('DB.R6G.LARGE', 'f'), 'db.r6g.large');
  });

  it('refuses what is not an instance class, naming the field', () => {
    for (const bad of [
      'large',
      'r6g.large',
      'db.r6g',
      'db.',
      'db.r6g.large.',
      'db..large',
      'db.serverless.x',
    ]) {
      assert.match(
        problem(() => checkInstanceClass(bad, 'InstanceClass'), 'InstanceClass'),
        /not a DB instance class/,
      );
    }
  });
});

describe('durations', () => {
  it('reads ISO-8601, the short forms and milliseconds', () => {
    assert.equal(checkDuration('P3D', 'f'), 3 * 86_400_000);
    assert.equal(checkDuration('PT8H', 'f'), 8 * 3_600_000);
    assert.equal(checkDuration('30m', 'f'), 1_800_000);
    assert.equal(checkDuration(5000, 'f'), 5000);
  });

  it('refuses what is not a positive duration', () => {
    for (const bad of ['soon', 'P1Y', '0h', '-1h', '3 days']) {
      assert.match(
        problem(() => checkDuration(bad, 'ttl'), 'ttl'),
        /is not a duration/,
      );
    }
    assert.match(
      problem(() => checkDuration(0, 'ttl'), 'ttl'),
      /positive duration/,
    );
    assert.match(
      problem(() => checkDuration(Number.NaN, 'ttl'), 'ttl'),
      /positive duration/,
    );
    assert.match(
      problem(() => checkDuration(true, 'ttl'), 'ttl'),
      /must be a duration/,
    );
  });

  it('caps durations at 10 years with a message instead of a RangeError later', () => {
    assert.equal(checkDuration('P3650D', 'f'), MAX_DURATION_MS);
    assert.match(
      problem(() => checkDuration('9999999999w', '--ttl'), '--ttl'),
      /^--ttl: "9999999999w" is longer than 10 years \(P3650D\)/,
    );
    assert.match(
      problem(() => checkDuration(MAX_DURATION_MS + 1, 'ttl'), 'ttl'),
      /longer than 10 years/,
    );
  });
});

describe('instants', () => {
  it('reads dates (UTC midnight) and times with or without a zone', () => {
    assert.equal(checkInstant('2026-11-01', 'f').toISOString(), '2026-11-01T00:00:00.000Z');
    assert.equal(checkInstant('2026-11-01T10:00:00+02:00', 'f').toISOString(), '2026-11-01T08:00:00.000Z');
    assert.equal(checkInstant('2028-02-29T23:59:59Z', 'f').toISOString(), '2028-02-29T23:59:59.000Z');
    const d = new Date('2026-01-01T00:00:00Z');
    assert.equal(checkInstant(d, 'f'), d);
  });

  it('refuses impossible calendar dates instead of rolling them over', () => {
    assert.match(
      problem(() => checkInstant('2026-02-30', 'CopyCreatedSince'), 'CopyCreatedSince'),
      /"2026-02-30" is not a calendar date: February 2026 has 28 days/,
    );
    assert.match(
      problem(() => checkInstant('2026-04-31T10:00:00Z', 'f'), 'f'),
      /April 2026 has 30 days/,
    );
    assert.match(
      problem(() => checkInstant('2027-02-29', 'f'), 'f'),
      /February 2027 has 28 days/,
    );
    assert.match(
      problem(() => checkInstant('2026-13-01', 'f'), 'f'),
      /month 13 does not exist/,
    );
    assert.match(
      problem(() => checkInstant('2026-01-01T24:30:00Z', 'f'), 'f'),
      /time of day does not exist/,
    );
  });

  it('refuses text that is not ISO-8601 and invalid Dates', () => {
    for (const bad of ['yesterday', '24/11/2026', '2026-1-1', '']) {
      assert.match(
        problem(() => checkInstant(bad, 'f'), 'f'),
        /is not an ISO-8601 instant/,
      );
    }
    assert.match(
      problem(() => checkInstant(new Date('x'), 'f'), 'f'),
      /invalid Date/,
    );
  });
});

describe('clone counts', () => {
  it('maxClonesPerSource is 1–15, the AWS clone group limit', () => {
    assert.equal(checkMaxClonesPerSource(1, 'f'), 1);
    assert.equal(checkMaxClonesPerSource(15, 'f'), 15);
    for (const bad of [0, 16, 2.5, '7']) {
      assert.match(
        problem(() => checkMaxClonesPerSource(bad, 'MAX_CLONES_PER_SOURCE'), 'MAX_CLONES_PER_SOURCE'),
        /must be a whole number from 1 to 15 \(AWS makes at most 15 clones per clone group\)/,
      );
    }
  });

  it('targetCloneSlots is 0 to 300 and the message says what a large target costs', () => {
    assert.equal(MAX_TARGET_CLONE_SLOTS, 300);
    assert.equal(checkTargetCloneSlots(0, 'f'), 0);
    assert.equal(checkTargetCloneSlots(300, 'f'), 300);
    for (const bad of [-1, 301, 1.5, '3']) {
      assert.match(
        problem(() => checkTargetCloneSlots(bad, 't'), 't'),
        /from 0 to 300 \(every 15 slots above the free capacity is a billed full copy; 300 is 20 copies\)/,
      );
    }
  });
});

describe('tags', () => {
  it('accepts what AWS accepts, unicode letters and an empty value included', () => {
    const tags = { team: 'qa', 'cost-centre/é': 'Zürich 1', 'k:v=+@-._': '' };
    assert.deepEqual(checkTags(tags, 'tags'), tags);
  });

  it('refuses keys and values outside the AWS rules, naming the field and the key', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ '': 'x' }, /a key is empty/],
      [{ ['k'.repeat(129)]: 'x' }, /is longer than 128 characters/],
      [{ 'a#b': 'x' }, /key "a#b" may contain only/],
      [{ k: 'v'.repeat(257) }, /value of "k" is longer than 256 characters/],
      [{ k: 'a;b' }, /value of "k" may contain only/],
      [{ k: 3 }, /value of "k" must be a string/],
      [{ 'aws:x': '1' }, /uses the reserved prefix "aws:"/],
      [{ 'AWS:x': '1' }, /reserved prefix "aws:"/],
      [{ 'aurora-clone-manager:role': 'copy' }, /reserved prefix "aurora-clone-manager:"/],
      [{ 'y.aurora.role': 'copy' }, /reserved prefix "y.aurora."/],
      [{ 'y.clone-manager-stack': 's' }, /reserved prefix "y.clone-manager"/],
      [Object.fromEntries([['__proto__', 'x']]), /key "__proto__" is not allowed/],
    ];
    for (const [tags, why] of cases)
      assert.match(
        problem(() => checkTags(tags, 'Tags'), 'Tags'),
        why,
      );
    assert.match(
      problem(() => checkTags('team=qa', 'Tags'), 'Tags'),
      /must be a map/,
    );
  });

  it('leaves room for the manager’s own tags within the 50 AWS allows', () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    // A clone with the most user tags and every tag the manager can set stays within AWS's 50.
    const everyManagerTag = managedTagList(
      {
        role: 'clone',
        sourceArn: 's',
        rootArn: 'r',
        dataTimestamp: new Date(0),
        manager: 'm',
        request: 'k',
        owner: 'o',
        expiresAt: new Date(0),
        passwordSecret: 'x',
        passwordKey: 'y',
        passwordKeyCreated: true,
        passwordPending: true,
      },
      many(MAX_USER_TAGS),
    );
    assert.equal(everyManagerTag.length, 50);
    assert.equal(Object.keys(checkTags(many(MAX_USER_TAGS), 'tags')).length, MAX_USER_TAGS);
    assert.match(
      problem(() => checkTags(many(MAX_USER_TAGS + 1), '--tag'), '--tag'),
      new RegExp(`has ${MAX_USER_TAGS + 1} tags; at most ${MAX_USER_TAGS} \\(AWS allows 50 per cluster`),
    );
  });

  it('reports every bad tag at once', () => {
    assert.deepEqual(
      fieldsOf(() => checkTags({ 'aws:a': '1', b: 'x;' }, 'tags')),
      ['tags', 'tags'],
    );
  });

  it('owner and request key are tag values: 1–256 allowed characters', () => {
    assert.equal(checkOwner('stack/app Logical', 'owner'), 'stack/app Logical');
    assert.equal(checkRequestKey('cfn-0123abc', 'requestKey'), 'cfn-0123abc');
    assert.match(
      problem(() => checkOwner('o'.repeat(257), '--owner'), '--owner'),
      /longer than 256/,
    );
    assert.match(
      problem(() => checkOwner('a\\b', '--owner'), '--owner'),
      /may contain only/,
    );
    assert.match(
      problem(() => checkRequestKey('', 'requestKey'), 'requestKey'),
      /must not be empty/,
    );
    assert.match(
      problem(() => checkRequestKey('a|b', '--request-key'), '--request-key'),
      /tag value/,
    );
  });
});

describe('names of other AWS things', () => {
  it('manager id: 1–128 characters usable in a tag value, starting with a letter or digit', () => {
    assert.equal(checkManagerId('ci-stack_1', 'f'), 'ci-stack_1');
    for (const bad of ['-x', '', 'a b', 'x'.repeat(129)]) {
      assert.match(
        problem(() => checkManagerId(bad, 'MANAGER_ID'), 'MANAGER_ID'),
        /must be 1–128/,
      );
    }
  });

  it('subnet group, security groups and parameter groups', () => {
    assert.equal(checkSubnetGroupName('my subnets_1', 'f'), 'my subnets_1');
    assert.match(
      problem(() => checkSubnetGroupName('a/b', 'f'), 'f'),
      /not a DB subnet group name/,
    );
    assert.deepEqual(checkSecurityGroupIds(['sg-0123456789abcdef0'], 'f'), ['sg-0123456789abcdef0']);
    assert.equal(
      problem(
        () => checkSecurityGroupIds(['sg-01234567', 'sg-x'], 'vpcSecurityGroupIds'),
        'vpcSecurityGroupIds[1]',
      ),
      'vpcSecurityGroupIds[1]: "sg-x" is not a security group id (sg-…)',
    );
    assert.equal(checkParameterGroupName('default.aurora-postgresql16', 'f'), 'default.aurora-postgresql16');
    for (const bad of ['1pg', 'pg--x', 'pg-', 'pg_x']) {
      assert.match(
        problem(() => checkParameterGroupName(bad, 'f'), 'f'),
        /not a parameter group name/,
      );
    }
  });

  it('secret prefix, KMS key and access principals', () => {
    assert.equal(checkSecretPrefix('/team/', 'f'), '/team/');
    assert.match(
      problem(() => checkSecretPrefix('a b', 'SecretPrefix'), 'SecretPrefix'),
      /Secrets Manager name/,
    );
    assert.equal(checkKmsKeyId('alias/aws/secretsmanager', 'f'), 'alias/aws/secretsmanager');
    assert.match(
      problem(() => checkKmsKeyId('key id', 'KmsKeyId'), 'KmsKeyId'),
      /not a KMS key/,
    );
    const arns = ['arn:aws:iam::111111111111:role/a', 'arn:aws:iam::111111111111:root'];
    assert.deepEqual(checkPrincipalArns(arns, 'f'), arns);
    assert.match(
      problem(
        () => checkPrincipalArns([arns[0], 'arn:aws:s3:::b'], 'AccessPrincipalArns'),
        'AccessPrincipalArns[1]',
      ),
      /is not an IAM role, user or account root ARN/,
    );
  });

  it('setPassword and manageMasterUserPassword cannot both be true', () => {
    const names = { setPassword: 'SetPassword', manageMasterUserPassword: 'ManageMasterUserPassword' };
    checkPasswordChoice(true, false, names);
    checkPasswordChoice(false, true, names);
    assert.equal(
      problem(() => checkPasswordChoice(true, true, names), 'ManageMasterUserPassword'),
      'ManageMasterUserPassword: SetPassword and ManageMasterUserPassword cannot both be true (choose one)',
    );
  });

  it('endpoint URL, Region and lease table', () => {
    assert.equal(checkEndpointUrl('http://127.0.0.1:4510/', 'f'), 'http://127.0.0.1:4510');
    assert.match(
      problem(() => checkEndpointUrl('ftp://x', '--endpoint-url'), '--endpoint-url'),
      /http/,
    );
    assert.equal(checkRegion('eu-west-1', 'f'), 'eu-west-1');
    assert.match(
      problem(() => checkRegion('mars', '--region'), '--region'),
      /not an AWS region/,
    );
    assert.equal(checkTableName('leases', 'f'), 'leases');
    assert.match(
      problem(() => checkTableName('x', 'LEASE_TABLE'), 'LEASE_TABLE'),
      /not a DynamoDB table name/,
    );
  });
});

describe('raw text as edges receive it', () => {
  it('"true"/"false" in any case, or a boolean', () => {
    assert.equal(parseBoolean('TRUE', 'f'), true);
    assert.equal(parseBoolean(' false ', 'f'), false);
    assert.equal(parseBoolean(false, 'f'), false);
    assert.match(
      problem(() => parseBoolean('yes', 'CopyOk'), 'CopyOk'),
      /must be "true" or "false", got "yes"/,
    );
  });

  it('whole numbers from text or numbers; the range is the rule’s', () => {
    assert.equal(parseWholeNumber('7', 'f'), 7);
    assert.equal(parseWholeNumber(' -1 ', 'f'), -1);
    assert.equal(parseWholeNumber(12, 'f'), 12);
    for (const bad of ['ten', '2.5', '', '1e3', 2.5]) {
      assert.match(
        problem(() => parseWholeNumber(bad, 'f'), 'f'),
        /is not a whole number/,
      );
    }
  });

  it('lists, or comma-separated text, blanks dropped', () => {
    assert.deepEqual(parseList('a, b,,c', 'f'), ['a', 'b', 'c']);
    assert.deepEqual(parseList(['a', ' b '], 'f'), ['a', 'b']);
    assert.match(
      problem(() => parseList({}, 'f'), 'f'),
      /must be a list/,
    );
  });
});
