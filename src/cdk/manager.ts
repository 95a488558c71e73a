// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JS templates
// AuroraCloneManager: what infra/template.yaml deploys, as one construct. The resources keep the
// template's logical names (under the construct) and properties, so its comments and
// docs/deployment.md describe both; the equivalence test holds the two to the same resources and
// IAM statements. Template conditions are decided here, at synth time, from the props.
import { Aws, CfnOutput, CfnResource, Fn, RemovalPolicy, Stack, Tokenization } from 'aws-cdk-lib';
import { Alarm, CfnAlarm, type CfnAlarmProps, type IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnRule } from 'aws-cdk-lib/aws-events';
import {
  CfnManagedPolicy,
  CfnRole,
  type IManagedPolicy,
  type IRole,
  ManagedPolicy,
  Role,
} from 'aws-cdk-lib/aws-iam';
import { CfnAlias, CfnKey, type IKey, Key } from 'aws-cdk-lib/aws-kms';
import {
  CfnEventInvokeConfig,
  CfnFunction,
  CfnPermission,
  type IFunction,
  Function as LambdaFunction,
} from 'aws-cdk-lib/aws-lambda';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnEventSubscription } from 'aws-cdk-lib/aws-rds';
import { CfnSubscription, CfnTopic, CfnTopicPolicy, type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { CfnQueue, type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { CfnParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct, type IConstruct } from 'constructs';
import { TAG } from '../model/tags.ts';
import { AcmError } from '../util/errors.ts';
import { bundledCode } from './lambda-code.ts';
import { defaultKeyPolicy, managerStatements, secretsUnder, sub, viaService } from './manager-policy.ts';
import { type AuroraCloneManagerProps, managerSettings } from './manager-props.ts';

/** A manager an AuroraClone can use: one in this app, or one deployed elsewhere (its ServiceToken). */
export interface IAuroraCloneManager extends IConstruct {
  /** The function's ARN: the ServiceToken of Custom::AuroraClone resources. */
  readonly serviceToken: string;
  /** The custom resource type the function accepts. */
  readonly resourceType: string;
  /** The prefix every clone's SecretPrefix must start with. */
  readonly defaultSecretPrefix: string;
}

/** The maintenance event the schedule sends (src/lambda/maintenance.ts). */
const MAINTENANCE_EVENT = '{"source":"aurora-clone-manager","action":"maintain"}';

const stacksWithManager = new WeakSet<Stack>();

export class AuroraCloneManager extends Construct implements IAuroraCloneManager {
  /**
   * The ServiceToken a manager stack deployed from infra/template.yaml (or with this construct) exports
   * as `<stack>-LambdaArn`, for clones in other apps.
   */
  static serviceTokenOf(managerStackName: string): string {
    return Fn.importValue(`${managerStackName}-LambdaArn`);
  }

  readonly serviceToken: string;
  readonly resourceType: string;
  readonly defaultSecretPrefix: string;
  /** The function (`<stack>-manager`). */
  readonly function: IFunction;
  /** The function's role: add it to the key policy of any KMS key you give a clone as kmsKeyId. */
  readonly role: IRole;
  /** The shared lease table's name. */
  readonly leaseTableName: string;
  /** The SSM parameter holding the maintenance config. */
  readonly maintenanceConfigParameterName: string;
  /** Failed asynchronous invocations, with their event and error (14 days). */
  readonly failedInvocationQueue: IQueue;
  /** Something reached the queue; an invocation ended in an error. */
  readonly alarms: { readonly failedInvocation: IAlarm; readonly functionErrors: IAlarm };
  /** The topic receiving RDS instance-created events. */
  readonly instanceEventsTopic: ITopic;
  /** With setupDefaultAccess: the default key for clone password secrets (kept when the stack goes). */
  readonly defaultSecretKey?: IKey;
  /** With setupDefaultAccess: the managed policy that reads clone password secrets. */
  readonly defaultAccessPolicy?: IManagedPolicy;

  constructor(scope: Construct, id: string, props: AuroraCloneManagerProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    if (stacksWithManager.has(stack)) {
      throw new AcmError(
        `AuroraCloneManager ${this.node.path}: the stack ${stack.node.path} already has one; its resources are named after the stack, so deploy another one in another stack`,
        { path: this.node.path },
      );
    }
    const s = managerSettings(this, props);
    stacksWithManager.add(stack);
    const managerTag = () => [{ key: TAG.manager, value: Aws.STACK_NAME }];

    const logGroup = new CfnLogGroup(this, 'ManagerLogGroup', {
      logGroupName: Fn.sub('/aws/lambda/${AWS::StackName}-manager'),
      ...(s.logRetentionDays !== undefined ? { retentionInDays: s.logRetentionDays } : {}),
    });
    const queue = new CfnQueue(this, 'FailedInvocationQueue', {
      messageRetentionPeriod: 1209600,
      sqsManagedSseEnabled: true,
    });
    const maintenanceConfig = new CfnParameter(this, 'MaintenanceConfig', {
      name: Fn.sub('/${AWS::StackName}/maintenance-config'),
      type: 'String',
      value: s.maintenanceConfig,
      description: 'Aurora Clone Manager copy-pool maintenance config (JSON list of sources)',
    });

    const defaultKey = s.setupDefaultAccess
      ? new CfnKey(this, 'DefaultSecretKey', {
          description: Fn.sub(
            'Aurora Clone Manager ${AWS::StackName}: default key for clone password secrets',
          ),
          enableKeyRotation: true,
          keyPolicy: defaultKeyPolicy(),
          tags: managerTag(),
        })
      : undefined;
    // Secrets encrypted with it outlive the stack (clones belong to other stacks): keep the key.
    defaultKey?.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const role = new CfnRole(this, 'ManagerRole', {
      description: Fn.sub('Aurora Clone Manager ${AWS::StackName}: the function role'),
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
          },
        ],
      },
      tags: managerTag(),
      policies: [
        {
          policyName: 'manager',
          policyDocument: {
            Version: '2012-10-17',
            Statement: managerStatements({
              logGroupName: logGroup.ref,
              secretPrefix: s.defaultSecretPrefix,
              maintenanceConfigName: maintenanceConfig.ref,
              leaseTableName: s.leaseTableName,
              failedInvocationQueueArn: queue.attrArn,
              sourceKmsKeyArns: s.sourceKmsKeyArns,
            }),
          },
        },
      ],
    });

    const codeSource = props.code ?? bundledCode();
    const code = codeSource.bind(this);
    const fn = new CfnFunction(this, 'ManagerFunction', {
      functionName: Fn.sub('${AWS::StackName}-manager'),
      description: 'Aurora Clone Manager (custom resource, pool maintenance, RDS lifecycle events)',
      code: {
        ...(code.s3Location
          ? {
              s3Bucket: code.s3Location.bucketName,
              s3Key: code.s3Location.objectKey,
              ...(code.s3Location.objectVersion ? { s3ObjectVersion: code.s3Location.objectVersion } : {}),
            }
          : {}),
        ...(code.inlineCode !== undefined ? { zipFile: code.inlineCode } : {}),
      },
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      memorySize: s.functionMemory,
      timeout: s.functionTimeoutSeconds,
      role: role.attrArn,
      loggingConfig: { logGroup: logGroup.ref },
      environment: {
        variables: {
          RESOURCE_TYPE: s.customResourceType,
          MAX_COPY_AGE: s.maxCopyAge,
          MAX_CLONES_PER_SOURCE: Tokenization.stringifyNumber(s.maxClonesPerSource),
          MAINTENANCE_CONFIG_SSM: maintenanceConfig.ref,
          DEFAULT_SECRET_PREFIX: s.defaultSecretPrefix,
          DEFAULT_SECRET_KEY: defaultKey?.attrArn ?? '',
          STACK_NAME: Aws.STACK_NAME,
          MANAGER_ID: Aws.STACK_NAME,
          LOG_LEVEL: s.logLevel,
          LEASE_TABLE: s.leaseTableName,
          EVENT_BUS_NAME: 'default',
        },
      },
      tags: managerTag(),
    });
    codeSource.bindToResource(fn);

    new CfnEventInvokeConfig(this, 'ManagerFunctionInvokeConfig', {
      functionName: fn.ref,
      qualifier: '$LATEST',
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 21600,
      destinationConfig: { onFailure: { destination: queue.attrArn } },
    });

    // Both fire on the first occurrence within 5 minutes, and stay quiet without data.
    const alarm = (
      id: string,
      description: string,
      metric: Pick<CfnAlarmProps, 'namespace' | 'metricName' | 'dimensions' | 'statistic'>,
    ) =>
      new CfnAlarm(this, id, {
        alarmDescription: Fn.sub(description),
        ...metric,
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        ...(s.alarmTopicArn !== undefined ? { alarmActions: [s.alarmTopicArn] } : {}),
      });
    const failedAlarm = alarm(
      'FailedInvocationAlarm',
      'An invocation of ${AWS::StackName}-manager failed after its retries; its event is in the queue.',
      {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: [{ name: 'QueueName', value: queue.attrQueueName }],
        statistic: 'Maximum',
      },
    );
    const errorAlarm = alarm(
      'FunctionErrorAlarm',
      '${AWS::StackName}-manager ended an invocation with an error.',
      {
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: [{ name: 'FunctionName', value: fn.ref }],
        statistic: 'Sum',
      },
    );

    const leaseTable = new CfnResource(this, 'LeaseTable', {
      type: 'Custom::AuroraCloneLeaseTable',
      properties: { ServiceToken: fn.attrArn, TableName: s.leaseTableName },
    });

    const rule = new CfnRule(this, 'MaintenanceRule', {
      description: Fn.sub('Copy-pool maintenance for ${AWS::StackName}'),
      scheduleExpression: s.scheduleExpression,
      state: 'ENABLED',
      targets: [{ id: 'maintain', arn: fn.attrArn, input: MAINTENANCE_EVENT }],
    });
    new CfnPermission(this, 'MaintenanceRulePermission', {
      functionName: fn.ref,
      action: 'lambda:InvokeFunction',
      principal: 'events.amazonaws.com',
      sourceArn: rule.attrArn,
    });

    const topic = new CfnTopic(this, 'InstanceEventsTopic', {
      displayName: Fn.sub('${AWS::StackName} RDS instance events'),
      tags: managerTag(),
    });
    const topicPolicy = new CfnTopicPolicy(this, 'InstanceEventsTopicPolicy', {
      topics: [topic.ref],
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'RdsEventsFromThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'events.rds.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topic.ref,
            Condition: {
              StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
              ArnLike: {
                'aws:SourceArn': sub('arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:*'),
              },
            },
          },
        ],
      },
    });
    const subscription = new CfnEventSubscription(this, 'InstanceEventSubscription', {
      snsTopicArn: topic.ref,
      sourceType: 'db-instance',
      eventCategories: ['creation'],
      enabled: true,
    });
    subscription.addResourceDependency(topicPolicy);
    new CfnSubscription(this, 'InstanceEventsSubscription', {
      topicArn: topic.ref,
      protocol: 'lambda',
      endpoint: fn.attrArn,
    });
    new CfnPermission(this, 'InstanceEventsPermission', {
      functionName: fn.ref,
      action: 'lambda:InvokeFunction',
      principal: 'sns.amazonaws.com',
      sourceArn: topic.ref,
    });

    let alias: CfnAlias | undefined;
    let accessPolicy: CfnManagedPolicy | undefined;
    if (defaultKey) {
      alias = new CfnAlias(this, 'DefaultSecretKeyAlias', {
        aliasName: Fn.sub('alias/${AWS::StackName}/default-secrets'),
        targetKeyId: defaultKey.ref,
      });
      accessPolicy = new CfnManagedPolicy(this, 'DefaultAccessPolicy', {
        description: Fn.sub('Read Aurora Clone Manager (${AWS::StackName}) clone password secrets'),
        ...(s.defaultAccessGroups.length > 0 ? { groups: s.defaultAccessGroups } : {}),
        ...(s.defaultAccessRoles.length > 0 ? { roles: s.defaultAccessRoles } : {}),
        policyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'ReadClonePasswords',
              Effect: 'Allow',
              Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
              Resource: secretsUnder(s.defaultSecretPrefix),
            },
            {
              Sid: 'DecryptThroughSecretsManager',
              Effect: 'Allow',
              Action: 'kms:Decrypt',
              Resource: defaultKey.attrArn,
              Condition: { StringEquals: { 'kms:ViaService': viaService('secretsmanager') } },
            },
          ],
        },
      });
    }

    // Outputs have names of their own in a template; here they need a scope apart from the resources.
    const outputs = new Construct(this, 'Outputs');
    const output = (name: string, description: string, value: string, exported: boolean) =>
      new CfnOutput(outputs, name, {
        description,
        value,
        ...(exported ? { exportName: Fn.sub(`\${AWS::StackName}-${name}`) } : {}),
      });
    output('LambdaArn', 'ServiceToken for Custom::AuroraClone resources', fn.attrArn, true);
    output('LambdaName', 'Name of the manager function', fn.ref, true);
    output(
      'RoleArn',
      "The function's role (add it to key policies of KMS keys you pass as KmsKeyId)",
      role.attrArn,
      true,
    );
    output('DefaultSecretPrefix', 'Name prefix of the clone password secrets', s.defaultSecretPrefix, true);
    output(
      'MaintenanceConfigParameter',
      'SSM parameter holding the copy-pool maintenance config',
      maintenanceConfig.ref,
      false,
    );
    output(
      'LeaseTableName',
      "DynamoDB table of per-source leases (the account's and Region's; the CLI's default)",
      leaseTable.ref,
      false,
    );
    output(
      'FailedInvocationQueueUrl',
      'Dead-letter queue of invocations that failed after their retries',
      queue.ref,
      false,
    );
    output('InstanceEventsTopicArn', 'SNS topic receiving RDS instance-created events', topic.ref, false);
    if (defaultKey && alias && accessPolicy) {
      output('DefaultSecretKeyArn', 'Default KMS key for clone password secrets', defaultKey.attrArn, true);
      output('DefaultSecretKeyAlias', 'Alias of the default key', alias.ref, true);
      output(
        'DefaultAccessPolicyArn',
        'Managed policy that reads clone password secrets (attach it to more principals as needed)',
        accessPolicy.ref,
        true,
      );
    }

    this.serviceToken = fn.attrArn;
    this.resourceType = s.customResourceType;
    this.defaultSecretPrefix = s.defaultSecretPrefix;
    this.leaseTableName = s.leaseTableName;
    this.maintenanceConfigParameterName = maintenanceConfig.ref;
    this.role = Role.fromRoleArn(this, 'Role', role.attrArn, { mutable: false });
    this.function = LambdaFunction.fromFunctionAttributes(this, 'Function', {
      functionArn: fn.attrArn,
      role: this.role,
      sameEnvironment: true,
    });
    this.failedInvocationQueue = Queue.fromQueueAttributes(this, 'Queue', {
      queueArn: queue.attrArn,
      queueUrl: queue.ref,
      queueName: queue.attrQueueName,
    });
    this.alarms = {
      failedInvocation: Alarm.fromAlarmArn(this, 'FailedAlarm', failedAlarm.attrArn),
      functionErrors: Alarm.fromAlarmArn(this, 'ErrorAlarm', errorAlarm.attrArn),
    };
    this.instanceEventsTopic = Topic.fromTopicArn(this, 'Topic', topic.ref);
    if (defaultKey) this.defaultSecretKey = Key.fromKeyArn(this, 'Key', defaultKey.attrArn);
    if (accessPolicy) {
      this.defaultAccessPolicy = ManagedPolicy.fromManagedPolicyArn(this, 'AccessPolicy', accessPolicy.ref);
    }
  }
}
