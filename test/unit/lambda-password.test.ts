// Password preparation, application and cleanup against small fakes of the adapters.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyPendingPassword,
  cleanupPassword,
  generatePassword,
  type PasswordServices,
  preparePassword,
  secretNameFor,
} from '../../src/executor/password.ts';
import type { ClusterInfo } from '../../src/model/inventory.ts';
import { readManagedTags, TAG } from '../../src/model/tags.ts';
import { AwsCallError, AwsNotFoundError } from '../../src/util/errors.ts';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-0000-4000-8000-000000000001';
const ROLE = 'arn:aws:iam::123456789012:role/app';

function fakes(options: { failPolicy?: boolean; secretValue?: string } = {}) {
  const calls: [string, ...unknown[]][] = [];
  const stored: Record<string, string> = {};
  const services = {
    kms: {
      createKey: async (input: unknown) => {
        calls.push(['createKey', input]);
        return { keyId: '1234abcd-0000-4000-8000-000000000001', arn: KEY_ARN };
      },
      putKeyPolicy: async (keyId: string, policy: unknown) =>
        void calls.push(['putKeyPolicy', keyId, policy]),
      scheduleKeyDeletion: async (keyId: string, days: number) => {
        calls.push(['scheduleKeyDeletion', keyId, days]);
        if (keyId === 'gone')
          throw new AwsNotFoundError('kms:ScheduleKeyDeletion', { name: 'NotFoundException' });
        return new Date();
      },
    },
    secrets: {
      createSecret: async (input: { name: string; secretString: string; kmsKeyId?: string }) => {
        calls.push(['createSecret', { ...input, secretString: '(hidden)' }]);
        stored[input.name] = input.secretString;
        return {
          arn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${input.name}-AbCdEf`,
          name: input.name,
        };
      },
      putResourcePolicy: async (id: string, policy: unknown) => {
        calls.push(['putResourcePolicy', id, policy]);
        if (options.failPolicy)
          throw new AwsCallError('secretsmanager:PutResourcePolicy', {
            name: 'MalformedPolicyDocumentException',
          });
      },
      getSecretValue: async (id: string) => {
        calls.push(['getSecretValue', id]);
        return options.secretValue;
      },
      deleteSecret: async (id: string, o: { force: boolean }) => {
        calls.push(['deleteSecret', id, o]);
        if (id === 'gone')
          throw new AwsNotFoundError('secretsmanager:DeleteSecret', { name: 'ResourceNotFoundException' });
      },
    },
    rds: {
      modifyCluster: async (input: unknown) => void calls.push(['modifyCluster', input]),
      removeTags: async (arn: string, keys: string[]) => void calls.push(['removeTags', arn, keys]),
    },
  } as unknown as PasswordServices;
  return { services, calls, stored };
}

const target = { clusterId: 'ci-1', managerId: 'mgr', now: new Date('2026-11-25T10:25:13Z') };

describe('generatePassword', () => {
  it('is long, RDS-safe, mixes letters and digits, and differs every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      assert.equal(p.length, 32);
      assert.match(p, /^[\x21-\x7e]+$/);
      assert.doesNotMatch(p, /[/"@' ]/);
      assert.match(p, /[A-Z]/);
      assert.match(p, /[a-z]/);
      assert.match(p, /\d/);
      seen.add(p);
    }
    assert.equal(seen.size, 200);
  });
});

describe('secretNameFor', () => {
  it('is <prefix>password/<cluster>-<timestamp>', () => {
    assert.equal(
      secretNameFor(undefined, 'ci-1', target.now),
      '/aurora-clone-manager/password/ci-1-20261125t102513z',
    );
    assert.equal(secretNameFor('/team', 'ci-1', target.now), '/team/password/ci-1-20261125t102513z');
    assert.throws(() => secretNameFor('bad prefix', 'ci-1', target.now), /secretPrefix: /);
  });
});

describe('preparePassword', () => {
  it('with a forced key: creates the key, lets the principals decrypt via Secrets Manager, and grants GetSecretValue', async () => {
    const { services, calls, stored } = fakes();
    const out = await preparePassword(
      { setPassword: true, forceCreateKmsKey: true, accessPrincipalArns: [ROLE], secretKey: 'pw' },
      target,
      services,
    );
    assert.equal(out.keyCreated, true);
    assert.equal(out.kmsKeyId, KEY_ARN);
    assert.equal(out.secretName, '/aurora-clone-manager/password/ci-1-20261125t102513z');
    const keyPolicy = calls.find((c) => c[0] === 'putKeyPolicy')![2] as {
      Statement: { Principal: { AWS: unknown }; Action: unknown }[];
    };
    assert.deepEqual(
      keyPolicy.Statement[0]!.Principal.AWS,
      'arn:aws:iam::123456789012:root',
      'the account keeps control of the key',
    );
    assert.deepEqual(keyPolicy.Statement[1]!.Principal.AWS, [ROLE]);
    assert.deepEqual(keyPolicy.Statement[1]!.Action, ['kms:Decrypt', 'kms:DescribeKey']);
    const created = calls.find((c) => c[0] === 'createSecret')![1] as { kmsKeyId: string };
    assert.equal(created.kmsKeyId, KEY_ARN);
    const policy = calls.find((c) => c[0] === 'putResourcePolicy')![2] as {
      Statement: { Principal: { AWS: unknown }; Action: string[] }[];
    };
    assert.deepEqual(policy.Statement[0]!.Principal.AWS, [ROLE]);
    assert.ok(policy.Statement[0]!.Action.includes('secretsmanager:GetSecretValue'));
    const value = JSON.parse(stored[out.secretName]!);
    assert.equal(value.pw.length, 32);
    assert.equal(value.passwordKey, 'pw');
    assert.ok(!JSON.stringify(out).includes(value.pw), 'the result never carries the password');
  });

  it('with neither a key nor principals: no key is made and no policy is set', async () => {
    const { services, calls } = fakes();
    const out = await preparePassword({ setPassword: true }, target, services);
    assert.equal(out.keyCreated, false);
    assert.equal(out.kmsKeyId, undefined);
    assert.deepEqual(
      calls.map((c) => c[0]),
      ['createSecret'],
    );
  });

  it('leaves nothing behind when a later step fails', async () => {
    const { services, calls } = fakes({ failPolicy: true });
    await assert.rejects(
      preparePassword(
        { setPassword: true, forceCreateKmsKey: true, accessPrincipalArns: [ROLE] },
        target,
        services,
      ),
      /MalformedPolicyDocumentException/,
    );
    assert.ok(calls.some((c) => c[0] === 'deleteSecret' && (c[2] as { force: boolean }).force));
    assert.ok(calls.some((c) => c[0] === 'scheduleKeyDeletion' && c[1] === KEY_ARN));
  });
});

describe('applyPendingPassword', () => {
  const cluster = (tags: Record<string, string>): ClusterInfo => {
    const base: Record<string, string> = {
      [TAG.role]: 'clone',
      [TAG.sourceArn]: 'arn:aws:rds:eu-west-1:123456789012:cluster:prod',
      [TAG.rootArn]: 'arn:aws:rds:eu-west-1:123456789012:cluster:prod',
      ...tags,
    };
    const info: ClusterInfo = {
      id: 'ci-1',
      arn: 'arn:aws:rds:eu-west-1:123456789012:cluster:ci-1',
      status: 'available',
      engine: 'aurora-postgresql',
      securityGroupIds: [],
      deletionProtection: false,
      members: [],
      tags: base,
    };
    const managed = readManagedTags(base);
    if (managed) info.managed = managed;
    return info;
  };

  it('does nothing when no password is pending', async () => {
    const { services, calls } = fakes();
    assert.equal(await applyPendingPassword(cluster({}), services), false);
    assert.deepEqual(calls, []);
  });

  it('sets the stored password, applied immediately, then clears the pending mark', async () => {
    const { services, calls } = fakes({
      secretValue: JSON.stringify({ pw: 'S3cure-Pass', passwordKey: 'pw' }),
    });
    const applied = await applyPendingPassword(
      cluster({ [TAG.passwordState]: 'pending', [TAG.passwordSecret]: 'sec-arn' }),
      services,
    );
    assert.equal(applied, true);
    assert.deepEqual(calls.slice(1), [
      ['modifyCluster', { clusterId: 'ci-1', masterUserPassword: 'S3cure-Pass', applyImmediately: true }],
      ['removeTags', 'arn:aws:rds:eu-west-1:123456789012:cluster:ci-1', [TAG.passwordState]],
    ]);
  });

  it('turns on RDS-managed passwords when pending without a secret', async () => {
    const { services, calls } = fakes();
    await applyPendingPassword(cluster({ [TAG.passwordState]: 'pending' }), services);
    assert.deepEqual(calls[0], [
      'modifyCluster',
      { clusterId: 'ci-1', manageMasterUserPassword: true, applyImmediately: true },
    ]);
  });

  it('refuses a secret without the password, keeping the pending mark', async () => {
    const { services, calls } = fakes({ secretValue: '{"user":"x"}' });
    await assert.rejects(
      applyPendingPassword(cluster({ [TAG.passwordState]: 'pending', [TAG.passwordSecret]: 's' }), services),
      /has no "password" value/,
    );
    assert.ok(!calls.some((c) => c[0] === 'removeTags'));
  });
});

describe('cleanupPassword', () => {
  it('force-deletes the secret and schedules deletion of a key the manager made (7 days)', async () => {
    const { services, calls } = fakes();
    const out = await cleanupPassword({ secretArn: 'sec', createdKeyId: 'key' }, services);
    assert.deepEqual(out, { secretDeleted: 'sec', kmsKeyScheduledForDeletion: 'key' });
    assert.deepEqual(calls, [
      ['deleteSecret', 'sec', { force: true }],
      ['scheduleKeyDeletion', 'key', 7],
    ]);
  });

  it('touches no key it was not told the manager made, and treats what is already gone as done', async () => {
    const { services, calls } = fakes();
    await cleanupPassword({ secretArn: 'gone' }, services);
    assert.deepEqual(calls, [['deleteSecret', 'gone', { force: true }]]);
    const out = await cleanupPassword({ createdKeyId: 'gone' }, services);
    assert.deepEqual(out, { kmsKeyScheduledForDeletion: 'gone' });
  });
});
