// The JSON-protocol services through the AWS CLI (botocore), a second, independent client: proves
// the wire protocol and error codes, not just what the SDK v3 tolerates. Each call costs ~0.5 s, so
// independent calls run concurrently and only a representative subset is covered here.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { awsCli } from './emulator-cli-harness.ts';
import { type JsonEmulator, startJsonEmulator } from './emulator-json-harness.ts';

let emu: JsonEmulator;

before(async () => {
  emu = await startJsonEmulator();
});
after(async () => {
  await emu.close();
});

interface CliResult {
  code: number;
  json: Record<string, unknown> | undefined;
  stderr: string;
}

/** `aws <args>` against the emulator, its output parsed. */
async function aws(...args: string[]): Promise<CliResult> {
  const r = await awsCli(emu.url, ...args);
  return { code: r.code, json: r.stdout.trim() ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}

function assertAwsError(result: CliResult, code: string): void {
  assert.notEqual(result.code, 0, 'the CLI should fail');
  assert.match(result.stderr, new RegExp(`An error occurred \\(${code}\\)`), result.stderr);
}

describe('JSON-protocol services through the AWS CLI', () => {
  it('Secrets Manager: create, get by name and ARN, and the not-found and exists errors', async () => {
    const created = await aws(
      'secretsmanager',
      'create-secret',
      '--name',
      'cli/secret',
      '--secret-string',
      'hunter2',
    );
    assert.equal(created.code, 0, created.stderr);
    const arn = created.json!['ARN'] as string;
    const [byName, byArn, missing, duplicate] = await Promise.all([
      aws('secretsmanager', 'get-secret-value', '--secret-id', 'cli/secret'),
      aws('secretsmanager', 'get-secret-value', '--secret-id', arn),
      aws('secretsmanager', 'get-secret-value', '--secret-id', 'cli/none'),
      aws('secretsmanager', 'create-secret', '--name', 'cli/secret', '--secret-string', 'x'),
    ]);
    assert.equal(byName.json!['SecretString'], 'hunter2');
    assert.equal(byArn.json!['Name'], 'cli/secret');
    assertAwsError(missing, 'ResourceNotFoundException');
    assertAwsError(duplicate, 'ResourceExistsException');
  });

  it('SSM: put-parameter, get-parameter, and ParameterNotFound / ParameterAlreadyExists', async () => {
    const put = await aws(
      'ssm',
      'put-parameter',
      '--name',
      '/cli/config',
      '--value',
      '{"a":1}',
      '--type',
      'String',
    );
    assert.equal(put.code, 0, put.stderr);
    const [got, missing, again] = await Promise.all([
      aws('ssm', 'get-parameter', '--name', '/cli/config'),
      aws('ssm', 'get-parameter', '--name', '/cli/missing'),
      aws('ssm', 'put-parameter', '--name', '/cli/config', '--value', 'x', '--type', 'String'),
    ]);
    assert.equal((got.json!['Parameter'] as { Value: string }).Value, '{"a":1}');
    assertAwsError(missing, 'ParameterNotFound');
    assertAwsError(again, 'ParameterAlreadyExists');
  });

  it('EventBridge: put-events keeps the event; KMS: create-key, describe-key and NotFoundException', async () => {
    const entries = JSON.stringify([
      { Source: 'cli.test', DetailType: 'lifecycle-event/instance-ready', Detail: '{"x":1}' },
    ]);
    const [events, key, missingKey] = await Promise.all([
      aws('events', 'put-events', '--entries', entries),
      aws('kms', 'create-key', '--description', 'cli key'),
      aws('kms', 'describe-key', '--key-id', '00000000-0000-0000-0000-000000000000'),
    ]);
    assert.equal(events.json!['FailedEntryCount'], 0, events.stderr);
    assert.deepEqual(emu.services.events.putEvents({ source: 'cli.test' })[0]!.detail, { x: 1 });
    const meta = key.json!['KeyMetadata'] as { KeyId: string; KeyState: string };
    assert.equal(meta.KeyState, 'Enabled');
    assertAwsError(missingKey, 'NotFoundException');
    const scheduled = await aws(
      'kms',
      'schedule-key-deletion',
      '--key-id',
      meta.KeyId,
      '--pending-window-in-days',
      '7',
    );
    assert.equal(scheduled.json!['KeyState'], 'PendingDeletion', scheduled.stderr);
  });

  it('DynamoDB: put-item with a failing ConditionExpression gives ConditionalCheckFailedException', async () => {
    const table = await aws(
      'dynamodb',
      'create-table',
      '--table-name',
      'cli-locks',
      '--attribute-definitions',
      'AttributeName=pk,AttributeType=S',
      '--key-schema',
      'AttributeName=pk,KeyType=HASH',
      '--billing-mode',
      'PAY_PER_REQUEST',
    );
    assert.equal(table.code, 0, table.stderr);
    const put = (owner: string) =>
      aws(
        'dynamodb',
        'put-item',
        '--table-name',
        'cli-locks',
        '--item',
        JSON.stringify({ pk: { S: 'lock' }, owner: { S: owner } }),
        '--condition-expression',
        'attribute_not_exists(pk)',
      );
    assert.equal((await put('a')).code, 0);
    assertAwsError(await put('b'), 'ConditionalCheckFailedException');
  });

  it('Lambda: invoke returns the handler result and ResourceNotFoundException for unknown functions', async () => {
    emu.services.lambda.registerFunction('cli-fn', async (event) => ({ echoed: event }));
    const dir = await mkdtemp(join(tmpdir(), 'acm-cli-'));
    const [ok, missing] = await Promise.all([
      aws(
        'lambda',
        'invoke',
        '--function-name',
        'cli-fn',
        '--payload',
        '{"hello":"world"}',
        join(dir, 'out.json'),
      ),
      aws('lambda', 'invoke', '--function-name', 'nope', join(dir, 'none.json')),
    ]);
    assert.equal(ok.json!['StatusCode'], 200, ok.stderr);
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'out.json'), 'utf8')), {
      echoed: { hello: 'world' },
    });
    assertAwsError(missing, 'ResourceNotFoundException');
    await rm(dir, { recursive: true, force: true });
  });
});
