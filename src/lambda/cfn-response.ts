// The CloudFormation custom resource response protocol: one PUT of a JSON document to the
// presigned ResponseURL, with an empty content type (the URL was signed without one), a body
// under 4096 bytes and a non-empty PhysicalResourceId of at most 1 KB. Only the URL's origin and
// path are ever logged: its query string is a credential.
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AcmError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { backoffDelay } from '../util/retry.ts';

export type RequestType = 'Create' | 'Update' | 'Delete';

export interface CfnRequest {
  RequestType: RequestType;
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  ResourceType: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceProperties: Record<string, unknown>;
  OldResourceProperties?: Record<string, unknown>;
  ServiceToken?: string;
}

export interface CfnResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  NoEcho?: boolean;
  Data?: Record<string, string>;
}

export interface Outcome {
  status: 'SUCCESS' | 'FAILED';
  reason?: string;
  physicalResourceId: string;
  data?: Record<string, string>;
}

export const MAX_BODY_BYTES = 4095;
export const MAX_PHYSICAL_ID_BYTES = 1024;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export function isCfnRequest(event: unknown): event is CfnRequest {
  const e = event as Partial<CfnRequest> | null;
  return (
    !!e &&
    typeof e === 'object' &&
    typeof e.ResponseURL === 'string' &&
    (e.RequestType === 'Create' || e.RequestType === 'Update' || e.RequestType === 'Delete')
  );
}

/** A physical id CloudFormation accepts: non-empty and at most 1 KB (a hash stands in for longer ones). */
export function safePhysicalId(id: string | undefined, fallback: string): string {
  const v = id && id.length > 0 ? id : fallback;
  if (bytes(v) <= MAX_PHYSICAL_ID_BYTES) return v;
  return `aurora-clone-manager:sha256:${createHash('sha256').update(v).digest('hex')}`;
}

/**
 * The response body, made to fit: the Reason is shortened first, then the largest Data values are
 * dropped (named in the Reason) until the document is under 4096 bytes.
 */
export function responseBody(req: CfnRequest, outcome: Outcome): string {
  const response: CfnResponse = {
    Status: outcome.status,
    PhysicalResourceId: safePhysicalId(outcome.physicalResourceId, `aurora-clone-manager:${req.RequestId}`),
    StackId: req.StackId,
    RequestId: req.RequestId,
    LogicalResourceId: req.LogicalResourceId,
  };
  if (outcome.reason !== undefined || outcome.status === 'FAILED')
    response.Reason = outcome.reason || 'failed';
  if (outcome.data && Object.keys(outcome.data).length > 0) response.Data = { ...outcome.data };

  let body = JSON.stringify(response);
  if (bytes(body) <= MAX_BODY_BYTES) return body;

  const dropped: string[] = [];
  const fitReason = () => {
    if (response.Reason === undefined) return;
    const others = bytes(JSON.stringify({ ...response, Reason: '' }));
    const room = MAX_BODY_BYTES - others - 32;
    response.Reason = truncate(response.Reason, Math.max(room, 0));
  };
  fitReason();
  body = JSON.stringify(response);
  while (bytes(body) > MAX_BODY_BYTES && response.Data && Object.keys(response.Data).length > 0) {
    const [largest] = Object.entries(response.Data).sort((a, b) => bytes(b[1]) - bytes(a[1]));
    delete response.Data[largest![0]];
    dropped.push(largest![0]);
    response.Reason = `${response.Reason ? `${response.Reason} ` : ''}(Data too large for CloudFormation; dropped ${dropped.join(', ')})`;
    fitReason();
    body = JSON.stringify(response);
  }
  return body;
}

/** At most `maxBytes` UTF-8 bytes, ending in an ellipsis when cut. */
export function truncate(text: string, maxBytes: number): string {
  if (bytes(text) <= maxBytes) return text;
  const suffix = '… (truncated)';
  let cut = text.slice(0, Math.max(0, maxBytes - bytes(suffix)));
  while (cut.length > 0 && bytes(cut) + bytes(suffix) > maxBytes) cut = cut.slice(0, -1);
  return cut + suffix;
}

/** The URL without its query string, fit for a log line. */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?[REDACTED]`;
}

export class ResponseDeliveryError extends AcmError {}

export interface PutOptions {
  logger: Logger;
  attempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * The time left for delivering (the invocation's remaining time, less what it needs to return).
   * No attempt starts, and no attempt or wait lasts, beyond it: Lambda retries an invocation that
   * ran out of time, and an answer landing after that would be a second one. Out of time, the PUT
   * fails, and with it the invocation, whose retry answers.
   */
  timeLeftMs?: () => number;
}

/** An attempt needs at least this much time left to be worth starting. */
export const MIN_ATTEMPT_MS = 100;

/** PUTs the body, retrying network errors and 5xx answers with jittered backoff, within the time left. */
export async function putResponse(url: string, body: string, options: PutOptions): Promise<void> {
  const attempts = options.attempts ?? 5;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const timeLeft = options.timeLeftMs ?? (() => Number.POSITIVE_INFINITY);
  const notDelivered = (attempt: number, err: unknown): ResponseDeliveryError => {
    options.logger.error('response not delivered', { url: loggableUrl(url), error: String(err), attempt });
    return err instanceof ResponseDeliveryError
      ? err
      : new ResponseDeliveryError(`could not PUT the response: ${String(err)}`, {}, { cause: err });
  };
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    const left = timeLeft();
    if (left < MIN_ATTEMPT_MS) {
      throw notDelivered(
        attempt,
        new ResponseDeliveryError(
          `no time left in the invocation to PUT the response (${Math.max(0, Math.floor(left))} ms)${lastError ? ` after: ${String(lastError)}` : ''}`,
          {},
        ),
      );
    }
    let status: number;
    try {
      status = await putOnce(url, body, Math.min(options.timeoutMs ?? 10_000, left));
    } catch (err) {
      status = 0;
      lastError = err;
    }
    if (status >= 200 && status < 300) {
      options.logger.info('response delivered', { url: loggableUrl(url), status, bytes: bytes(body) });
      return;
    }
    if (status !== 0)
      lastError = new ResponseDeliveryError(`ResponseURL answered HTTP ${status}`, { status });
    // A 4xx will not change (an expired or mangled URL); network errors and 5xx may.
    if ((status > 0 && status < 500) || attempt + 1 >= attempts) throw notDelivered(attempt, lastError);
    const delay = backoffDelay(attempt, options.baseDelayMs ?? 250, 5_000);
    if (timeLeft() - delay < MIN_ATTEMPT_MS) {
      throw notDelivered(
        attempt,
        new ResponseDeliveryError(
          `no time left in the invocation to retry the PUT of the response after: ${String(lastError)}`,
          {},
        ),
      );
    }
    options.logger.warn('response delivery failed, retrying', {
      url: loggableUrl(url),
      error: String(lastError),
      attempt,
    });
    await sleep(delay);
  }
}

function putOnce(url: string, body: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const send = u.protocol === 'http:' ? httpRequest : httpsRequest;
    const req = send(
      u,
      {
        method: 'PUT',
        // Empty, not absent: the presigned URL was signed for an empty content type.
        headers: { 'content-type': '', 'content-length': bytes(body) },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
