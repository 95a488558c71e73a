// Plays CloudFormation's part against the Lambda bundle (dist/lambda/index.js): serves presigned-
// looking ResponseURLs on loopback, sends Create/Update/Delete requests shaped as CloudFormation
// shapes them (every property value a string, ServiceToken included) through the emulator's Lambda
// Invoke API (asynchronously, as CloudFormation does), and checks every response against the
// protocol: one PUT, an empty content type, a body under 4096 bytes, the echoed ids.

import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDbAdapter } from '../../src/aws/dynamodb.ts';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { type JsonServices, jsonServicesIn } from '../../src/emulator/services/json-services.ts';
import type { CfnResponse } from '../../src/lambda/cfn-response.ts';
import { ensureBuilt, LAMBDA_BUNDLE } from './built.ts';

const BUNDLE = LAMBDA_BUNDLE;

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/clone-stack/6f1c2a50-ca4f-11ee-9b1e-0a1b2c3d4e5f`;

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
export interface LambdaBundle {
  handler: Handler;
  customResourceHandler: Handler;
  maintenanceHandler: Handler;
  rdsEventHandler: Handler;
}

/** The bundle as Lambda would load it. */
export async function loadBundle(): Promise<LambdaBundle> {
  ensureBuilt();
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      // Another process (the CLI tests) may be rewriting dist/ at this moment: retry a torn read.
      return (await import(`${pathToFileURL(BUNDLE).href}?attempt=${attempt}`)) as LambdaBundle;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw lastError;
}

// ---------------------------------------------------------------------------------------------
// The ResponseURL side.

export interface CapturedResponse {
  requestId: string;
  method: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  bytes: number;
  /** The JSON body, parsed; the harness checks its shape on arrival. */
  body: CfnResponse;
  receivedAt: number;
}

class ResponseServer {
  private server: Server | undefined;
  readonly received: CapturedResponse[] = [];
  readonly signatures = new Map<string, string>();
  private waiters: (() => void)[] = [];
  private readonly failures = new Map<string, number>();
  /** PUTs answered 503 by failNext. */
  refused = 0;
  port = 0;

  /** The next `count` PUTs for this request are answered 503 SlowDown. */
  failNext(requestId: string, count: number): void {
    this.failures.set(requestId, count);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const requestId = decodeURIComponent(url.pathname.split('/').pop() ?? '');
        // As S3 does for a presigned URL: a wrong signature is refused.
        if (url.searchParams.get('X-Amz-Signature') !== this.signatures.get(requestId)) {
          res.writeHead(403).end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
          return;
        }
        const failing = this.failures.get(requestId) ?? 0;
        if (failing > 0) {
          // S3 having a bad moment: the function must retry (and Lambda retry the function).
          this.failures.set(requestId, failing - 1);
          this.refused++;
          res.writeHead(503).end('<Error><Code>SlowDown</Code></Error>');
          return;
        }
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: CapturedResponse['body'];
        try {
          body = JSON.parse(rawBody);
        } catch {
          body = { Status: 'FAILED', Reason: `unparseable body: ${rawBody}` } as CapturedResponse['body'];
        }
        this.received.push({
          requestId,
          method: req.method ?? '',
          headers: req.headers,
          rawBody,
          bytes: Buffer.byteLength(rawBody),
          body,
          receivedAt: Date.now(),
        });
        res.writeHead(200).end();
        for (const w of this.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  /** A URL that looks like CloudFormation's presigned S3 URL, signature included. */
  urlFor(requestId: string): string {
    const signature = randomBytes(32).toString('hex');
    this.signatures.set(requestId, signature);
    const q = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Date': '20261125T103000Z',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Expires': '7200',
      'X-Amz-Credential': `AKIAIOSFODNN7EXAMPLE/20261125/${REGION}/s3/aws4_request`,
      'X-Amz-Signature': signature,
    });
    return `http://127.0.0.1:${this.port}/cloudformation-custom-resource-response-useast1/${encodeURIComponent(requestId)}?${q}`;
  }

  signatureOf(requestId: string): string {
    return this.signatures.get(requestId) ?? '';
  }

  for(requestId: string): CapturedResponse[] {
    return this.received.filter((r) => r.requestId === requestId);
  }

  async waitFor(requestId: string, timeoutMs: number): Promise<CapturedResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.for(requestId)[0];
      if (got) return got;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response to request ${requestId} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

// ---------------------------------------------------------------------------------------------
// The function's log, captured (and checked for secrets) instead of cluttering the test output.

export class LogCapture {
  readonly lines: string[] = [];
  private original: typeof process.stdout.write | undefined;

  start(): void {
    this.original = process.stdout.write.bind(process.stdout);
    const original = this.original;
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.startsWith('{"level":')) {
        this.lines.push(...text.split('\n').filter(Boolean));
        if (!process.env.SHOW_LAMBDA_LOGS) return true;
      }
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  }

  stop(): void {
    if (this.original) process.stdout.write = this.original;
  }

  text(): string {
    return this.lines.join('\n');
  }
}

// ---------------------------------------------------------------------------------------------
// CloudFormation's side.

export type Properties = Record<string, unknown>;

/** CloudFormation hands every scalar to the function as a string; lists and maps keep their shape. */
export function asCloudFormationSends(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asCloudFormationSends);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asCloudFormationSends(v)]));
  }
  return String(value);
}

export interface CfnHarnessOptions {
  emulator?: EmulatorOptions;
  /** The function's timeout (Lambda's `Timeout`), default 30 s. */
  functionTimeoutMs?: number;
  /** Delays before Lambda's async retries (default: the emulator's). */
  asyncRetryDelaysMs?: number[];
  /** Extra function environment. */
  env?: Record<string, string>;
  functionName?: string;
}

export interface SendOptions {
  physicalResourceId?: string;
  oldProperties?: Properties;
  logicalResourceId?: string;
  resourceType?: string;
  requestId?: string;
}

export class CfnHarness {
  readonly responses = new ResponseServer();
  readonly logs = new LogCapture();
  emulator!: RunningEmulator;
  services!: JsonServices;
  bundle!: LambdaBundle;
  lambda!: LambdaClient;
  readonly functionName: string;
  private readonly savedEnv: Record<string, string | undefined> = {};

  constructor(private readonly options: CfnHarnessOptions = {}) {
    this.functionName = options.functionName ?? 'clone-manager-fn';
  }

  get serviceToken(): string {
    return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${this.functionName}`;
  }

  async start(): Promise<this> {
    this.bundle = await loadBundle();
    this.emulator = await startEmulator({
      quotas: { clusters: 200, instances: 200 },
      ...this.options.emulator,
    });
    this.services = jsonServicesIn(this.emulator.services);
    await this.responses.start();
    this.setEnv({
      AWS_ENDPOINT_URL: this.emulator.url,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      MANAGER_ID: 'clone-stack',
      STACK_NAME: 'clone-stack',
      LEASE_TABLE: `leases-${process.pid}`,
      LOG_LEVEL: 'debug',
      WAIT_POLL_MS: '100',
      ...this.options.env,
    });
    // The manager stack creates the lease table; the function only uses it.
    const table = process.env.LEASE_TABLE;
    if (table && table !== 'none') {
      await new DynamoDbAdapter({ endpoint: this.emulator.url, region: REGION }).createTable(table);
    }
    this.services.lambda.registerFunction(
      this.functionName,
      (event, context) => this.bundle.handler(event, context),
      {
        timeoutMs: this.options.functionTimeoutMs ?? 30_000,
      },
    );
    this.lambda = new LambdaClient({
      endpoint: this.emulator.url,
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    this.logs.start();
    return this;
  }

  /** Sets function environment variables (the bundle reads them per invocation); undone by stop(). */
  setEnv(vars: Record<string, string | undefined>): void {
    for (const [k, v] of Object.entries(vars)) {
      if (!(k in this.savedEnv)) this.savedEnv[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }

  async stop(): Promise<void> {
    await this.services?.lambda.idle();
    for (const [k, v] of Object.entries(this.savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    this.lambda?.destroy();
    await this.responses.stop();
    await this.emulator?.stop();
    this.logs.stop();
  }

  /** A request exactly as CloudFormation sends it. */
  event(
    type: 'Create' | 'Update' | 'Delete',
    properties: Properties,
    options: SendOptions = {},
  ): Record<string, unknown> {
    const requestId = options.requestId ?? randomUUID();
    const event: Record<string, unknown> = {
      RequestType: type,
      ServiceToken: this.serviceToken,
      ResponseURL: this.responses.urlFor(requestId),
      StackId: STACK_ID,
      RequestId: requestId,
      LogicalResourceId: options.logicalResourceId ?? 'Clone',
      ResourceType: options.resourceType ?? 'Custom::AuroraClone',
      ResourceProperties: asCloudFormationSends({ ServiceToken: this.serviceToken, ...properties }),
    };
    if (options.physicalResourceId !== undefined) event.PhysicalResourceId = options.physicalResourceId;
    if (options.oldProperties) {
      event.OldResourceProperties = asCloudFormationSends({
        ServiceToken: this.serviceToken,
        ...options.oldProperties,
      });
    }
    return event;
  }

  /** Invokes the function asynchronously, as CloudFormation does (InvocationType=Event). */
  async deliver(event: Record<string, unknown>): Promise<void> {
    const out = await this.lambda.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    assert.equal(out.StatusCode, 202);
  }

  /** Invokes synchronously (the schedule and SNS paths); returns the payload or the function error. */
  async invoke(event: unknown): Promise<{ payload: unknown; functionError?: string }> {
    const out = await this.lambda.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const text = new TextDecoder().decode(out.Payload ?? new Uint8Array());
    const payload = text ? JSON.parse(text) : undefined;
    return out.FunctionError ? { payload, functionError: out.FunctionError } : { payload };
  }

  /**
   * Delivers the request and waits for its answer and for every invocation it caused (continuations
   * included) to finish, then checks the protocol: exactly one PUT.
   */
  async send(
    type: 'Create' | 'Update' | 'Delete',
    properties: Properties,
    options: SendOptions & { timeoutMs?: number } = {},
  ): Promise<CapturedResponse> {
    const event = this.event(type, properties, options);
    await this.deliver(event);
    return this.answerTo(event, options.timeoutMs);
  }

  /** Waits for the answer to an event already delivered (possibly several times). */
  async answerTo(
    event: Record<string, unknown>,
    timeoutMs = 60_000,
    deliveries = 1,
  ): Promise<CapturedResponse> {
    const requestId = String(event.RequestId);
    const first = await this.responses.waitFor(requestId, timeoutMs);
    await this.services.lambda.idle();
    const all = this.responses.for(requestId);
    assert.equal(
      all.length,
      deliveries,
      `expected ${deliveries} PUT(s) for request ${requestId}, got ${all.length}`,
    );
    for (const r of all) this.checkProtocol(event, r);
    return first;
  }

  /** What CloudFormation (and S3's presigned URL) requires of a response. */
  checkProtocol(event: Record<string, unknown>, r: CapturedResponse): void {
    assert.equal(r.method, 'PUT');
    assert.ok('content-type' in r.headers, 'the content-type header must be sent, empty');
    assert.equal(r.headers['content-type'], '', 'the content-type header must be empty');
    assert.ok(r.bytes < 4096, `response body is ${r.bytes} bytes (limit 4096)`);
    assert.equal(Number(r.headers['content-length']), r.bytes);
    assert.ok(r.body.Status === 'SUCCESS' || r.body.Status === 'FAILED', `bad Status ${r.body.Status}`);
    if (r.body.Status === 'FAILED')
      assert.ok(r.body.Reason && r.body.Reason.length > 0, 'FAILED needs a Reason');
    assert.equal(typeof r.body.PhysicalResourceId, 'string');
    assert.ok(r.body.PhysicalResourceId.length > 0, 'PhysicalResourceId must not be empty');
    assert.ok(
      Buffer.byteLength(r.body.PhysicalResourceId) <= 1024,
      'PhysicalResourceId must be at most 1 KB',
    );
    assert.equal(r.body.StackId, event.StackId);
    assert.equal(r.body.RequestId, event.RequestId);
    assert.equal(r.body.LogicalResourceId, event.LogicalResourceId);
    for (const v of Object.values(r.body.Data ?? {})) assert.equal(typeof v, 'string');
  }

  /** The function's log never shows a ResponseURL signature or the given secrets. */
  assertLogsFreeOf(secrets: string[]): void {
    const text = this.logs.text();
    assert.ok(this.logs.lines.length > 0, 'the function logged nothing (is the log captured?)');
    for (const sig of this.responses.signatures.values())
      assert.ok(!text.includes(sig), 'a ResponseURL signature was logged');
    for (const s of secrets) assert.ok(!text.includes(s), 'a secret value was logged');
  }
}

export async function startCfnHarness(options: CfnHarnessOptions = {}): Promise<CfnHarness> {
  return new CfnHarness(options).start();
}

/** Polls `check` until it returns a value (not undefined/false) or the time is up. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
