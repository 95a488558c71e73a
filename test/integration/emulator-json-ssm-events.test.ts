// SSM Parameter Store and EventBridge emulation through the real SDK v3 clients, over HTTP.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  DescribeEventBusCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { ManualClock } from '../../src/util/clock.ts';
import { type JsonEmulator, startJsonEmulator } from './emulator-json-harness.ts';

const clock = new ManualClock('2026-11-25T10:00:00Z');
let emu: JsonEmulator;
let ssm: SSMClient;
let eb: EventBridgeClient;

before(async () => {
  emu = await startJsonEmulator({ clock });
  ssm = new SSMClient(emu.clientConfig);
  eb = new EventBridgeClient(emu.clientConfig);
});
after(async () => {
  ssm.destroy();
  eb.destroy();
  await emu.close();
});
beforeEach(() => {
  emu.services.ssm.reset();
  emu.services.events.reset();
});

async function rejectsWith(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name, err.message);
    return true;
  });
}

describe('SSM Parameter Store emulation', () => {
  it('puts, gets and versions a parameter; Overwrite is required to change it', async () => {
    const first = await ssm.send(
      new PutParameterCommand({ Name: '/acm/maintenance', Value: '{"sources":[]}', Type: 'String' }),
    );
    assert.deepEqual([first.Version, first.Tier], [1, 'Standard']);
    const got = await ssm.send(new GetParameterCommand({ Name: '/acm/maintenance' }));
    assert.equal(got.Parameter!.Value, '{"sources":[]}');
    assert.equal(got.Parameter!.ARN, 'arn:aws:ssm:us-east-1:123456789012:parameter/acm/maintenance');
    assert.equal(got.Parameter!.LastModifiedDate!.toISOString(), '2026-11-25T10:00:00.000Z');

    await rejectsWith(
      ssm.send(new PutParameterCommand({ Name: '/acm/maintenance', Value: 'x', Type: 'String' })),
      'ParameterAlreadyExists',
    );
    const second = await ssm.send(
      new PutParameterCommand({ Name: '/acm/maintenance', Value: 'v2', Overwrite: true }),
    );
    assert.equal(second.Version, 2);
    const byArn = await ssm.send(new GetParameterCommand({ Name: got.Parameter!.ARN! }));
    assert.deepEqual([byArn.Parameter!.Value, byArn.Parameter!.Type], ['v2', 'String']);
    const v1 = await ssm.send(new GetParameterCommand({ Name: '/acm/maintenance:1' }));
    assert.deepEqual([v1.Parameter!.Value, v1.Parameter!.Version], ['{"sources":[]}', 1]);
    await rejectsWith(
      ssm.send(new GetParameterCommand({ Name: '/acm/maintenance:7' })),
      'ParameterVersionNotFound',
    );
  });

  it('answers ParameterNotFound and ValidationException as AWS does', async () => {
    await rejectsWith(ssm.send(new GetParameterCommand({ Name: '/missing' })), 'ParameterNotFound');
    await rejectsWith(ssm.send(new DeleteParameterCommand({ Name: '/missing' })), 'ParameterNotFound');
    await rejectsWith(
      ssm.send(new PutParameterCommand({ Name: '/no-type', Value: 'x' })),
      'ValidationException',
    );
    await rejectsWith(
      ssm.send(new PutParameterCommand({ Name: 'a/b', Value: 'x', Type: 'String' })),
      'ValidationException',
    );
    const big = 'x'.repeat(5000);
    await rejectsWith(
      ssm.send(new PutParameterCommand({ Name: '/big', Value: big, Type: 'String' })),
      'ValidationException',
    );
    const advanced = await ssm.send(
      new PutParameterCommand({ Name: '/big', Value: big, Type: 'String', Tier: 'Intelligent-Tiering' }),
    );
    assert.equal(advanced.Tier, 'Advanced');
  });

  it('hides SecureString values unless decryption is asked for', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/acm/secret', Value: 'plain', Type: 'SecureString' }));
    const hidden = await ssm.send(new GetParameterCommand({ Name: '/acm/secret' }));
    assert.notEqual(hidden.Parameter!.Value, 'plain');
    const shown = await ssm.send(new GetParameterCommand({ Name: '/acm/secret', WithDecryption: true }));
    assert.equal(shown.Parameter!.Value, 'plain');
  });

  it('deletes parameters and reads a hierarchy by path, recursively or not, in pages', async () => {
    for (const name of ['/app/a', '/app/b', '/app/deep/c', '/other/d']) {
      await ssm.send(new PutParameterCommand({ Name: name, Value: name, Type: 'String' }));
    }
    const direct = await ssm.send(new GetParametersByPathCommand({ Path: '/app' }));
    assert.deepEqual(
      direct.Parameters!.map((p) => p.Name),
      ['/app/a', '/app/b'],
    );
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await ssm.send(
        new GetParametersByPathCommand({ Path: '/app/', Recursive: true, MaxResults: 2, NextToken }),
      );
      names.push(...page.Parameters!.map((p) => p.Name!));
      NextToken = page.NextToken;
    } while (NextToken);
    assert.deepEqual(names, ['/app/a', '/app/b', '/app/deep/c']);

    const many = await ssm.send(new GetParametersCommand({ Names: ['/app/a', '/nope'] }));
    assert.deepEqual(
      many.Parameters!.map((p) => p.Name),
      ['/app/a'],
    );
    assert.deepEqual(many.InvalidParameters, ['/nope']);

    await ssm.send(new DeleteParameterCommand({ Name: '/app/a' }));
    await rejectsWith(ssm.send(new GetParameterCommand({ Name: '/app/a' })), 'ParameterNotFound');
  });
});

describe('EventBridge emulation', () => {
  it('accepts events, keeps them with their time, and lets tests read them', async () => {
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'aurora-clone-manager',
            DetailType: 'lifecycle-event/instance-ready',
            Detail: JSON.stringify({ clusterId: 'clone-1', port: 5432 }),
            Resources: ['arn:aws:rds:us-east-1:123456789012:cluster:clone-1'],
          },
        ],
      }),
    );
    assert.equal(out.FailedEntryCount, 0);
    assert.ok(out.Entries![0]!.EventId);
    const events = emu.services.events.putEvents({ detailType: 'lifecycle-event/instance-ready' });
    assert.equal(events.length, 1);
    assert.deepEqual(events[0]!.detail, { clusterId: 'clone-1', port: 5432 });
    assert.equal(events[0]!.time, '2026-11-25T10:00:00.000Z');
    assert.equal(events[0]!.id, out.Entries![0]!.EventId);
  });

  it('fails bad entries one by one and counts them in FailedEntryCount', async () => {
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'app', DetailType: 'ok', Detail: '{}' },
          { Source: 'app', DetailType: 'bad', Detail: '{not json' },
          { Source: 'app', DetailType: 'nobus', Detail: '{}', EventBusName: 'missing' },
          { Source: 'app', DetailType: 'nodetail' },
        ],
      }),
    );
    assert.equal(out.FailedEntryCount, 3);
    assert.deepEqual(
      out.Entries!.map((e) => e.ErrorCode),
      [undefined, 'MalformedDetail', 'ResourceNotFoundException', 'InvalidArgument'],
    );
    assert.equal(emu.services.events.putEvents().length, 1);
  });

  it('rejects an empty or oversized request with ValidationException', async () => {
    await rejectsWith(eb.send(new PutEventsCommand({ Entries: [] })), 'ValidationException');
    const eleven = Array.from({ length: 11 }, () => ({ Source: 'a', DetailType: 'b', Detail: '{}' }));
    await rejectsWith(eb.send(new PutEventsCommand({ Entries: eleven })), 'ValidationException');
  });

  it('describes the default bus and nothing else', async () => {
    const buses = await eb.send(new ListEventBusesCommand({}));
    assert.deepEqual(
      buses.EventBuses!.map((b) => b.Name),
      ['default'],
    );
    const bus = await eb.send(new DescribeEventBusCommand({}));
    assert.equal(bus.Arn, 'arn:aws:events:us-east-1:123456789012:event-bus/default');
    await rejectsWith(eb.send(new DescribeEventBusCommand({ Name: 'custom' })), 'ResourceNotFoundException');
  });
});
