// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub strings, not JS templates
// The example stack declares one clone served by the manager's exported function and outputs every
// attribute the resource returns.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadTemplate, repoRoot, theResource } from './cfn.ts';

const template = loadTemplate('example/template.yaml');
const ATTRIBUTES = [
  'Arn',
  'ClusterId',
  'Endpoint',
  'ReaderEndpoint',
  'Port',
  'PasswordSecret',
  'KmsKeyId',
  'SourceClusterId',
  'DataTimestamp',
];

test('one Custom::AuroraClone whose ServiceToken is the manager stack export', () => {
  const [, clone] = theResource(template, 'Custom::AuroraClone');
  assert.deepEqual(clone.Properties?.['ServiceToken'], {
    'Fn::ImportValue': { 'Fn::Sub': '${CloneManagerStack}-LambdaArn' },
  });
  assert.deepEqual(clone.Properties?.['SourceClusterId'], { Ref: 'SourceClusterId' });
  const manager = loadTemplate('infra/template.yaml');
  assert.deepEqual(manager.Outputs?.['LambdaArn']?.['Export'], {
    Name: { 'Fn::Sub': '${AWS::StackName}-LambdaArn' },
  });
});

test('the parameters the issue names', () => {
  assert.deepEqual(Object.keys(template.Parameters ?? {}).sort(), [
    'AccessPrincipalArns',
    'CloneManagerStack',
    'CopyCreatedSince',
    'SourceClusterId',
  ]);
});

test('it uses only property names the Lambda accepts', () => {
  const [, clone] = theResource(template, 'Custom::AuroraClone');
  const properties = readFileSync(join(repoRoot, 'src/lambda/properties.ts'), 'utf8');
  for (const name of Object.keys(clone.Properties ?? {})) {
    if (name === 'ServiceToken') continue;
    assert.match(properties, new RegExp(`\\b${name}\\b`), `the Lambda does not know the property ${name}`);
  }
});

test('every attribute of the resource is an output', () => {
  const [logicalId] = theResource(template, 'Custom::AuroraClone');
  const outputs = template.Outputs ?? {};
  assert.deepEqual(Object.keys(outputs).sort(), [...ATTRIBUTES].sort());
  for (const attribute of ATTRIBUTES) {
    assert.deepEqual(outputs[attribute]?.['Value'], { 'Fn::GetAtt': [logicalId, attribute] }, attribute);
  }
});

test('the attributes are the ones the Lambda puts in its response Data', () => {
  const data = readFileSync(join(repoRoot, 'src/lambda/clone-data.ts'), 'utf8');
  for (const attribute of ATTRIBUTES) {
    assert.match(data, new RegExp(`\\b${attribute}\\b`), `the Lambda does not return ${attribute}`);
  }
});
