// SetPassword end to end through the bundle: the secret (with its resource policy and key), the
// password applied to the clone, the instance-ready event from an RDS notification, and cleanup on
// Delete. The password must never reach the response or the log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateKeyCommand, DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { TAG } from '../../src/model/tags.ts';
import { ACCOUNT, type CfnHarness, eventually, REGION, startCfnHarness } from '../helpers/cfn-harness.ts';

const SOURCE = 'prod';
const APP_ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const CI_ROLE = `arn:aws:iam::${ACCOUNT}:role/ci`;

/** An SNS notification carrying an RDS event, shaped as RDS and SNS send it. */
function rdsNotification(instanceId: string, eventId = 'RDS-EVENT-0005', message = 'DB instance created') {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `arn:aws:sns:${REGION}:${ACCOUNT}:rds-events:5e1b2c3d-0000-4000-8000-000000000001`,
        Sns: {
          Type: 'Notification',
          MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:rds-events`,
          Subject: 'RDS Notification Message',
          Message: JSON.stringify({
            'Event Source': 'db-instance',
            'Event Time': '2026-11-25 10:45:00.123',
            'Identifier Link': `https://console.aws.amazon.com/rds/home?region=${REGION}#dbinstance:id=${instanceId}`,
            'Source ID': instanceId,
            'Source ARN': `arn:aws:rds:${REGION}:${ACCOUNT}:db:${instanceId}`,
            'Event ID': `http://docs.amazonwebservices.com/AmazonRDS/latest/UserGuide/USER_Events.html#${eventId}`,
            'Event Message': message,
          }),
          Timestamp: '2026-11-25T10:45:00.456Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {
            EventID: { Type: 'String', Value: eventId },
            Resource: { Type: 'String', Value: `arn:aws:rds:${REGION}:${ACCOUNT}:db:${instanceId}` },
          },
        },
      },
    ],
  };
}

describe('SetPassword and lifecycle events through the Lambda bundle', () => {
  let h: CfnHarness;
  let secrets: SecretsManagerClient;
  let kms: KMSClient;

  before(async () => {
    h = await startCfnHarness();
    h.emulator.createSourceCluster({
      id: SOURCE,
      engine: 'aurora-postgresql',
      instanceClass: 'db.r6g.large',
      masterUsername: 'postgres',
      databaseName: 'app',
    });
    const cfg = {
      endpoint: h.emulator.url,
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    secrets = new SecretsManagerClient(cfg);
    kms = new KMSClient(cfg);
  });
  after(async () => {
    secrets?.destroy();
    kms?.destroy();
    await h?.stop();
  });

  const tagsOf = (id: string) =>
    Object.fromEntries((h.emulator.rds.cluster(id)?.tags ?? []).map((t) => [t.Key, t.Value]));
  const readyEvents = () => h.services.events.putEvents({ detailType: 'lifecycle-event/instance-ready' });

  it('Create with SetPassword and ForceCreateKmsKey: secret, policies, password applied; Delete cleans up', async () => {
    // Act
    const r = await h.send('Create', {
      SourceClusterId: SOURCE,
      ClusterId: 'pw-clone',
      SetPassword: true,
      ForceCreateKmsKey: true,
      AccessPrincipalArns: [APP_ROLE, CI_ROLE],
    });
    // Assess: the answer
    assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
    const data = r.body.Data!;
    assert.match(
      data.PasswordSecret,
      /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:\/aurora-clone-manager\/password\/pw-clone-/,
    );
    assert.match(data.KmsKeyId, /^arn:aws:kms:/);
    // the secret: a strong password, encrypted with the new key, readable by the principals
    const value = await secrets.send(new GetSecretValueCommand({ SecretId: data.PasswordSecret }));
    const secret = JSON.parse(value.SecretString!) as Record<string, string>;
    assert.equal(secret.password!.length, 32);
    assert.doesNotMatch(secret.password!, /[/"@\s]/);
    assert.ok(!r.rawBody.includes(secret.password!), 'the response never carries the password');
    const described = await secrets.send(new DescribeSecretCommand({ SecretId: data.PasswordSecret }));
    assert.equal(described.KmsKeyId, data.KmsKeyId);
    const policy = JSON.parse(
      (await secrets.send(new GetResourcePolicyCommand({ SecretId: data.PasswordSecret }))).ResourcePolicy!,
    );
    const grant = policy.Statement[0];
    assert.deepEqual(grant.Principal.AWS, [APP_ROLE, CI_ROLE]);
    assert.ok([grant.Action].flat().includes('secretsmanager:GetSecretValue'));
    // the key: made for this clone, principals may decrypt
    const keyPolicy = JSON.parse(
      (await kms.send(new GetKeyPolicyCommand({ KeyId: data.KmsKeyId, PolicyName: 'default' }))).Policy!,
    );
    const decrypt = keyPolicy.Statement.find((s: { Action: unknown }) =>
      [s.Action].flat().includes('kms:Decrypt'),
    );
    assert.deepEqual(decrypt.Principal.AWS, [APP_ROLE, CI_ROLE]);
    // the cluster: password set (ModifyDBCluster), pending mark gone, available again
    const cluster = h.emulator.rds.cluster('pw-clone')!;
    assert.ok(cluster.passwordChangedAt, 'ModifyDBCluster set the master password');
    assert.equal(cluster.status, 'available');
    const tags = tagsOf('pw-clone');
    assert.equal(tags[TAG.passwordState], undefined);
    assert.equal(tags[TAG.passwordSecret], data.PasswordSecret);
    assert.equal(tags[TAG.passwordKeyCreated], 'true');
    h.assertLogsFreeOf([secret.password!]);

    // Act: the stack is deleted
    const d = await h.send('Delete', {}, { physicalResourceId: r.body.PhysicalResourceId });
    // Assess
    assert.equal(d.body.Status, 'SUCCESS', d.body.Reason);
    await assert.rejects(secrets.send(new GetSecretValueCommand({ SecretId: data.PasswordSecret })), {
      name: 'ResourceNotFoundException',
    });
    const key = await kms.send(new DescribeKeyCommand({ KeyId: data.KmsKeyId }));
    assert.equal(key.KeyMetadata?.KeyState, 'PendingDeletion');
  });

  it('without KmsKeyId or ForceCreateKmsKey the deployment default key (DEFAULT_SECRET_KEY) encrypts the secret', async () => {
    const key = await kms.send(new CreateKeyCommand({ Description: 'deployment default' }));
    h.setEnv({ DEFAULT_SECRET_KEY: key.KeyMetadata!.Arn! });
    try {
      const r = await h.send('Create', {
        SourceClusterId: SOURCE,
        SetPassword: 'true',
        WaitForAvailable: 'false',
      });
      assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
      const described = await secrets.send(
        new DescribeSecretCommand({ SecretId: r.body.Data!.PasswordSecret }),
      );
      assert.equal(described.KmsKeyId, key.KeyMetadata!.Arn);
      assert.equal(tagsOf(r.body.Data!.ClusterId)[TAG.passwordKeyCreated], undefined);
    } finally {
      h.setEnv({ DEFAULT_SECRET_KEY: undefined });
    }
  });

  it('an RDS "DB instance created" notification applies the pending password and puts instance-ready', async () => {
    // Prepare: a clone answered before its instance is up, its password still pending
    const r = await h.send('Create', {
      SourceClusterId: SOURCE,
      ClusterId: 'evt-clone',
      SetPassword: true,
      WaitForAvailable: false,
    });
    assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
    assert.equal(tagsOf('evt-clone')[TAG.passwordState], 'pending');
    const writer = await eventually(
      () => h.emulator.rds.instances().find((i) => i.clusterId === 'evt-clone' && i.status === 'available'),
      20_000,
      'evt-clone writer available',
    );
    await eventually(
      () => h.emulator.rds.cluster('evt-clone')?.status === 'available',
      20_000,
      'cluster available',
    );
    const before = readyEvents().length;
    // Act
    const out = await h.invoke(rdsNotification(writer.id));
    // Assess
    assert.equal(out.functionError, undefined, JSON.stringify(out.payload));
    assert.deepEqual(out.payload, [
      { kind: 'ready', instanceId: writer.id, clusterId: 'evt-clone', passwordApplied: true },
    ]);
    assert.ok(h.emulator.rds.cluster('evt-clone')?.passwordChangedAt);
    assert.equal(tagsOf('evt-clone')[TAG.passwordState], undefined);
    const events = readyEvents().slice(before);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.source, 'aurora-clone-manager');
    const detail = events[0]!.detail;
    assert.deepEqual(Object.keys(detail).sort(), [
      'clusterId',
      'database',
      'host',
      'instanceId',
      'passwordSecret',
      'port',
      'user',
    ]);
    assert.equal(detail.instanceId, writer.id);
    assert.equal(detail.clusterId, 'evt-clone');
    assert.equal(detail.host, r.body.Data!.Endpoint);
    assert.equal(detail.port, Number(r.body.Data!.Port));
    assert.equal(detail.user, 'postgres');
    assert.equal(detail.database, 'app');
    assert.equal(detail.passwordSecret, r.body.Data!.PasswordSecret);
  });

  it('ignores other clusters, other managers, other events and non-RDS messages', async () => {
    const before = readyEvents().length;
    const sourceWriter = h.emulator.rds.instances().find((i) => i.clusterId === SOURCE)!;
    const evtWriter = h.emulator.rds.instances().find((i) => i.clusterId === 'evt-clone')!;
    const notRds = rdsNotification('x');
    notRds.Records[0]!.Sns.Message = 'hello';

    const results = [
      await h.invoke(rdsNotification(sourceWriter.id)),
      await h.invoke(rdsNotification(evtWriter.id, 'RDS-EVENT-0006', 'DB instance restarted')),
      await h.invoke(notRds),
    ];
    h.setEnv({ MANAGER_ID: 'another-deployment' });
    try {
      results.push(await h.invoke(rdsNotification(evtWriter.id)));
    } finally {
      h.setEnv({ MANAGER_ID: 'clone-stack' });
    }
    for (const r of results) {
      assert.equal(r.functionError, undefined, JSON.stringify(r.payload));
      assert.equal((r.payload as { kind: string }[])[0]!.kind, 'ignored', JSON.stringify(r.payload));
    }
    assert.equal(readyEvents().length, before);
  });

  it('ManageMasterUserPassword lets RDS keep the password in its own secret', async () => {
    const r = await h.send('Create', {
      SourceClusterId: SOURCE,
      ClusterId: 'managed-pw',
      ManageMasterUserPassword: 'true',
    });
    assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
    const cluster = h.emulator.rds.cluster('managed-pw')!;
    assert.ok(cluster.masterUserSecret, 'RDS manages the master password');
    assert.equal(r.body.Data!.PasswordSecret, cluster.masterUserSecret!.secretArn);
    assert.equal(tagsOf('managed-pw')[TAG.passwordState], undefined);
  });
});
