// Parsing and validating flags at the edge. Every problem becomes a ValidationError naming the flag,
// so the top-level catch prints one line and exits 2. Nothing here talks to AWS.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { parseDuration, parseInstant } from '../util/duration.ts';
import { ValidationError } from '../util/errors.ts';
import { identifierProblem } from '../util/identifiers.ts';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
type Value = string | boolean | (string | boolean)[] | undefined;

/** Options every command accepts. */
export const OUTPUT_OPTIONS = {
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

/** Options of every command that talks to AWS (or an emulator of it). */
export const COMMON_OPTIONS = {
  'endpoint-url': { type: 'string' },
  region: { type: 'string' },
  'max-clones-per-source': { type: 'string' },
  'manager-id': { type: 'string' },
  'lease-table': { type: 'string' },
  ...OUTPUT_OPTIONS,
} as const satisfies OptionSpecs;

/** Parsed flags of one command, with typed, validating accessors that name the flag on error. */
export class Flags {
  constructor(
    readonly command: string,
    private readonly values: Record<string, Value>,
    readonly positionals: string[],
  ) {}

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  bool(name: string): boolean {
    return this.values[name] === true;
  }

  string(name: string): string | undefined {
    const v = this.values[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new ValidationError(`--${name}`, 'expects a value');
    if (v.trim() === '') throw new ValidationError(`--${name}`, 'must not be empty');
    return v;
  }

  list(name: string): string[] {
    const v = this.values[name];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v : [v]).map(String);
  }

  required(name: string): string {
    const v = this.string(name);
    if (v === undefined)
      throw new ValidationError(`--${name}`, `is required (see aurora-clone-manager ${this.command} --help)`);
    return v;
  }

  identifier(name: string): string | undefined {
    const v = this.string(name);
    return v === undefined ? undefined : checkIdentifier(`--${name}`, v);
  }

  requiredIdentifier(name: string): string {
    return checkIdentifier(`--${name}`, this.required(name));
  }

  /** Milliseconds. */
  duration(name: string): number | undefined {
    const v = this.string(name);
    return v === undefined ? undefined : checkDuration(`--${name}`, v);
  }

  instant(name: string): Date | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const d = parseInstant(v);
    if (!d)
      throw new ValidationError(`--${name}`, `"${v}" is not an ISO-8601 instant (e.g. 2026-11-25T08:00:00Z)`);
    return d;
  }

  integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = this.string(name);
    return v === undefined ? undefined : checkInteger(`--${name}`, v, min, max);
  }
}

/** Parse argv for one command; unknown flags, missing values and stray arguments name what was wrong. */
export function parseFlags(
  command: string,
  argv: string[],
  options: OptionSpecs,
  maxPositionals = 0,
  common: OptionSpecs = COMMON_OPTIONS,
): Flags {
  let parsed: { values: Record<string, Value>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...common, ...options },
      strict: true,
      allowPositionals: true,
    }) as { values: Record<string, Value>; positionals: string[] };
  } catch (err) {
    throw translateParseError(command, err);
  }
  const flags = new Flags(command, parsed.values, parsed.positionals);
  // --help wins over everything else, so stray arguments do not hide it.
  if (!flags.bool('help') && parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals]!;
    throw new ValidationError(
      `argument "${extra}"`,
      `unexpected (see aurora-clone-manager ${command} --help)`,
    );
  }
  return flags;
}

function translateParseError(command: string, err: unknown): unknown {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? '';
  const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? 'option';
  const seeHelp = `see aurora-clone-manager ${command} --help`;
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new ValidationError(flag, `unknown option for "${command}" (${seeHelp})`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(message))
        return new ValidationError(flag, 'does not take a value');
      if (/ambiguous/.test(message)) {
        return new ValidationError(
          flag,
          `expects a value (for a value starting with "-", write ${flag}=VALUE)`,
        );
      }
      return new ValidationError(flag, 'expects a value');
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new ValidationError('argument', `unexpected (${seeHelp})`);
    default:
      return err;
  }
}

export function checkIdentifier(field: string, value: string): string {
  const problem = identifierProblem(value);
  if (problem) throw new ValidationError(field, `"${value}" is not a valid cluster identifier: ${problem}`);
  return value;
}

export function checkDuration(field: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new ValidationError(
      field,
      `"${value}" is not a duration (ISO-8601 such as P3D or PT8H, or 8h, 30m, 3d)`,
    );
  }
  return ms;
}

export function checkInteger(field: string, value: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(value.trim())) throw new ValidationError(field, `"${value}" is not a whole number`);
  const n = Number(value);
  if (n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`;
    throw new ValidationError(field, `must be ${range} (got ${n})`);
  }
  return n;
}

const RESERVED_TAG_PREFIXES = ['aurora-clone-manager:', 'y.aurora.', 'y.clone-manager', 'aws:'];

/** `--tag k=v`, repeated; keys reserved for the manager or AWS are refused. */
export function parseTags(field: string, entries: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new ValidationError(field, `"${entry}" must have the form key=value`);
    const key = entry.slice(0, eq).trim();
    const value = entry.slice(eq + 1);
    if (key === '') throw new ValidationError(field, `"${entry}" has an empty key`);
    if (key.length > 128)
      throw new ValidationError(field, `key "${key.slice(0, 20)}…" is longer than 128 characters`);
    if (value.length > 256)
      throw new ValidationError(field, `value of "${key}" is longer than 256 characters`);
    const reserved = RESERVED_TAG_PREFIXES.find((p) => key.toLowerCase().startsWith(p));
    if (reserved) throw new ValidationError(field, `key "${key}" uses the reserved prefix "${reserved}"`);
    if (key in tags) throw new ValidationError(field, `key "${key}" is given twice`);
    tags[key] = value;
  }
  return tags;
}

export function checkInstanceClass(field: string, value: string): string {
  if (!/^db\.[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(value)) {
    throw new ValidationError(
      field,
      `"${value}" is not a DB instance class (e.g. db.r6g.large, db.serverless)`,
    );
  }
  return value;
}

export function checkEndpointUrl(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(field, `"${value}" is not a URL (e.g. http://127.0.0.1:4510)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(field, `"${value}" must be an http:// or https:// URL`);
  }
  return value.replace(/\/+$/, '');
}

export function checkRegion(field: string, value: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(value))
    throw new ValidationError(field, `"${value}" is not an AWS region (e.g. eu-west-1)`);
  return value;
}

export function checkManagerId(field: string, value: string): string {
  // It becomes a tag value on everything this deployment creates.
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/=+@-]{0,127}$/.test(value)) {
    throw new ValidationError(
      field,
      `"${value}" must be 1–128 letters, digits or ._:/=+@- (starting with a letter or digit)`,
    );
  }
  return value;
}

export function checkTableName(field: string, value: string): string {
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(value)) {
    throw new ValidationError(
      field,
      `"${value}" is not a DynamoDB table name (3–255 letters, digits, _ . -)`,
    );
  }
  return value;
}
