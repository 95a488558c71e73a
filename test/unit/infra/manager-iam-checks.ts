// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub strings, not JS templates
// Least privilege, statement by statement, on a parsed manager template: what a reviewer of the
// function's role would check by hand. Run on infra/template.yaml (manager-iam.test.ts) and on the
// template AuroraCloneManager synthesises (test/unit/cdk/manager.test.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { TAG } from '../../../src/model/tags.ts';
import {
  asList,
  functionEnv,
  type Json,
  repoRoot,
  resourceText,
  type Statement,
  statementsOf,
  type Template,
  theResource,
} from './cfn.ts';

export interface ManagerIamOptions {
  /** The Condition the default access policy carries (none in a synthesised template). */
  defaultAccessCondition?: string;
}

/** Every least-privilege check, under `label`, on `template` (its role, policies and function). */
export function describeManagerIam(label: string, template: Template, options: ManagerIamOptions = {}): void {
  describe(label, () => {
    const [, role] = theResource(template, 'AWS::IAM::Role');
    const rolePolicies = asList(role.Properties?.['Policies'] as Json[]);
    const roleStatements: Statement[] = rolePolicies.flatMap((p) =>
      statementsOf((p as { PolicyDocument: Json }).PolicyDocument),
    );
    const [, defaultAccess] = theResource(template, 'AWS::IAM::ManagedPolicy');
    const defaultAccessStatements = statementsOf(defaultAccess.Properties?.['PolicyDocument']);

    const STACK = { Ref: 'AWS::StackName' };
    const arn = (service: string, rest: string) =>
      `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${rest}`;
    const SECRETS_UNDER_PREFIX = arn('secretsmanager', 'secret:${DefaultSecretPrefix}*');
    const KEYS = arn('kms', 'key/*');

    const actionsOf = (s: Statement) => asList(s.Action);
    const resourcesOf = (s: Statement) => asList(s.Resource as Json).map(resourceText);
    const grantsOf = (action: string) =>
      roleStatements.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action));
    const conditionValue = (s: Statement, operator: string, key: string) => s.Condition?.[operator]?.[key];
    const allRoleActions = [...new Set(roleStatements.flatMap(actionsOf))].sort();

    /** Every policy document in the template: role policies, managed policies, key, topic and queue policies. */
    function everyPolicyStatement(): Array<{ where: string; statement: Statement }> {
      const out: Array<{ where: string; statement: Statement }> = [];
      for (const [name, resource] of Object.entries(template.Resources)) {
        const props = resource.Properties ?? {};
        const docs: Array<[string, Json | undefined]> = [
          ['PolicyDocument', props['PolicyDocument']],
          ['KeyPolicy', props['KeyPolicy']],
          ['AssumeRolePolicyDocument', props['AssumeRolePolicyDocument']],
          ...asList(props['Policies'] as Json[]).map((p, i): [string, Json | undefined] => [
            `Policies[${i}]`,
            (p as { PolicyDocument: Json }).PolicyDocument,
          ]),
        ];
        for (const [field, doc] of docs) {
          for (const statement of statementsOf(doc)) out.push({ where: `${name}.${field}`, statement });
        }
      }
      return out;
    }

    describe('manager role: no wildcard actions anywhere', () => {
      test('no policy in the template allows "*" or "service:*", or uses NotAction/NotResource', () => {
        const all = everyPolicyStatement();
        assert.ok(all.length > 20, 'expected the role, key, topic and managed policies');
        for (const { where, statement } of all) {
          assert.equal(statement.NotAction, undefined, `${where} ${statement.Sid}: NotAction`);
          assert.equal(statement.NotResource, undefined, `${where} ${statement.Sid}: NotResource`);
          for (const action of asList(statement.Action)) {
            assert.notEqual(action, '*', `${where} ${statement.Sid}: Action "*"`);
            assert.doesNotMatch(action, /^[a-z0-9-]+:\*$/, `${where} ${statement.Sid}: ${action}`);
            assert.doesNotMatch(action, /\*/, `${where} ${statement.Sid}: wildcard in ${action}`);
          }
        }
      });

      test('no resource policy names "*" as principal', () => {
        for (const { where, statement } of everyPolicyStatement()) {
          const p = statement.Principal as Json;
          assert.notEqual(p, '*', `${where} ${statement.Sid}`);
          if (p && typeof p === 'object' && !Array.isArray(p))
            assert.notEqual(p['AWS'], '*', `${where} ${statement.Sid}`);
        }
      });

      test('every role statement has a Sid, allows, and only uses the services the manager talks to', () => {
        for (const s of roleStatements) {
          assert.ok(s.Sid, `statement without Sid: ${JSON.stringify(s)}`);
          assert.equal(s.Effect, 'Allow', s.Sid);
        }
        const services = new Set(allRoleActions.map((a) => a.split(':')[0]));
        assert.deepEqual([...services].sort(), [
          'dynamodb',
          'events',
          'kms',
          'lambda',
          'logs',
          'rds',
          'secretsmanager',
          'sqs',
          'ssm',
        ]);
      });

      test('Resource "*" only for actions that cannot be scoped, and kms:CreateKey only with the manager tag', () => {
        const unscopable = ['kms:CreateKey', 'rds:DescribeDBClusters', 'rds:DescribeDBInstances'];
        for (const s of roleStatements.filter((st) => resourcesOf(st).includes('*'))) {
          for (const action of actionsOf(s))
            assert.ok(unscopable.includes(action), `${s.Sid}: ${action} on "*"`);
          if (actionsOf(s).includes('kms:CreateKey')) {
            assert.deepEqual(
              conditionValue(s, 'StringEquals', `aws:RequestTag/${TAG.manager}`),
              STACK,
              s.Sid,
            );
          }
        }
      });
    });

    describe('manager role: RDS', () => {
      test('the conditions use the tag key the code writes', () => {
        assert.equal(TAG.manager, 'aurora-clone-manager:manager');
      });

      test('restores and instance creates only with the manager tag on the request, and never unconditioned', () => {
        const groups = ['subgrp:*', 'cluster-pg:*', 'pg:*', 'og:*'].map((r) => arn('rds', r));
        for (const action of ['rds:RestoreDBClusterToPointInTime', 'rds:CreateDBInstance']) {
          const grants = grantsOf(action);
          assert.ok(grants.length > 0, `${action} is not granted`);
          for (const s of grants) {
            const onClustersOrInstances = resourcesOf(s).some((r) => /:(cluster|db):/.test(r));
            if (onClustersOrInstances) {
              // The target AND the source cluster are authorised here: cluster:* with the request tag.
              assert.deepEqual(resourcesOf(s).sort(), [arn('rds', 'cluster:*'), arn('rds', 'db:*')], s.Sid);
              assert.deepEqual(
                conditionValue(s, 'StringEquals', `aws:RequestTag/${TAG.manager}`),
                STACK,
                s.Sid,
              );
            } else {
              // Groups the call names; they cannot make a cluster or instance on their own.
              assert.deepEqual(resourcesOf(s).sort(), [...groups].sort(), s.Sid);
            }
          }
          assert.ok(
            grants.some((s) => resourcesOf(s).includes(arn('rds', 'cluster:*'))),
            action,
          );
        }
      });

      test('every delete, modify, reboot, stop or untag is conditioned on the manager tag of the resource', () => {
        const destructive = allRoleActions.filter((a) =>
          /^rds:(Delete|Modify|Reboot|Stop|Start|RemoveTags|Failover|Promote)/.test(a),
        );
        assert.deepEqual(destructive, [
          'rds:DeleteDBCluster',
          'rds:DeleteDBInstance',
          'rds:ModifyDBCluster',
          'rds:RemoveTagsFromResource',
        ]);
        for (const action of destructive) {
          for (const s of grantsOf(action)) {
            assert.deepEqual(
              conditionValue(s, 'StringEquals', `aws:ResourceTag/${TAG.manager}`),
              STACK,
              `${s.Sid} ${action}`,
            );
            assert.deepEqual(resourcesOf(s).sort(), [arn('rds', 'cluster:*'), arn('rds', 'db:*')], s.Sid);
          }
        }
      });

      test('tags are added either with the manager tag in the request (create) or to own resources without touching the manager tag', () => {
        const grants = grantsOf('rds:AddTagsToResource');
        assert.equal(grants.length, 2);
        for (const s of grants) {
          const onCreate = conditionValue(s, 'StringEquals', `aws:RequestTag/${TAG.manager}`);
          const onOwn = conditionValue(s, 'StringEquals', `aws:ResourceTag/${TAG.manager}`);
          assert.ok(onCreate !== undefined || onOwn !== undefined, `${s.Sid}: unconditioned tagging`);
          if (onCreate !== undefined) assert.deepEqual(onCreate, STACK, s.Sid);
          if (onOwn !== undefined) {
            assert.deepEqual(onOwn, STACK, s.Sid);
            assert.deepEqual(
              conditionValue(s, 'ForAllValues:StringNotEquals', 'aws:TagKeys'),
              [TAG.manager],
              s.Sid,
            );
          }
        }
        for (const s of grantsOf('rds:RemoveTagsFromResource')) {
          assert.deepEqual(
            conditionValue(s, 'ForAllValues:StringNotEquals', 'aws:TagKeys'),
            [TAG.manager],
            s.Sid,
          );
        }
      });

      test('no other RDS write action is granted', () => {
        const rds = allRoleActions.filter((a) => a.startsWith('rds:'));
        assert.deepEqual(rds, [
          'rds:AddTagsToResource',
          'rds:CreateDBInstance',
          'rds:DeleteDBCluster',
          'rds:DeleteDBInstance',
          'rds:DescribeDBClusters',
          'rds:DescribeDBInstances',
          'rds:ModifyDBCluster',
          'rds:RemoveTagsFromResource',
          'rds:RestoreDBClusterToPointInTime',
        ]);
      });
    });

    describe('manager role: secrets, keys, and the rest', () => {
      test('Secrets Manager only under the secret prefix (plus RDS-managed master password secrets)', () => {
        for (const s of roleStatements.filter((st) =>
          actionsOf(st).some((a) => a.startsWith('secretsmanager:')),
        )) {
          if (s.Sid === 'RdsManagedMasterPasswordSecrets') {
            assert.deepEqual(resourcesOf(s), [arn('secretsmanager', 'secret:rds!*')]);
            assert.deepEqual(actionsOf(s).sort(), [
              'secretsmanager:CreateSecret',
              'secretsmanager:RotateSecret',
              'secretsmanager:TagResource',
            ]);
          } else {
            assert.deepEqual(resourcesOf(s), [SECRETS_UNDER_PREFIX], s.Sid);
          }
        }
        const prefix = template.Parameters?.['DefaultSecretPrefix'];
        assert.equal(prefix?.['Default'], '/aurora-clone-manager/');
        // An empty prefix would widen secret:${DefaultSecretPrefix}* to every secret.
        assert.doesNotMatch('', new RegExp(String(prefix?.['AllowedPattern'])));
        assert.doesNotMatch('/', new RegExp(String(prefix?.['AllowedPattern'])));
      });

      test('KMS: keys are created with the manager tag; everything else only on keys carrying it', () => {
        for (const s of roleStatements.filter((st) => actionsOf(st).some((a) => a.startsWith('kms:')))) {
          const requestTag = conditionValue(s, 'StringEquals', `aws:RequestTag/${TAG.manager}`);
          const resourceTag = conditionValue(s, 'StringEquals', `aws:ResourceTag/${TAG.manager}`);
          if (s.Sid === 'KmsCreateKeyWithManagerTag' || s.Sid === 'KmsTagOnCreateWithManagerTag') {
            assert.deepEqual(requestTag, STACK, s.Sid);
          } else if (s.Sid === 'KmsEncryptedSourcesThroughRds') {
            assert.deepEqual(asList(s.Resource as Json), [{ Ref: 'SourceKmsKeyArns' }]);
            assert.deepEqual(conditionValue(s, 'StringEquals', 'kms:ViaService'), {
              'Fn::Sub': 'rds.${AWS::Region}.amazonaws.com',
            });
            assert.deepEqual(actionsOf(s).sort(), ['kms:CreateGrant', 'kms:DescribeKey']);
          } else if (s.Sid === 'RdsManagedMasterPasswordKey') {
            assert.deepEqual(actionsOf(s), ['kms:DescribeKey']);
            assert.deepEqual(
              conditionValue(s, 'ForAnyValue:StringEquals', 'kms:ResourceAliases'),
              'alias/aws/secretsmanager',
            );
          } else {
            assert.deepEqual(resourceTag, STACK, `${s.Sid}: KMS use without the manager's resource tag`);
            assert.deepEqual(resourcesOf(s), [KEYS], s.Sid);
          }
          for (const a of actionsOf(s).filter((x) =>
            /^kms:(Encrypt|Decrypt|GenerateDataKey|ReEncrypt)/.test(x),
          )) {
            assert.deepEqual(
              conditionValue(s, 'StringEquals', 'kms:ViaService'),
              { 'Fn::Sub': 'secretsmanager.${AWS::Region}.amazonaws.com' },
              `${s.Sid} ${a} outside Secrets Manager`,
            );
          }
        }
        // The default key is one of "the manager's keys": it carries the tag.
        const [, key] = theResource(template, 'AWS::KMS::Key');
        assert.deepEqual(key.Properties?.['Tags'], [{ Key: TAG.manager, Value: STACK }]);
      });

      test('events only on the bus the function uses, the config parameter only, the lease table only, itself only', () => {
        const only = (action: string) => {
          const grants = grantsOf(action);
          assert.equal(grants.length, 1, action);
          return grants[0]!;
        };
        const [, fn] = theResource(template, 'AWS::Lambda::Function');
        const env = functionEnv(template);

        assert.equal(env['EVENT_BUS_NAME'], 'default');
        assert.deepEqual(resourcesOf(only('events:PutEvents')), [arn('events', 'event-bus/default')]);

        assert.deepEqual(resourcesOf(only('ssm:GetParameter')), [
          arn('ssm', 'parameter${MaintenanceConfig}'),
        ]);
        const [name, param] = theResource(template, 'AWS::SSM::Parameter');
        assert.equal(name, 'MaintenanceConfig');
        assert.deepEqual(param.Properties?.['Name'], { 'Fn::Sub': '/${AWS::StackName}/maintenance-config' });
        assert.deepEqual(env['MAINTENANCE_CONFIG_SSM'], { Ref: 'MaintenanceConfig' });

        const leases = only('dynamodb:UpdateItem');
        assert.deepEqual(resourcesOf(leases), [arn('dynamodb', 'table/${LeaseTableName}')]);
        assert.deepEqual(actionsOf(leases).sort(), [
          'dynamodb:CreateTable',
          'dynamodb:DescribeTable',
          'dynamodb:UpdateItem',
        ]);
        assert.deepEqual(env['LEASE_TABLE'], { Ref: 'LeaseTableName' });

        assert.deepEqual(fn.Properties?.['FunctionName'], { 'Fn::Sub': '${AWS::StackName}-manager' });
        assert.deepEqual(resourcesOf(only('lambda:InvokeFunction')), [
          arn('lambda', 'function:${AWS::StackName}-manager'),
        ]);

        assert.deepEqual(asList(only('sqs:SendMessage').Resource as Json), [
          { 'Fn::GetAtt': ['FailedInvocationQueue', 'Arn'] },
        ]);
      });

      test('logs only into the function log group, which the stack creates with a retention', () => {
        const logs = grantsOf('logs:PutLogEvents');
        assert.equal(logs.length, 1);
        assert.deepEqual(actionsOf(logs[0]!).sort(), ['logs:CreateLogStream', 'logs:PutLogEvents']);
        assert.deepEqual(resourcesOf(logs[0]!), [arn('logs', 'log-group:${ManagerLogGroup}:log-stream:*')]);
        assert.equal(grantsOf('logs:CreateLogGroup').length, 0);
        const group = template.Resources['ManagerLogGroup']!;
        assert.deepEqual(group.Properties?.['LogGroupName'], {
          'Fn::Sub': '/aws/lambda/${AWS::StackName}-manager',
        });
        assert.deepEqual(group.Properties?.['RetentionInDays'], { Ref: 'LogRetentionDays' });
      });

      test('the default access policy reads secrets under the prefix and decrypts with the default key only', () => {
        // A template has it only when SetupDefaultAccess holds; a synthesised one only when it was asked for.
        assert.equal(defaultAccess.Condition, options.defaultAccessCondition);
        assert.equal(defaultAccessStatements.length, 2);
        const [read, decrypt] = defaultAccessStatements as [Statement, Statement];
        assert.deepEqual(actionsOf(read).sort(), [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
        ]);
        assert.deepEqual(resourcesOf(read), [SECRETS_UNDER_PREFIX]);
        assert.deepEqual(actionsOf(decrypt), ['kms:Decrypt']);
        assert.deepEqual(asList(decrypt.Resource as Json), [{ 'Fn::GetAtt': ['DefaultSecretKey', 'Arn'] }]);
      });
    });

    describe('manager role ↔ what the code calls', () => {
      // Each SDK command sent by an adapter (src/aws, the only place SDK clients are built) maps to one
      // IAM action. Commands only the CLI needs are listed with the reason they are not granted.
      const NOT_FOR_THE_FUNCTION: Record<string, string> = {
        'dynamodb:GetItem': 'only a dry run reads the lease without taking it; the function never dry-runs',
      };
      // Granted actions no adapter sends, each with the reason it is needed anyway.
      const GRANTED_WITHOUT_A_COMMAND: Record<string, string> = {
        'logs:CreateLogStream': 'the Lambda runtime writes the logs',
        'logs:PutLogEvents': 'the Lambda runtime writes the logs',
        'sqs:SendMessage': 'Lambda delivers failed invocations to the queue with the function role',
        'secretsmanager:TagResource': 'CreateSecret with Tags; also RDS-managed master password secrets',
        'secretsmanager:RotateSecret': 'RDS-managed master password secrets',
        'kms:TagResource': 'CreateKey with Tags',
        'kms:GenerateDataKey': 'Secrets Manager encrypts a new secret as the caller',
        'kms:Decrypt': 'Secrets Manager decrypts GetSecretValue as the caller',
        'kms:CreateGrant': 'RDS clones a cluster encrypted with a customer managed key as the caller',
      };
      const PREFIX: Record<string, string> = {
        'client-rds': 'rds',
        'client-secrets-manager': 'secretsmanager',
        'client-kms': 'kms',
        'client-ssm': 'ssm',
        'client-eventbridge': 'events',
        'client-dynamodb': 'dynamodb',
        'client-lambda': 'lambda',
      };
      const RENAMED: Record<string, string> = { 'lambda:Invoke': 'lambda:InvokeFunction' };

      const called = new Set<string>();
      const dir = `${repoRoot}src/aws/`;
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
        const text = readFileSync(dir + file, 'utf8');
        const client = /from '@aws-sdk\/(client-[a-z-]+)'/.exec(text)?.[1];
        if (!client) continue;
        const prefix = PREFIX[client] ?? `unknown SDK client ${client} in ${file}`;
        for (const m of text.matchAll(/new ([A-Z][A-Za-z0-9]*)Command\(/g)) {
          const action = `${prefix}:${m[1]}`;
          called.add(RENAMED[action] ?? action);
        }
      }

      test('every command of every adapter is allowed to the function', () => {
        assert.ok(called.size > 10, 'expected the adapters to use the SDK');
        const missing = [...called].filter(
          (a) => !allRoleActions.includes(a) && !(a in NOT_FOR_THE_FUNCTION),
        );
        assert.deepEqual(missing, [], 'the function calls these but its role does not allow them');
      });

      test('every allowed action is called by the code or needed for a stated reason', () => {
        const unused = allRoleActions.filter((a) => !called.has(a) && !(a in GRANTED_WITHOUT_A_COMMAND));
        assert.deepEqual(unused, [], 'the role allows these but nothing needs them');
      });
    });
  });
}
