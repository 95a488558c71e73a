// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JS templates
// The function role's one inline policy: the statements of infra/template.yaml's ManagerRole, each
// explained there and in docs/deployment.md ("The IAM the manager needs"). The equivalence test
// (test/unit/cdk/manager-equivalence.test.ts) holds the two to the same statements.
import { Aws, Fn, Token } from 'aws-cdk-lib';
import { TAG } from '../model/tags.ts';

/** What the statements point at, as CloudFormation values (plain text or tokens). */
export interface PolicyTargets {
  logGroupName: string;
  secretPrefix: string;
  maintenanceConfigName: string;
  leaseTableName: string;
  failedInvocationQueueArn: string;
  /** Empty: no statement for encrypted sources. */
  sourceKmsKeyArns: string[];
}

type Statement = Record<string, unknown>;

/**
 * Fn::Sub of `body`: a variable known at synth time is written into the text (as CloudFormation reads
 * it: `${` escaped), a token stays a variable.
 */
export function sub(body: string, vars: Record<string, string> = {}): string {
  let text = body;
  const left: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars)) {
    if (Token.isUnresolved(value)) left[name] = value;
    else text = text.split(`\${${name}}`).join(value.split('${').join('${!'));
  }
  return Object.keys(left).length > 0 ? Fn.sub(text, left) : Fn.sub(text);
}

const arn = (service: string, resource: string, vars?: Record<string, string>) =>
  sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`, vars);

const CLUSTERS_AND_INSTANCES = () => [arn('rds', 'cluster:*'), arn('rds', 'db:*')];
const REQUEST_TAG = () => ({ StringEquals: { [`aws:RequestTag/${TAG.manager}`]: Aws.STACK_NAME } });
const RESOURCE_TAG = () => ({ StringEquals: { [`aws:ResourceTag/${TAG.manager}`]: Aws.STACK_NAME } });

export function managerStatements(t: PolicyTargets): Statement[] {
  const statements: Statement[] = [
    {
      Sid: 'Logs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: arn('logs', 'log-group:${LogGroup}:log-stream:*', { LogGroup: t.logGroupName }),
    },
    {
      Sid: 'RdsRead',
      Effect: 'Allow',
      Action: ['rds:DescribeDBClusters', 'rds:DescribeDBInstances'],
      Resource: '*',
    },
    {
      Sid: 'RdsCreateOnlyWithManagerTag',
      Effect: 'Allow',
      Action: ['rds:RestoreDBClusterToPointInTime', 'rds:CreateDBInstance'],
      Resource: CLUSTERS_AND_INSTANCES(),
      Condition: REQUEST_TAG(),
    },
    {
      Sid: 'RdsCreateUsesGroups',
      Effect: 'Allow',
      Action: ['rds:RestoreDBClusterToPointInTime', 'rds:CreateDBInstance'],
      Resource: ['subgrp:*', 'cluster-pg:*', 'pg:*', 'og:*'].map((r) => arn('rds', r)),
    },
    {
      Sid: 'RdsTagOnCreateWithManagerTag',
      Effect: 'Allow',
      Action: 'rds:AddTagsToResource',
      Resource: CLUSTERS_AND_INSTANCES(),
      Condition: REQUEST_TAG(),
    },
    {
      Sid: 'RdsRetagOwnResources',
      Effect: 'Allow',
      Action: ['rds:AddTagsToResource', 'rds:RemoveTagsFromResource'],
      Resource: CLUSTERS_AND_INSTANCES(),
      Condition: {
        ...RESOURCE_TAG(),
        'ForAllValues:StringNotEquals': { 'aws:TagKeys': [TAG.manager] },
      },
    },
    {
      Sid: 'RdsDeleteModifyOwnResources',
      Effect: 'Allow',
      Action: ['rds:DeleteDBCluster', 'rds:DeleteDBInstance', 'rds:ModifyDBCluster'],
      Resource: CLUSTERS_AND_INSTANCES(),
      Condition: RESOURCE_TAG(),
    },
    {
      Sid: 'SecretsUnderPrefix',
      Effect: 'Allow',
      Action: [
        'secretsmanager:CreateSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutResourcePolicy',
        'secretsmanager:TagResource',
        'secretsmanager:DeleteSecret',
      ],
      Resource: secretsUnder(t.secretPrefix),
    },
    {
      Sid: 'RdsManagedMasterPasswordSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:CreateSecret', 'secretsmanager:RotateSecret', 'secretsmanager:TagResource'],
      Resource: arn('secretsmanager', 'secret:rds!*'),
    },
    {
      Sid: 'RdsManagedMasterPasswordKey',
      Effect: 'Allow',
      Action: 'kms:DescribeKey',
      Resource: arn('kms', 'key/*'),
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/aws/secretsmanager' } },
    },
    {
      Sid: 'KmsCreateKeyWithManagerTag',
      Effect: 'Allow',
      Action: 'kms:CreateKey',
      Resource: '*',
      Condition: REQUEST_TAG(),
    },
    {
      Sid: 'KmsTagOnCreateWithManagerTag',
      Effect: 'Allow',
      Action: 'kms:TagResource',
      Resource: arn('kms', 'key/*'),
      Condition: REQUEST_TAG(),
    },
    {
      Sid: 'KmsManageOwnKeys',
      Effect: 'Allow',
      Action: ['kms:DescribeKey', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'],
      Resource: arn('kms', 'key/*'),
      Condition: RESOURCE_TAG(),
    },
    {
      Sid: 'KmsUseOwnKeysThroughSecretsManager',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: arn('kms', 'key/*'),
      Condition: {
        StringEquals: {
          [`aws:ResourceTag/${TAG.manager}`]: Aws.STACK_NAME,
          'kms:ViaService': viaService('secretsmanager'),
        },
      },
    },
  ];
  if (t.sourceKmsKeyArns.length > 0) {
    statements.push({
      Sid: 'KmsEncryptedSourcesThroughRds',
      Effect: 'Allow',
      Action: ['kms:CreateGrant', 'kms:DescribeKey'],
      Resource: t.sourceKmsKeyArns,
      Condition: { StringEquals: { 'kms:ViaService': viaService('rds') } },
    });
  }
  statements.push(
    {
      Sid: 'MaintenanceConfig',
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: arn('ssm', 'parameter${Name}', { Name: t.maintenanceConfigName }),
    },
    {
      Sid: 'LifecycleEvents',
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: arn('events', 'event-bus/default'),
    },
    {
      Sid: 'Leases',
      Effect: 'Allow',
      Action: ['dynamodb:CreateTable', 'dynamodb:DescribeTable', 'dynamodb:UpdateItem'],
      Resource: arn('dynamodb', 'table/${Table}', { Table: t.leaseTableName }),
    },
    {
      Sid: 'ContinueInFreshInvocation',
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      // Built from the fixed name: reading the function's ARN would make a circular reference.
      Resource: arn('lambda', 'function:${AWS::StackName}-manager'),
    },
    {
      Sid: 'FailedInvocationDestination',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: t.failedInvocationQueueArn,
    },
  );
  return statements;
}

/** Every secret whose name starts with `prefix` (the generated password secrets). */
export function secretsUnder(prefix: string): string {
  return arn('secretsmanager', 'secret:${Prefix}*', { Prefix: prefix });
}

export function viaService(service: string): string {
  return sub(`${service}.\${AWS::Region}.amazonaws.com`);
}

/** The default key's policy: administration and use delegated to IAM in this account. */
export function defaultKeyPolicy(): Statement {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AccountAdministersThroughIam',
        Effect: 'Allow',
        Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
        Action: [
          'kms:CancelKeyDeletion',
          'kms:CreateAlias',
          'kms:CreateGrant',
          'kms:Decrypt',
          'kms:DeleteAlias',
          'kms:DescribeKey',
          'kms:DisableKey',
          'kms:DisableKeyRotation',
          'kms:EnableKey',
          'kms:EnableKeyRotation',
          'kms:Encrypt',
          'kms:GenerateDataKey',
          'kms:GetKeyPolicy',
          'kms:GetKeyRotationStatus',
          'kms:ListAliases',
          'kms:ListGrants',
          'kms:ListKeyPolicies',
          'kms:ListResourceTags',
          'kms:PutKeyPolicy',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:RetireGrant',
          'kms:RevokeGrant',
          'kms:ScheduleKeyDeletion',
          'kms:TagResource',
          'kms:UntagResource',
          'kms:UpdateAlias',
          'kms:UpdateKeyDescription',
        ],
        Resource: '*',
      },
    ],
  };
}
