// How a command's result is printed: `--output table` (for people, the default), `json` (the result
// itself; `--json` is the same), `text` (tab-separated, one record a line, for awk and cut) or `env`
// (KEY=value lines a CI step can source: connection details of one clone).
import { ValidationError } from '../util/errors.ts';
import type { Flags } from './args.ts';
import type { Io } from './io.ts';

export const OUTPUT_FORMATS = ['table', 'json', 'text', 'env'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** One result, ready for each format a command supports. */
export interface Rendering {
  json: unknown;
  table: () => string;
  /** Default: the JSON value as tab-separated text. */
  text?: () => string;
  /** Only for commands that describe one clone. */
  env?: () => Promise<string> | string;
}

/** The commands that describe one clone, so can print its connection details. */
const ENV_COMMANDS = ['clone', 'get'];

/** The format the user asked for; `env` only where the command can print connection details. */
export function outputFormat(flags: Flags, envCommands: readonly string[] = ENV_COMMANDS): OutputFormat {
  const asked = flags.string('output');
  if (asked !== undefined && flags.bool('json') && asked !== 'json') {
    throw new ValidationError('--json', `contradicts --output ${asked} (--json is --output json)`);
  }
  const format = asked ?? (flags.bool('json') ? 'json' : 'table');
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new ValidationError('--output', `"${format}" is not one of ${OUTPUT_FORMATS.join(', ')}`);
  }
  if (format === 'env' && !envCommands.includes(flags.command)) {
    throw new ValidationError(
      '--output',
      `env prints one clone's connection details: only for ${envCommands.length ? envCommands.join(' and ') : 'clone and get'}`,
    );
  }
  return format as OutputFormat;
}

export async function render(io: Io, format: OutputFormat, r: Rendering): Promise<void> {
  switch (format) {
    case 'json':
      io.stdout(`${JSON.stringify(r.json, null, 2)}\n`);
      return;
    case 'text':
      io.stdout(r.text ? r.text() : textOf(r.json));
      return;
    case 'env':
      io.stdout(r.env ? await r.env() : '');
      return;
    default:
      io.stdout(r.table());
  }
}

/** Tab-separated: an array as one line per element, an object as one `key<TAB>value` line per field. */
export function textOf(value: unknown): string {
  if (Array.isArray(value))
    return value
      .map(
        (v) =>
          `${fieldsOf(v)
            .map(([, x]) => x)
            .join('\t')}\n`,
      )
      .join('');
  return fieldsOf(value)
    .map(([k, v]) => `${k}\t${v}\n`)
    .join('');
}

/** The scalar fields of a record (nested objects and lists are for --output json). */
function fieldsOf(value: unknown): [string, string][] {
  if (value === null || typeof value !== 'object') return [['value', String(value)]];
  return Object.entries(value)
    .filter(([, v]) => v === null || typeof v !== 'object')
    .map(([k, v]) => [k, v === undefined || v === null ? '' : String(v).replace(/[\t\n]/g, ' ')]);
}

/** `KEY=value` lines for a shell's `source`/`eval` and GitHub's $GITHUB_ENV; values quoted when needed. */
export function envLines(pairs: [string, string | number | undefined][]): string {
  return pairs
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${shellQuote(String(v))}\n`)
    .join('');
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+,=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
