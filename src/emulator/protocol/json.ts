// The awsJson1.0 / awsJson1.1 wire protocol shared by Secrets Manager, SSM, EventBridge and KMS:
// POST / with `X-Amz-Target: <Prefix>.<Action>` and a JSON body; errors are HTTP 4xx/5xx with
// `{"__type": code, "message": …}` and the `x-amzn-ErrorType` header. The SDK v3 takes the code from
// that header first, then `code`, then `__type` (everything after `#` and before `:`), and the
// message from `message` or `Message`. Timestamps travel as epoch seconds (the SDK's default).

import type { EmulatedService, EmulatorContext, EmulatorRequest, EmulatorResponse } from '../service.ts';

export type JsonVersion = '1.0' | '1.1';
export type JsonObject = Record<string, unknown>;

/** An error answer in AWS terms: the wire code clients match, the message, the HTTP status. */
export class AwsServiceError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'AwsServiceError';
    this.code = code;
    this.status = status;
  }
}

/** Coral's answer when a required member is missing (the SDK v3 does not check this client-side). */
export function missingMember(member: string): AwsServiceError {
  return new AwsServiceError(
    'ValidationException',
    `1 validation error detected: Value null at '${lowerFirst(member)}' failed to satisfy constraint: Member must not be null`,
  );
}

export function invalidMember(member: string, value: unknown, constraint: string): AwsServiceError {
  return new AwsServiceError(
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${lowerFirst(member)}' failed to satisfy constraint: ${constraint}`,
  );
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** `{Prefix, Action}` from X-Amz-Target, or undefined when the header is absent or malformed. */
export function jsonTarget(req: EmulatorRequest): { prefix: string; action: string } | undefined {
  const target = req.headers['x-amz-target'];
  if (!target) return undefined;
  const dot = target.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return { prefix: target.slice(0, dot), action: target.slice(dot + 1) };
}

export function parseJsonBody(req: EmulatorRequest): JsonObject {
  const text = req.body.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AwsServiceError(
      'SerializationException',
      'Start of structure or map found where not expected.',
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsServiceError(
      'SerializationException',
      'Start of structure or map found where not expected.',
    );
  }
  return parsed as JsonObject;
}

export function jsonResponse(
  ctx: EmulatorContext,
  version: JsonVersion,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): EmulatorResponse {
  return {
    status,
    headers: {
      'content-type': `application/x-amz-json-${version}`,
      'x-amzn-requestid': ctx.requestId(),
      ...extraHeaders,
    },
    body: JSON.stringify(body ?? {}),
  };
}

export function jsonErrorResponse(
  ctx: EmulatorContext,
  version: JsonVersion,
  code: string,
  message: string,
  status = 400,
): EmulatorResponse {
  return jsonResponse(ctx, version, status, { __type: code, message }, { 'x-amzn-errortype': code });
}

/** Epoch seconds with milliseconds, as awsJson timestamps are encoded. */
export function epochSeconds(d: Date): number {
  return d.getTime() / 1000;
}

// Typed readers for request members: a wrong type is a SerializationException on AWS too.

export function optString(input: JsonObject, member: string): string | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw new AwsServiceError('SerializationException', `${member}: expected a string`);
  return v;
}

export function reqString(input: JsonObject, member: string): string {
  const v = optString(input, member);
  if (v === undefined) throw missingMember(member);
  return v;
}

export function optNumber(input: JsonObject, member: string): number | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new AwsServiceError('SerializationException', `${member}: expected a number`);
  }
  return v;
}

export function optBoolean(input: JsonObject, member: string): boolean | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean')
    throw new AwsServiceError('SerializationException', `${member}: expected a boolean`);
  return v;
}

export function optArray(input: JsonObject, member: string): unknown[] | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new AwsServiceError('SerializationException', `${member}: expected a list`);
  return v;
}

export function optObjects(input: JsonObject, member: string): JsonObject[] | undefined {
  const list = optArray(input, member);
  if (!list) return undefined;
  for (const item of list) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      throw new AwsServiceError('SerializationException', `${member}: expected a list of structures`);
    }
  }
  return list as JsonObject[];
}

export function optStringList(input: JsonObject, member: string): string[] | undefined {
  const list = optArray(input, member);
  if (list?.some((x) => typeof x !== 'string')) {
    throw new AwsServiceError('SerializationException', `${member}: expected a list of strings`);
  }
  return list as string[] | undefined;
}

/** Opaque NextToken for list calls that page over a stable, sorted list. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

/** The offset inside a NextToken; `errorCode` is the service's own name for a bad token. */
export function decodePageToken(token: string, errorCode: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the error below
  }
  throw new AwsServiceError(errorCode, 'The specified token is not valid.');
}

/** `[{<keyName>, <valueName>}]` → pairs, as Secrets Manager ({Key, Value}) and KMS ({TagKey, TagValue}) send tags. */
export function readTags(
  input: JsonObject,
  member: string,
  keyName = 'Key',
  valueName = 'Value',
): [string, string][] {
  const list = optObjects(input, member) ?? [];
  return list.map((t) => [reqString(t, keyName), optString(t, valueName) ?? '']);
}

export type JsonAction = (input: JsonObject, req: EmulatorRequest) => unknown | Promise<unknown>;

export interface JsonServiceOptions {
  name: string;
  /** X-Amz-Target prefix, e.g. `secretsmanager`, `AmazonSSM`, `TrentService`. */
  targetPrefix: string;
  version: JsonVersion;
  ctx: EmulatorContext;
}

/**
 * Base of every awsJson service: matching on the target prefix, dispatch to one method per action,
 * and turning thrown AwsServiceErrors into the protocol's error answer. Subclasses hold the state.
 */
export abstract class JsonService implements EmulatedService {
  readonly name: string;
  protected readonly ctx: EmulatorContext;
  private readonly targetPrefix: string;
  private readonly version: JsonVersion;

  constructor(opts: JsonServiceOptions) {
    this.name = opts.name;
    this.ctx = opts.ctx;
    this.targetPrefix = opts.targetPrefix;
    this.version = opts.version;
  }

  /** Action name → implementation. */
  protected abstract actions(): Record<string, JsonAction>;
  abstract reset(): void;

  matches(req: EmulatorRequest): boolean {
    return req.method === 'POST' && jsonTarget(req)?.prefix === this.targetPrefix;
  }

  actionOf(req: EmulatorRequest): string {
    return jsonTarget(req)?.action ?? 'Unknown';
  }

  async handle(req: EmulatorRequest): Promise<EmulatorResponse> {
    const action = this.actionOf(req);
    const table = this.actions();
    const impl = Object.hasOwn(table, action) ? table[action] : undefined;
    try {
      if (!impl)
        throw new AwsServiceError('UnknownOperationException', `Operation ${action} is not supported`);
      const output = await impl(parseJsonBody(req), req);
      return jsonResponse(this.ctx, this.version, 200, output ?? {});
    } catch (err) {
      if (err instanceof AwsServiceError) return this.errorResponse(err.code, err.message, err.status);
      const message = err instanceof Error ? err.message : String(err);
      return this.errorResponse('InternalFailure', message, 500);
    }
  }

  errorResponse(code: string, message: string, status: number): EmulatorResponse {
    return jsonErrorResponse(this.ctx, this.version, code, message, status);
  }
}

/**
 * A JSON service whose whole state is one record per Region: reset, the --state snapshot
 * (`{ regions }`) and its restore are the same for all of them.
 */
export abstract class RegionalJsonService<R> extends JsonService {
  private regions: Record<string, R> = {};

  /** The state of a Region no request has touched yet. */
  protected abstract emptyRegion(): R;

  protected regionState(region: string): R {
    this.regions[region] ??= this.emptyRegion();
    return this.regions[region]!;
  }

  reset(): void {
    this.regions = {};
  }

  snapshot(): unknown {
    return { regions: structuredClone(this.regions) };
  }

  restore(state: unknown): void {
    this.regions = structuredClone((state as { regions?: Record<string, R> } | undefined)?.regions ?? {});
  }
}
