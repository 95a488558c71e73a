// The wire pieces of the emulator, without a server: Query decoding, XML escaping, SigV4 scopes,
// seeded fault decisions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { FaultInjector, validateFaults } from '../../src/emulator/faults.ts';
import { QueryParams, queryError, queryResponse } from '../../src/emulator/protocol/query.ts';
import { escapeXml, text } from '../../src/emulator/protocol/xml.ts';
import { credentialScope } from '../../src/emulator/sigv4.ts';

const params = (body: string) =>
  QueryParams.fromRequest({
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: Buffer.from(body),
    region: 'us-east-1',
  });

describe('Query protocol decoding', () => {
  test('lists in the model spelling and in the member spelling, in index order', () => {
    const p = params(
      'Action=X&Tags.Tag.2.Key=b&Tags.Tag.2.Value=2&Tags.Tag.1.Key=a&Tags.Tag.1.Value=1&Tags.Tag.10.Key=j&Tags.Tag.10.Value=' +
        '&VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-1&TagKeys.member.1=k1&TagKeys.member.2=k%202',
    );
    assert.deepEqual(
      p.structList('Tags', 'Tag', (t) => [t.string('Key'), t.string('Value')]),
      [
        ['a', '1'],
        ['b', '2'],
        ['j', ''],
      ],
    );
    assert.deepEqual(p.stringList('VpcSecurityGroupIds', 'VpcSecurityGroupId'), ['sg-1']);
    assert.deepEqual(p.stringList('TagKeys'), ['k1', 'k 2']);
    const m = params('Tags.member.1.Key=a&Tags.member.1.Value=1');
    assert.deepEqual(
      m.structList('Tags', 'Tag', (t) => t.string('Key')),
      ['a'],
    );
  });

  test('nested lists: Filters.Filter.N.Values.Value.N', () => {
    const p = params(
      'Filters.Filter.1.Name=engine&Filters.Filter.1.Values.Value.1=aurora-mysql&Filters.Filter.1.Values.Value.2=neptune' +
        '&Filters.Filter.2.Name=db-cluster-id&Filters.Filter.2.Values.Value.1=x',
    );
    assert.deepEqual(
      p.structList('Filters', 'Filter', (f) => ({
        name: f.string('Name'),
        values: f.stringList('Values', 'Value'),
      })),
      [
        { name: 'engine', values: ['aurora-mysql', 'neptune'] },
        { name: 'db-cluster-id', values: ['x'] },
      ],
    );
  });

  test('an empty list is sent as the bare name; absent lists stay undefined', () => {
    const p = params('VpcSecurityGroupIds=');
    assert.deepEqual(p.stringList('VpcSecurityGroupIds', 'VpcSecurityGroupId'), []);
    assert.equal(p.stringList('Tags', 'Tag'), undefined);
  });

  test('typed values: booleans, integers, timestamps; malformed ones are refused', () => {
    const p = params('A=true&B=False&N=42&T=2026-11-25T10:00:00Z&E=1764064800&Bad=yes&BadN=4.2');
    assert.equal(p.boolean('A'), true);
    assert.equal(p.boolean('B'), false);
    assert.equal(p.integer('N'), 42);
    assert.equal(p.timestamp('T')?.toISOString(), '2026-11-25T10:00:00.000Z');
    assert.equal(p.timestamp('E')?.toISOString(), '2025-11-25T10:00:00.000Z');
    assert.throws(() => p.boolean('Bad'), /Invalid boolean value "yes" for parameter Bad/);
    assert.throws(() => p.integer('BadN'), /Invalid integer/);
  });
});

describe('XML answers', () => {
  const parser = new XMLParser({
    processEntities: true,
    htmlEntities: true,
    parseTagValue: false,
    trimValues: false,
    ignoreAttributes: false,
  });

  test('escaping keeps every character a client sent, and drops what XML 1.0 cannot carry', () => {
    const value = `<a href="x">&amp; 'q'</a>\r\n\tend`;
    const doc = parser.parse(`<r>${text('V', value)}</r>`) as { r: { V: string } };
    assert.equal(doc.r.V, value);
    assert.equal(escapeXml('a\u0000b'), 'a\uFFFDb');
  });

  test('responses and errors have the namespace, Result wrapper, RequestId and AWS status', () => {
    const ok = queryResponse(
      'DescribeDBClusters',
      'http://rds.amazonaws.com/doc/2014-10-31/',
      'req-1',
      '<DBClusters/>',
    );
    assert.equal(ok.status, 200);
    assert.equal(
      ok.body,
      '<DescribeDBClustersResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBClustersResult><DBClusters/>' +
        '</DescribeDBClustersResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DescribeDBClustersResponse>',
    );
    const none = queryResponse('AddTagsToResource', 'ns', 'r', undefined);
    assert.doesNotMatch(String(none.body), /Result/);
    const err = queryError('ns', 'r', 'InternalFailure', 'x < y', 500);
    assert.equal(err.status, 500);
    assert.match(
      String(err.body),
      /<Type>Receiver<\/Type><Code>InternalFailure<\/Code><Message>x &lt; y<\/Message>/,
    );
    assert.match(
      String(queryError('ns', 'r', 'DBClusterNotFoundFault', 'm', 404).body),
      /<Type>Sender<\/Type>/,
    );
  });
});

describe('SigV4 credential scope', () => {
  test('Region and service from the Authorization header or a presigned query', () => {
    assert.deepEqual(
      credentialScope(
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/eu-central-1/rds/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
        new URLSearchParams(),
      ),
      { region: 'eu-central-1', service: 'rds' },
    );
    assert.deepEqual(
      credentialScope(
        undefined,
        new URLSearchParams('X-Amz-Credential=AKID%2F20261125%2Fap-south-1%2Fsecretsmanager%2Faws4_request'),
      ),
      { region: 'ap-south-1', service: 'secretsmanager' },
    );
    assert.equal(credentialScope('Bearer token', new URLSearchParams()), undefined);
  });
});

describe('fault injection', () => {
  test('rates are honoured and a seed repeats the same decisions', () => {
    const a = new FaultInjector({ throttleRate: 0.2, errorRate: 0.1 }, 42);
    const b = new FaultInjector({ throttleRate: 0.2, errorRate: 0.1 }, 42);
    const decisions = Array.from({ length: 5000 }, () => a.decide().kind);
    assert.deepEqual(
      decisions,
      Array.from({ length: 5000 }, () => b.decide().kind),
    );
    const share = (k: string) => decisions.filter((d) => d === k).length / decisions.length;
    assert.ok(Math.abs(share('throttle') - 0.2) < 0.03, `throttle share ${share('throttle')}`);
    assert.ok(Math.abs(share('error') - 0.1) < 0.03, `error share ${share('error')}`);
  });

  test('latency jitters within ± jitter, and invalid settings are refused', () => {
    const f = new FaultInjector({ latencyMs: 100, jitterMs: 20 }, 3);
    for (let i = 0; i < 200; i++) {
      const ms = f.latency();
      assert.ok(ms >= 80 && ms <= 120, String(ms));
    }
    assert.throws(() => validateFaults({ throttleRate: 1.2 }), /between 0 and 1/);
    assert.throws(() => validateFaults({ throttleRate: 0.6, errorRate: 0.6 }), /at most 1/);
    assert.throws(() => validateFaults({ latencyMs: -1 }), /≥ 0/);
  });
});
