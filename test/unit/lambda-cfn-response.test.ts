// The response protocol on its own: sizes, physical ids, the empty content type, retries, and a
// ResponseURL whose query string never reaches the log.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  type CfnRequest,
  loggableUrl,
  MAX_BODY_BYTES,
  putResponse,
  responseBody,
  safePhysicalId,
  truncate,
} from '../../src/lambda/cfn-response.ts';
import { jsonLogger } from '../../src/util/log.ts';

const request: CfnRequest = {
  RequestType: 'Create',
  ResponseURL: 'http://127.0.0.1:1/r?X-Amz-Signature=abc',
  StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/s/1',
  RequestId: 'req-1',
  ResourceType: 'Custom::AuroraClone',
  LogicalResourceId: 'Clone',
  ResourceProperties: {},
};

describe('responseBody', () => {
  it('echoes the request ids and carries Status, Reason and Data', () => {
    const body = JSON.parse(
      responseBody(request, { status: 'SUCCESS', physicalResourceId: 'arn:x', data: { Arn: 'arn:x' } }),
    );
    assert.deepEqual(body, {
      Status: 'SUCCESS',
      PhysicalResourceId: 'arn:x',
      StackId: request.StackId,
      RequestId: 'req-1',
      LogicalResourceId: 'Clone',
      Data: { Arn: 'arn:x' },
    });
  });

  it('a FAILED answer always has a Reason', () => {
    const body = JSON.parse(responseBody(request, { status: 'FAILED', physicalResourceId: 'p' }));
    assert.equal(body.Reason, 'failed');
  });

  it('shortens a long Reason so the body stays under 4096 bytes', () => {
    const reason = `é${'x'.repeat(10_000)}`;
    const text = responseBody(request, { status: 'FAILED', reason, physicalResourceId: 'p' });
    assert.ok(Buffer.byteLength(text) <= MAX_BODY_BYTES);
    const body = JSON.parse(text);
    assert.match(body.Reason, /^éx+… \(truncated\)$/);
  });

  it('drops the largest Data values, naming them, when Data alone is too big', () => {
    const text = responseBody(request, {
      status: 'SUCCESS',
      physicalResourceId: 'p',
      data: { Small: 'ok', Huge: 'y'.repeat(5000) },
    });
    assert.ok(Buffer.byteLength(text) <= MAX_BODY_BYTES);
    const body = JSON.parse(text);
    assert.deepEqual(body.Data, { Small: 'ok' });
    assert.match(body.Reason, /dropped Huge/);
  });

  it('never sends an empty or oversized PhysicalResourceId', () => {
    assert.equal(safePhysicalId('', 'fallback'), 'fallback');
    const long = safePhysicalId('z'.repeat(2000), 'f');
    assert.match(long, /^aurora-clone-manager:sha256:[0-9a-f]{64}$/);
    assert.equal(safePhysicalId('z'.repeat(2000), 'f'), long, 'the same id maps to the same hash');
  });

  it('truncate respects multi-byte characters', () => {
    const t = truncate('€'.repeat(100), 50);
    assert.ok(Buffer.byteLength(t) <= 50);
  });
});

describe('putResponse', () => {
  const hits: { headers: IncomingHttpHeaders; body: string }[] = [];
  let failFirst = 0;
  let status = 200;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      if (failFirst > 0) {
        failFirst--;
        res.writeHead(503).end();
        return;
      }
      res.writeHead(status).end();
    });
  });
  let url = '';
  const logLines: string[] = [];
  const logger = jsonLogger('debug', (l) => logLines.push(l));

  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const a = server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/bucket/key?X-Amz-Signature=s3cr3tsig&X-Amz-Credential=AKIA`;
  });
  after(() => {
    server.close();
  });

  it('PUTs the body with an empty content-type and its exact length', async () => {
    hits.length = 0;
    await putResponse(url, '{"a":1}', { logger, sleep: async () => {} });
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.headers['content-type'], '');
    assert.equal(hits[0]!.headers['content-length'], '7');
    assert.equal(hits[0]!.body, '{"a":1}');
  });

  it('retries 5xx answers and network errors, then delivers once', async () => {
    hits.length = 0;
    failFirst = 2;
    await putResponse(url, '{}', { logger, sleep: async () => {} });
    assert.equal(hits.length, 3);
    await assert.rejects(
      putResponse('http://127.0.0.1:1/x?X-Amz-Signature=zzz', '{}', {
        logger,
        attempts: 2,
        sleep: async () => {},
      }),
      /could not PUT the response/,
    );
  });

  it('does not retry a refused URL (4xx): it will not get better', async () => {
    hits.length = 0;
    status = 403;
    try {
      await assert.rejects(putResponse(url, '{}', { logger, sleep: async () => {} }), /HTTP 403/);
      assert.equal(hits.length, 1);
    } finally {
      status = 200;
    }
  });

  it('never logs the query string', () => {
    const text = logLines.join('');
    assert.ok(text.length > 0);
    assert.ok(!text.includes('s3cr3tsig') && !text.includes('zzz') && !text.includes('AKIA'));
    assert.equal(loggableUrl('https://h/p?X-Amz-Signature=1'), 'https://h/p?[REDACTED]');
  });
});
