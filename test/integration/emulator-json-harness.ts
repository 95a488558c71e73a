// A minimal HTTP front for the JSON-protocol services, so their tests run through real SDK v3
// clients and the AWS CLI independently of the emulator's main server. It does what the server
// does for them: collect the body, take the region from the SigV4 scope, ask each service.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorContext, EmulatorRequest } from '../../src/emulator/service.ts';
import {
  buildJsonServices,
  type JsonServices,
  type JsonServicesOptions,
} from '../../src/emulator/services/json-services.ts';
import type { Clock } from '../../src/util/clock.ts';
import { systemClock } from '../../src/util/clock.ts';

export const ACCOUNT_ID = '123456789012';

export interface JsonEmulator {
  url: string;
  services: JsonServices;
  ctx: EmulatorContext;
  /** What an SDK v3 client needs to talk to this emulator. */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    maxAttempts: number;
  };
  close(): Promise<void>;
}

export async function startJsonEmulator(
  options: JsonServicesOptions & { clock?: Clock } = {},
): Promise<JsonEmulator> {
  const ctx: EmulatorContext = {
    clock: options.clock ?? systemClock,
    accountId: ACCOUNT_ID,
    defaultRegion: 'us-east-1',
    requestId: () => randomUUID(),
  };
  const services = buildJsonServices(ctx, options);
  const list = Object.values(services);
  const server = createServer((req, res) => {
    void (async () => {
      const request = await toEmulatorRequest(req, ctx.defaultRegion);
      const service = list.find((s) => s.matches(request));
      const answer = service
        ? await service.handle(request)
        : { status: 404, headers: {}, body: `no service for ${request.method} ${request.path}` };
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    services,
    ctx,
    clientConfig: {
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function toEmulatorRequest(req: IncomingMessage, defaultRegion: string): Promise<EmulatorRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(headers['authorization'] ?? '');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: Buffer.concat(chunks),
    region: scope?.[1] ?? defaultRegion,
    ...(scope?.[2] ? { signingService: scope[2] } : {}),
  };
}
