// Emulated Amazon DynamoDB (awsJson1.0, target prefix `DynamoDB_20120810`), served by dynalite, a
// faithful in-memory implementation of DynamoDB's API (expressions, conditional writes with
// ConditionalCheckFailedException, indexes, validation messages). Writing our own would be weeks of
// work for a worse result.
//
// dynalite is an http.Server; we never let it listen. Each request is replayed into its 'request'
// listener through an in-memory request/response pair, so DynamoDB goes through the same
// EmulatedService.handle path as every other service (stats, fault injection) with no change to
// the server. One dynalite instance per region keeps regions apart and puts the right region and
// account in table ARNs.
//
// DynamoDB state is NOT part of --state: dynalite keeps it in its own in-memory store, so snapshot()
// and restore() are deliberately absent and tables are lost when the emulator restarts.

import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { jsonErrorResponse, jsonTarget } from '../protocol/json.ts';
import type { EmulatedService, EmulatorContext, EmulatorRequest, EmulatorResponse } from '../service.ts';

type RequestListener = (req: unknown, res: unknown) => void;
interface DynaliteServer {
  listeners(event: 'request'): RequestListener[];
}
type Dynalite = (options: {
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}) => DynaliteServer;

// dynalite is CommonJS without type declarations.
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

export interface DynamoDbOptions {
  /** How long tables stay CREATING / DELETING / UPDATING; 0 makes them ACTIVE at once. */
  tableTransitionMs?: number;
}

const TARGET_PREFIX = 'DynamoDB_20120810';

export class DynamoDbService implements EmulatedService {
  readonly name = 'dynamodb';
  private instances = new Map<string, RequestListener>();

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly options: DynamoDbOptions = {},
  ) {}

  matches(req: EmulatorRequest): boolean {
    return req.method === 'POST' && jsonTarget(req)?.prefix === TARGET_PREFIX;
  }

  actionOf(req: EmulatorRequest): string {
    return jsonTarget(req)?.action ?? 'Unknown';
  }

  /** Drops every table in every region (the old dynalite stores are left to the garbage collector). */
  reset(): void {
    this.instances = new Map();
  }

  errorResponse(code: string, message: string, status: number): EmulatorResponse {
    return jsonErrorResponse(this.ctx, '1.0', code, message, status);
  }

  async handle(req: EmulatorRequest): Promise<EmulatorResponse> {
    const res = await this.dynalite(req, req.body);
    return this.withOldItem(req, res);
  }

  /**
   * ReturnValuesOnConditionCheckFailure ALL_OLD (DynamoDB, 2023; dynalite predates it): a failed
   * condition's answer carries the item as it stood, read right after the refusal.
   */
  private async withOldItem(req: EmulatorRequest, res: EmulatorResponse): Promise<EmulatorResponse> {
    if (res.status !== 400 || !WRITES_WITH_CONDITION.has(this.actionOf(req))) return res;
    const asked = parseBody(req.body);
    if (asked?.['ReturnValuesOnConditionCheckFailure'] !== 'ALL_OLD') return res;
    const error = parseBody(res.body);
    if (!String(error?.['__type'] ?? '').endsWith('#ConditionalCheckFailedException')) return res;
    const get = Buffer.from(
      JSON.stringify({ TableName: asked['TableName'], Key: asked['Key'], ConsistentRead: true }),
    );
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([k]) => !['x-amz-target', 'content-length'].includes(k.toLowerCase()),
      ),
    );
    const read = await this.dynalite(
      { ...req, headers: { ...headers, 'x-amz-target': `${TARGET_PREFIX}.GetItem` } },
      get,
    );
    const item = parseBody(read.body)?.['Item'];
    if (read.status !== 200 || item === undefined) return res;
    return { ...res, body: Buffer.from(JSON.stringify({ ...error, Item: item })) };
  }

  private dynalite(req: EmulatorRequest, body: Buffer): Promise<EmulatorResponse> {
    const listener = this.instanceFor(req.region);
    return new Promise((resolve) => {
      // An EventEmitter rather than a stream: its 'data' and 'end' are emitted here, synchronously,
      // so an exception dynalite throws while validating becomes an error answer, not a crash.
      const incoming = Object.assign(new EventEmitter(), {
        method: req.method,
        url: req.query.size > 0 ? `${req.path}?${req.query.toString()}` : req.path,
        headers: lowerCaseHeaders(req.headers),
      });
      listener(incoming, new CapturedResponse(resolve));
      try {
        if (body.length > 0) incoming.emit('data', body);
        incoming.emit('end');
      } catch (err) {
        resolve(this.errorResponse('InternalFailure', err instanceof Error ? err.message : String(err), 500));
      }
    });
  }

  private instanceFor(region: string): RequestListener {
    let listener = this.instances.get(region);
    if (!listener) {
      listener = createInstance(region, this.ctx.accountId, this.options.tableTransitionMs ?? 0);
      this.instances.set(region, listener);
    }
    return listener;
  }
}

const WRITES_WITH_CONDITION = new Set(['UpdateItem', 'PutItem', 'DeleteItem']);

function parseBody(body: string | Buffer | undefined): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(String(body ?? '')) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * dynalite reads the region and account it puts in ARNs from the environment when its store is
 * created, and offers no option for them; so they are set for the duration of that synchronous call.
 */
function createInstance(region: string, accountId: string, transitionMs: number): RequestListener {
  const saved = { region: process.env['AWS_REGION'], account: process.env['AWS_ACCOUNT_ID'] };
  process.env['AWS_REGION'] = region;
  process.env['AWS_ACCOUNT_ID'] = accountId;
  try {
    const server = dynalite({
      createTableMs: transitionMs,
      deleteTableMs: transitionMs,
      updateTableMs: transitionMs,
    });
    const listener = server.listeners('request')[0];
    if (!listener) throw new Error('dynalite created a server without a request listener');
    return listener;
  } finally {
    restoreEnv('AWS_REGION', saved.region);
    restoreEnv('AWS_ACCOUNT_ID', saved.account);
  }
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

function lowerCaseHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

/** The part of http.ServerResponse dynalite uses, collecting the answer instead of writing a socket. */
class CapturedResponse {
  statusCode = 200;
  /** dynalite stores the negotiated content type here between its own calls. */
  contentType = 'application/x-amz-json-1.0';
  private readonly headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];

  constructor(private readonly done: (res: EmulatorResponse) => void) {}

  setHeader(name: string, value: string | number): void {
    this.headers[name.toLowerCase()] = String(value);
  }

  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  removeHeader(name: string): void {
    delete this.headers[name.toLowerCase()];
  }

  write(chunk: string | Buffer): boolean {
    this.chunks.push(Buffer.from(chunk));
    return true;
  }

  end(chunk?: string | Buffer): void {
    if (chunk !== undefined) this.write(chunk);
    // Length and framing are the real server's business once it writes the body.
    delete this.headers['content-length'];
    delete this.headers['transfer-encoding'];
    this.done({ status: this.statusCode, headers: this.headers, body: Buffer.concat(this.chunks) });
  }
}
