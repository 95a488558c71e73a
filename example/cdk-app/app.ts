// An AWS CDK app with the manager in one stack and clones in two others: one uses the manager of this
// app, the other the ServiceToken the manager stack exports (what an app of another team writes).
// `npx aws-cdk@2 synth` (or `node --import tsx app.ts`) synthesises it offline: the stacks are
// environment-agnostic, deployable to any account and Region.

import { AuroraClone, AuroraCloneManager } from 'aurora-clone-manager/cdk';
import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';

const app = new App();

// Once per account and Region. Its stack name names the function (<stack>-manager) and its exports.
const managerStack = new Stack(app, 'aurora-clone-manager');
const manager = new AuroraCloneManager(managerStack, 'Manager', {
  maxCopyAge: Duration.days(2),
  maintenanceSchedule: Schedule.cron({ minute: '0', hour: '2' }),
  maintenance: [{ clusterId: 'prod-db', targetCloneSlots: 30, copyInstanceClass: 'db.r6g.large' }],
  setupDefaultAccess: true,
});

// A CI database: a clone of prod-db with a password of its own that the CI role may read.
const ciStack = new Stack(app, 'ci-database');
const ciRole = new Role(ciStack, 'CiRunner', { assumedBy: new ServicePrincipal('codebuild.amazonaws.com') });
// The secret is encrypted with the manager's default key: the role reads it through the access policy.
ciRole.addManagedPolicy(manager.defaultAccessPolicy!);
const ci = new AuroraClone(ciStack, 'Database', {
  manager,
  sourceClusterId: 'prod-db',
  instanceClass: 'db.serverless',
  setPassword: true,
  accessPrincipalArns: [ciRole.roleArn],
  tags: { team: 'ci' },
});
new CfnOutput(ciStack, 'Endpoint', { value: ci.endpoint });
new CfnOutput(ciStack, 'Port', { value: String(ci.port) });
new CfnOutput(ciStack, 'PasswordSecret', { value: ci.passwordSecret });

// A reporting database of another team: the manager by its exported ServiceToken, data no older than
// an instant (a newer copy is made when the pool has none).
const reportsStack = new Stack(app, 'reports-database');
const reports = new AuroraClone(reportsStack, 'Database', {
  manager: AuroraCloneManager.serviceTokenOf('aurora-clone-manager'),
  sourceClusterId: 'prod-db',
  copyCreatedSince: '2026-01-01T00:00:00Z',
});
// In this app the export comes from the stack above, so it is deployed first.
reportsStack.addStackDependency(managerStack);
new CfnOutput(reportsStack, 'Endpoint', { value: reports.endpoint });
new CfnOutput(reportsStack, 'DataTimestamp', { value: reports.dataTimestamp });

app.synth();
