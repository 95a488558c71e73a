// Recognising the function's event kinds, and reading RDS notifications out of SNS records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCfnRequest } from '../../src/lambda/cfn-response.ts';
import { continuationEvent, isContinuationEvent } from '../../src/lambda/continuation.ts';
import { isMaintenanceEvent } from '../../src/lambda/maintenance.ts';
import { isSnsEvent, parseRdsMessage } from '../../src/lambda/rds-events.ts';

describe('event kinds', () => {
  it('tells each kind apart', () => {
    const cfn = { RequestType: 'Create', ResponseURL: 'https://x', ResourceProperties: {} };
    const sns = { Records: [{ EventSource: 'aws:sns', Sns: { Message: '{}' } }] };
    const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
    const maintain = { source: 'aurora-clone-manager', action: 'maintain' };
    const cont = continuationEvent({} as never);
    const kinds = (e: unknown) =>
      [isCfnRequest(e), isContinuationEvent(e), isMaintenanceEvent(e), isSnsEvent(e)].map(Number).join('');
    assert.equal(kinds(cfn), '1000');
    assert.equal(kinds(cont), '0100');
    assert.equal(kinds(maintain), '0010');
    assert.equal(kinds(scheduled), '0010');
    assert.equal(kinds(sns), '0001');
    assert.equal(kinds({ RequestType: 'Poke', ResponseURL: 'x' }), '0000');
    assert.equal(
      kinds({ source: 'aws.events', 'detail-type': 'EC2 Instance State-change Notification' }),
      '0000',
    );
    assert.equal(kinds({ Records: [{ EventSource: 'aws:sqs' }] }), '0000');
  });
});

describe('parseRdsMessage', () => {
  it('reads the fields RDS puts in the SNS Message', () => {
    const m = parseRdsMessage(
      JSON.stringify({
        'Event Source': 'db-instance',
        'Event Time': '2026-11-25 10:45:00.123',
        'Identifier Link':
          'https://console.aws.amazon.com/rds/home?region=us-east-1#dbinstance:id=ci-1-instance-1',
        'Source ID': 'ci-1-instance-1',
        'Source ARN': 'arn:aws:rds:us-east-1:000000000000:db:ci-1-instance-1',
        'Event ID':
          'http://docs.amazonwebservices.com/AmazonRDS/latest/UserGuide/USER_Events.html#RDS-EVENT-0005',
        'Event Message': 'DB instance created',
      }),
    );
    assert.deepEqual(m, {
      eventSource: 'db-instance',
      sourceId: 'ci-1-instance-1',
      sourceArn: 'arn:aws:rds:us-east-1:000000000000:db:ci-1-instance-1',
      eventId: 'RDS-EVENT-0005',
      message: 'DB instance created',
    });
  });

  it('returns undefined for anything else', () => {
    assert.equal(parseRdsMessage('not json'), undefined);
    assert.equal(parseRdsMessage('{"Event Source":"db-instance"}'), undefined);
    assert.equal(parseRdsMessage(undefined), undefined);
  });
});
