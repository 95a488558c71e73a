// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub strings, not JS templates
// example/cli-user-policy.json, the IAM a CLI user (a person, a CI role) needs next to a deployed
// stack, checked against what the code sends and against the manager role it mirrors: a new AWS call
// in an adapter the CLI uses fails here until the policy allows it (or says why it need not).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DEFAULT_LEASE_TABLE, DEFAULT_MANAGER_ID } from '../../../src/model/api.ts';
import { TAG } from '../../../src/model/tags.ts';
import {
  asList,
  type Json,
  loadTemplate,
  repoRoot,
  resourceText,
  type Statement,
  statementsOf,
  theResource,
} from './cfn.ts';

const policy = JSON.parse(readFileSync(`${repoRoot}example/cli-user-policy.json`, 'utf8')) as {
  Version: string;
  Statement: Statement[];
};
const statements = policy.Statement;
const actionsOf = (s: Statement) => asList(s.Action);
const granted = [...new Set(statements.flatMap(actionsOf))].sort();

const template = loadTemplate('infra/template.yaml');
const [, role] = theResource(template, 'AWS::IAM::Role');
const roleStatements = asList(role.Properties?.['Policies'] as Json[]).flatMap((p) =>
  statementsOf((p as { PolicyDocument: Json }).PolicyDocument),
);

// The adapters the CLI reaches through the engine (the SSM, EventBridge and Lambda ones serve only
// the function), and the IAM prefix of each. Each `new XCommand(` an adapter sends is the action X.
const CLI_ADAPTERS = { rds: 'rds', dynamodb: 'dynamodb', secrets: 'secretsmanager', kms: 'kms' };
const sent = new Set(
  Object.entries(CLI_ADAPTERS).flatMap(([file, prefix]) =>
    [...readFileSync(`${repoRoot}src/aws/${file}.ts`, 'utf8').matchAll(/new ([A-Z]\w*)Command\(/g)].map(
      (m) => `${prefix}:${m[1]}`,
    ),
  ),
);

// Sent by an adapter, deliberately not granted to a CLI user.
const NOT_FOR_A_CLI_USER: Record<string, string> = {
  'dynamodb:CreateTable': 'the CLI never creates the lease table in a real account: the stack does',
};

describe('example/cli-user-policy.json', () => {
  test('is a policy document: one Sid each, Allow only, no wildcard action, "*" only for RDS reads', () => {
    assert.equal(policy.Version, '2012-10-17');
    const sids = statements.map((s) => s.Sid);
    assert.equal(new Set(sids).size, statements.length, `every statement has its own Sid: ${sids}`);
    for (const s of statements) {
      assert.equal(s.Effect, 'Allow', s.Sid);
      assert.equal(s.NotAction, undefined, s.Sid);
      assert.equal(s.NotResource, undefined, s.Sid);
      for (const action of actionsOf(s)) assert.doesNotMatch(action, /\*/, `${s.Sid}: ${action}`);
      if (asList(s.Resource as Json).includes('*')) {
        assert.deepEqual(actionsOf(s), ['rds:DescribeDBClusters', 'rds:DescribeDBInstances'], s.Sid);
      }
    }
  });

  test('allows every RDS and DynamoDB call the CLI sends', () => {
    const needed = [...sent].filter((a) => /^(rds|dynamodb):/.test(a));
    assert.ok(needed.length >= 10, `expected the RDS and DynamoDB adapters' commands, found ${needed}`);
    const missing = needed.filter((a) => !granted.includes(a) && !(a in NOT_FOR_A_CLI_USER));
    assert.deepEqual(missing, [], 'the CLI sends these but the policy does not allow them');
    for (const action of Object.keys(NOT_FOR_A_CLI_USER)) {
      assert.ok(sent.has(action), `${action} is listed as not granted, but no adapter sends it any more`);
      assert.ok(!granted.includes(action), `${action} is granted after all`);
    }
  });

  test('allows nothing the CLI does not send', () => {
    const unused = granted.filter((a) => !sent.has(a));
    assert.deepEqual(unused, [], 'the policy allows these but no adapter the CLI uses sends them');
  });

  test("each statement is the manager role's statement of the same Sid, with the default stack name as manager id", () => {
    assert.equal(DEFAULT_MANAGER_ID, 'aurora-clone-manager');
    assert.equal(template.Parameters?.['LeaseTableName']?.['Default'], DEFAULT_LEASE_TABLE);
    const parameterDefault = (name: string) => {
      const value = template.Parameters?.[name]?.['Default'];
      assert.equal(typeof value, 'string', `template parameter ${name} has a default`);
      return value as string;
    };
    // `${AWS::Region}` and `${AWS::AccountId}` become `*`: the policy serves any Region it is used in.
    const normalise = (resource: Json) =>
      resourceText(resource)
        .replace('${AWS::Partition}', 'aws')
        .replace('${AWS::Region}:${AWS::AccountId}', '*:*')
        .replace(/\$\{(\w+)\}/g, (_, name: string) => parameterDefault(name));
    const asManager = (value: Json | undefined): Json | undefined =>
      JSON.parse(
        JSON.stringify(value ?? null).replaceAll('{"Ref":"AWS::StackName"}', `"${DEFAULT_MANAGER_ID}"`),
      );

    for (const s of statements) {
      const mirrored = roleStatements.find((r) => r.Sid === s.Sid);
      assert.ok(mirrored, `${s.Sid}: the manager role has no statement of this name`);
      // Dry runs read the lease without taking it; the function never dry-runs.
      const roleActions = [...actionsOf(mirrored), ...(s.Sid === 'Leases' ? ['dynamodb:GetItem'] : [])];
      for (const action of actionsOf(s)) assert.ok(roleActions.includes(action), `${s.Sid}: ${action}`);
      assert.deepEqual(
        asList(s.Resource as Json),
        asList(mirrored.Resource as Json).map(normalise),
        `${s.Sid}: resources`,
      );
      assert.deepEqual(s.Condition ?? null, asManager(mirrored.Condition as Json), `${s.Sid}: condition`);
    }
    // What the conditions rest on: the tag key the code writes.
    assert.match(JSON.stringify(policy), new RegExp(`aws:RequestTag/${TAG.manager}`));
  });

  test('every RDS write is conditioned on the manager tag, in the request or on the resource', () => {
    for (const s of statements.filter((st) => actionsOf(st).some((a) => /^rds:(?!Describe)/.test(a)))) {
      const onClustersOrInstances = asList(s.Resource as Json).some((r) => /:(cluster|db):/.test(String(r)));
      if (!onClustersOrInstances) continue; // subnet and parameter groups: they create nothing alone
      const tag = s.Condition?.['StringEquals'];
      const value = tag?.[`aws:RequestTag/${TAG.manager}`] ?? tag?.[`aws:ResourceTag/${TAG.manager}`];
      assert.equal(value, DEFAULT_MANAGER_ID, `${s.Sid}: unconditioned ${actionsOf(s)}`);
    }
  });
});
