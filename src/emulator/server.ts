// The emulator's HTTP server: parses each request once, hands it to the service that claims it
// (after fault injection), records stats, persists state, and serves the /_emulator/* control API.
// Binds to loopback unless told otherwise.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultInjector } from './faults.ts';
import { escapeXml } from './protocol/xml.ts';
import type { EmulatedService, EmulatorContext, EmulatorRequest, EmulatorResponse } from './service.ts';
import { credentialScope } from './sigv4.ts';
import { servicesJson, stateDocument, writeStateAtomically } from './state-file.ts';
import type { RequestStats } from './stats.ts';

/** Request bodies larger than this are refused (no AWS call the emulator serves comes close). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ServerOptions {
  host: string;
  port: number;
  ctx: EmulatorContext;
  services: readonly EmulatedService[];
  faults: FaultInjector;
  stats: RequestStats;
  statePath?: string;
  /** More fields for GET /_emulator/stats (e.g. the RDS accidental full copies). */
  extraStats?: () => Record<string, unknown>;
  /** Where unexpected handler errors are reported. */
  log?: (line: string) => void;
}

export class EmulatorServer {
  private readonly options: ServerOptions;
  private readonly http: Server;
  private lastSaved: string | undefined;
  private boundPort = 0;

  constructor(options: ServerOptions) {
    this.options = options;
    this.http = createServer((req, res) => {
      this.serve(req, res).catch((err: unknown) => {
        this.log(
          `emulator: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end();
      });
    });
    // SDK clients keep connections alive; do not let an idle one hold a request open forever.
    this.http.keepAliveTimeout = 5_000;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.boundPort}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.http.once('error', onError);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', onError);
        resolve();
      });
    });
    this.boundPort = (this.http.address() as AddressInfo).port;
    // Record the starting state, so the first save only happens when something changes.
    if (this.options.statePath)
      this.lastSaved = servicesJson(stateDocument(this.options.services, this.now()));
  }

  async close(): Promise<void> {
    this.persist();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  /** Drop every service's state and the request log. */
  reset(): void {
    for (const s of this.options.services) s.reset();
    this.options.stats.reset(this.now());
    this.persist();
  }

  /** Write the state file if the state changed since the last write. */
  persist(): void {
    const path = this.options.statePath;
    if (!path) return;
    const doc = stateDocument(this.options.services, this.now());
    const json = servicesJson(doc);
    if (json === this.lastSaved) return;
    writeStateAtomically(path, doc);
    this.lastSaved = json;
  }

  statsJson(): Record<string, unknown> {
    return {
      ...this.options.stats.snapshot(),
      faults: this.options.faults.current,
      ...this.options.extraStats?.(),
    };
  }

  private now(): Date {
    return this.options.ctx.clock.now();
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) {
      send(res, { status: 413, headers: { 'content-type': 'text/plain' }, body: 'request body too large' });
      return;
    }
    const request = this.parse(req, body);
    if (request.path.startsWith('/_emulator/')) {
      send(res, this.control(request));
      return;
    }
    send(res, await this.dispatch(request));
  }

  private parse(req: IncomingMessage, body: Buffer): EmulatorRequest {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers))
      headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
    const scope = credentialScope(headers.authorization, url.searchParams);
    return {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers,
      body,
      region: scope?.region ?? this.options.ctx.defaultRegion,
      ...(scope ? { signingService: scope.service } : {}),
    };
  }

  /** One AWS call: find the service, inject faults, answer, count, save. */
  private async dispatch(req: EmulatorRequest): Promise<EmulatorResponse> {
    const service = this.options.services.find((s) => s.matches(req));
    if (!service) {
      this.options.stats.recordUnmatched();
      return unknownServiceError(req, this.options.ctx.requestId());
    }
    const action = service.actionOf(req);
    const { faults, stats } = this.options;
    const delay = faults.latency();
    if (delay > 0) await this.options.ctx.clock.sleep(delay);
    const decision = faults.decide();
    if (decision.kind === 'throttle') {
      stats.record(service.name, action, 'throttled');
      return service.errorResponse('Throttling', 'Rate exceeded', 400);
    }
    if (decision.kind === 'error') {
      stats.record(service.name, action, 'internalFailure');
      return service.errorResponse(
        'InternalFailure',
        'We encountered an internal error. Please try again.',
        500,
      );
    }
    let response: EmulatorResponse;
    try {
      response = await service.handle(req);
    } catch (err) {
      this.log(
        `emulator: ${service.name} ${action} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      response = service.errorResponse('InternalFailure', 'The emulator failed to handle this request.', 500);
    }
    stats.record(service.name, action, response.status >= 400 ? 'error' : 'ok');
    try {
      this.persist();
    } catch (err) {
      this.log(
        `emulator: could not write the state file: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return response;
  }

  /** The control API for tests, benchmarks and operators. */
  private control(req: EmulatorRequest): EmulatorResponse {
    const route = `${req.method} ${req.path}`;
    switch (route) {
      case 'GET /_emulator/stats':
        return json(200, this.statsJson());
      case 'POST /_emulator/reset':
        this.reset();
        return json(200, { reset: true });
      case 'GET /_emulator/health':
        return json(200, { ok: true, services: this.options.services.map((s) => s.name) });
      case 'GET /_emulator/faults':
        return json(200, this.options.faults.current);
      case 'POST /_emulator/faults': {
        try {
          const parsed = JSON.parse(req.body.toString('utf8') || '{}') as Record<string, unknown>;
          this.options.faults.set(pickFaults(parsed));
          return json(200, this.options.faults.current);
        } catch (err) {
          return json(400, { error: err instanceof Error ? err.message : String(err) });
        }
      }
      default:
        return json(404, {
          error: `no such control endpoint: ${route}`,
          endpoints: [
            'GET /_emulator/stats',
            'POST /_emulator/reset',
            'GET /_emulator/health',
            'GET /_emulator/faults',
            'POST /_emulator/faults',
          ],
        });
    }
  }
}

/** Only the known fault fields, each a number; anything else is a typo to report. */
function pickFaults(input: Record<string, unknown>) {
  const known = ['throttleRate', 'errorRate', 'latencyMs', 'jitterMs'];
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(input)) {
    if (!known.includes(k)) throw new Error(`unknown fault setting ${k} (known: ${known.join(', ')})`);
    if (typeof v !== 'number') throw new Error(`${k} must be a number`);
    out[k] = v;
  }
  return out;
}

function json(status: number, value: unknown): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: `${JSON.stringify(value, null, 2)}\n`,
  };
}

/** A request no service claims gets an error in the protocol it looks like, never a crash. */
function unknownServiceError(req: EmulatorRequest, requestId: string): EmulatorResponse {
  const target = req.headers['x-amz-target'];
  const contentType = req.headers['content-type'] ?? '';
  const what = req.signingService ?? target?.split('.')[0] ?? 'this request';
  const message = `The emulator does not serve ${what}.`;
  if (target !== undefined || contentType.includes('json')) {
    return {
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
      body: JSON.stringify({ __type: 'UnknownOperationException', message }),
    };
  }
  return {
    status: 400,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${escapeXml(message)}</Message>` +
      `</Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

function send(res: ServerResponse, r: EmulatorResponse): void {
  const body = r.body ?? '';
  res.writeHead(r.status, {
    ...r.headers,
    'content-length': String(Buffer.byteLength(body)),
    date: new Date().toUTCString(),
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export function newRequestId(): string {
  return randomUUID();
}
