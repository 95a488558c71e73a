// Parsing flags at the edge. The rules for their values live in src/validation; here every problem
// is named by the flag, so the top-level catch prints one line and exits 2. Nothing here talks to AWS.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ValidationError } from '../util/errors.ts';
import {
  checkClusterId,
  checkDuration,
  checkInstant,
  checkTags,
  parseWholeNumber,
  wholeNumberIn,
} from '../validation/index.ts';
import { didYouMean } from './suggest.ts';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
type Value = string | boolean | (string | boolean)[] | undefined;

/** Options every command accepts. */
export const OUTPUT_OPTIONS = {
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

/** Options of every command that talks to AWS (or an emulator of it). */
export const COMMON_OPTIONS = {
  'endpoint-url': { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
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

  /** The flag's value checked by `rule`, which names the flag on error. */
  value<T>(name: string, rule: (value: string, field: string) => T): T | undefined {
    const v = this.string(name);
    return v === undefined ? undefined : rule(v, `--${name}`);
  }

  identifier(name: string): string | undefined {
    const v = this.string(name);
    return v === undefined ? undefined : checkClusterId(v, `--${name}`);
  }

  requiredIdentifier(name: string): string {
    return checkClusterId(this.required(name), `--${name}`);
  }

  /** Milliseconds. */
  duration(name: string): number | undefined {
    const v = this.string(name);
    return v === undefined ? undefined : checkDuration(v, `--${name}`);
  }

  instant(name: string): Date | undefined {
    const v = this.string(name);
    return v === undefined ? undefined : checkInstant(v, `--${name}`);
  }

  /** A whole number, its range checked by the caller's rule. */
  wholeNumber(name: string): number | undefined {
    const v = this.string(name);
    return v === undefined ? undefined : parseWholeNumber(v, `--${name}`);
  }

  integer(name: string, min: number, max?: number): number | undefined {
    const n = this.wholeNumber(name);
    return n === undefined ? undefined : wholeNumberIn(n, `--${name}`, min, max);
  }
}

/**
 * Parse argv for one command; unknown flags, missing values, a flag given twice that takes one value,
 * and stray arguments name what was wrong.
 */
export function parseFlags(
  command: string,
  argv: string[],
  options: OptionSpecs,
  maxPositionals = 0,
  common: OptionSpecs = COMMON_OPTIONS,
): Flags {
  const specs = { ...common, ...options };
  let parsed: {
    values: Record<string, Value>;
    positionals: string[];
    tokens: { kind: string; name?: string }[];
  };
  try {
    parsed = parseArgs({ args: argv, options: specs, strict: true, allowPositionals: true, tokens: true });
  } catch (err) {
    throw translateParseError(command, err, specs);
  }
  const flags = new Flags(command, parsed.values, parsed.positionals);
  // --help wins over everything else, so stray arguments and repeated flags do not hide it.
  if (flags.bool('help')) return flags;
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || token.name === undefined || specs[token.name]?.multiple) continue;
    if (seen.has(token.name)) {
      throw new ValidationError(
        `--${token.name}`,
        `is given more than once (it takes one ${specs[token.name]?.type === 'boolean' ? 'switch' : 'value'})`,
      );
    }
    seen.add(token.name);
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals]!;
    throw new ValidationError(
      `argument "${extra}"`,
      `unexpected (see aurora-clone-manager ${command} --help)`,
    );
  }
  return flags;
}

function translateParseError(command: string, err: unknown, specs: OptionSpecs): unknown {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? '';
  const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? 'option';
  const seeHelp = `see aurora-clone-manager ${command} --help`;
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new ValidationError(
        flag,
        `unknown option for "${command}"${didYouMean(flag.replace(/^-+/, ''), Object.keys(specs), (n) => `--${n}`)} (${seeHelp})`,
      );
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

/** `--tag k=v`, repeated: the pairs as a map, checked by the tag rules. */
export function parseTags(field: string, entries: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new ValidationError(field, `"${entry}" must have the form key=value`);
    const key = entry.slice(0, eq).trim();
    if (key === '') throw new ValidationError(field, `"${entry}" has an empty key`);
    if (Object.hasOwn(tags, key)) throw new ValidationError(field, `key "${key}" is given twice`);
    Object.defineProperty(tags, key, { value: entry.slice(eq + 1), enumerable: true, writable: true });
  }
  return checkTags(tags, field);
}
