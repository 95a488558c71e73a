// The AWS Query protocol (RDS, and any other Query service): form-encoded parameters in, XML out.
// Lists arrive flattened as `Name.<locationName>.N` (the model's member locationName, which the SDKs
// and the AWS CLI use) or `Name.member.N` (when the model names none); both spellings are accepted.

import type { EmulatorRequest, EmulatorResponse } from '../service.ts';
import { escapeXml } from './xml.ts';

/** A request's parameters, decoded once: body (form) and query string merged, body winning. */
export class QueryParams {
  private readonly values: Map<string, string>;

  constructor(values: Map<string, string>) {
    this.values = values;
  }

  static fromRequest(req: EmulatorRequest): QueryParams {
    const values = new Map<string, string>();
    for (const [k, v] of req.query) values.set(k, v);
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    const isForm = contentType === '' || contentType.startsWith('application/x-www-form-urlencoded');
    if (req.body.length > 0 && isForm) {
      for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) values.set(k, v);
    }
    return new QueryParams(values);
  }

  get action(): string | undefined {
    return this.values.get('Action');
  }

  get version(): string | undefined {
    return this.values.get('Version');
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  string(name: string): string | undefined {
    return this.values.get(name);
  }

  /** Booleans are `true`/`false` on the wire; anything else is a client error. */
  boolean(name: string): boolean | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (v.toLowerCase() === 'true') return true;
    if (v.toLowerCase() === 'false') return false;
    throw new QueryInputError(name, `Invalid boolean value ${JSON.stringify(v)}`);
  }

  integer(name: string): number | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v)) throw new QueryInputError(name, `Invalid integer value ${JSON.stringify(v)}`);
    return Number(v);
  }

  /** A decimal number (ACUs come in half steps). */
  number(name: string): number | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (!/^-?\d+(\.\d+)?$/.test(v))
      throw new QueryInputError(name, `Invalid number value ${JSON.stringify(v)}`);
    return Number(v);
  }

  timestamp(name: string): Date | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    // The SDKs send ISO-8601; epoch seconds are allowed by the protocol too.
    const d = /^\d+(\.\d+)?$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
    if (Number.isNaN(d.getTime())) throw new QueryInputError(name, `Invalid timestamp ${JSON.stringify(v)}`);
    return d;
  }

  /** The indexes N present under `prefix.N…`, in numeric order. */
  private indexes(prefix: string): number[] {
    const found = new Set<number>();
    const head = `${prefix}.`;
    for (const key of this.values.keys()) {
      if (!key.startsWith(head)) continue;
      const n = Number(key.slice(head.length).split('.')[0]);
      if (Number.isInteger(n) && n > 0) found.add(n);
    }
    return [...found].sort((a, b) => a - b);
  }

  /** Which flattening the client used for list `name`, given the model's member locationName. */
  private listPrefix(name: string, locationName: string | undefined): string | undefined {
    for (const item of [locationName, 'member']) {
      if (item && this.indexes(`${name}.${item}`).length > 0) return `${name}.${item}`;
    }
    return undefined;
  }

  /** A list of scalars: `name.<locationName>.N` or `name.member.N`. */
  stringList(name: string, locationName?: string): string[] | undefined {
    const prefix = this.listPrefix(name, locationName);
    if (!prefix) return this.values.has(name) ? [] : undefined;
    return this.indexes(prefix).map((n) => this.values.get(`${prefix}.${n}`) ?? '');
  }

  /** A list of structures: each item is read through a QueryParams scoped to its prefix. */
  structList<T>(
    name: string,
    locationName: string | undefined,
    read: (item: QueryParams) => T,
  ): T[] | undefined {
    const prefix = this.listPrefix(name, locationName);
    if (!prefix) return this.values.has(name) ? [] : undefined;
    return this.indexes(prefix).map((n) => read(this.scoped(`${prefix}.${n}`)));
  }

  private scoped(prefix: string): QueryParams {
    const head = `${prefix}.`;
    const values = new Map<string, string>();
    for (const [k, v] of this.values) if (k.startsWith(head)) values.set(k.slice(head.length), v);
    return new QueryParams(values);
  }
}

/** A malformed parameter value; answered as InvalidParameterValue. */
export class QueryInputError extends Error {
  constructor(
    readonly parameter: string,
    problem: string,
  ) {
    super(`${problem} for parameter ${parameter}`);
  }
}

const XML_HEADERS = { 'content-type': 'text/xml' };

/** `<ActionResponse xmlns><ActionResult>…</ActionResult><ResponseMetadata>…` (no Result for void actions). */
export function queryResponse(
  action: string,
  namespace: string,
  requestId: string,
  resultXml: string | undefined,
): EmulatorResponse {
  const result = resultXml === undefined ? '' : `<${action}Result>${resultXml}</${action}Result>`;
  const body =
    `<${action}Response xmlns="${escapeXml(namespace)}">${result}` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { ...XML_HEADERS, 'x-amzn-requestid': requestId }, body };
}

/** `<ErrorResponse><Error><Type>Sender|Receiver</Type><Code>…` with the fault's HTTP status. */
export function queryError(
  namespace: string,
  requestId: string,
  code: string,
  message: string,
  status: number,
): EmulatorResponse {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="${escapeXml(namespace)}"><Error><Type>${type}</Type>` +
    `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`;
  return { status, headers: { ...XML_HEADERS, 'x-amzn-requestid': requestId }, body };
}
