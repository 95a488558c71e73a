// The `aurora-clone-manager` command: parse and normalise flags, call one function per command with
// a typed options object, and map every error to an exit code and one clear line in one place.
import pkg from '../../package.json' with { type: 'json' };
import { AcmError, AwsUnreachableError, errorCode, errorMessage } from '../util/errors.ts';
import { redact, redactString } from '../util/redact.ts';
import { COMMON_OPTIONS, OUTPUT_OPTIONS, parseFlags } from './args.ts';
import { type Command, commandHelp } from './command.ts';
import { cloneCommand } from './commands/clone.ts';
import { deleteCommand } from './commands/delete.ts';
import { demoCommand } from './commands/demo.ts';
import { extendCommand } from './commands/extend.ts';
import { getCommand } from './commands/get.ts';
import { listCommand } from './commands/list.ts';
import { maintainCommand } from './commands/maintain.ts';
import { statusCommand } from './commands/status.ts';
import { type Io, processIo } from './io.ts';
import { didYouMean } from './suggest.ts';

export type { Io } from './io.ts';

export const COMMANDS: readonly Command[] = [
  cloneCommand,
  listCommand,
  getCommand,
  extendCommand,
  deleteCommand,
  statusCommand,
  maintainCommand,
  demoCommand,
];

const PROGRAM = 'aurora-clone-manager';

export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 'emulator'.length);
  const lines = [
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'emulator'.padEnd(width)}  Run the local Aurora (RDS) emulator; prints its endpoint URL first.`,
  ];
  return `Usage: ${PROGRAM} <command> [options]

On-demand Amazon Aurora clones, with a pool of full copies so a source never gets a 16th
copy-on-write clone (which AWS silently turns into a slow, fully billed full copy).

Commands:
${lines.join('\n')}

Run \`${PROGRAM} <command> --help\` for a command's options.
Try it locally, without AWS: \`${PROGRAM} demo\`.

Exit codes: 0 success, 1 the operation failed, 2 bad usage or input, 130 interrupted.
`;
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io?: Io): Promise<number> {
  // The SDK's notice about its future Node.js releases is kept off by the adapters (src/aws).
  io ??= processIo();
  try {
    return await dispatch(argv, io);
  } catch (err) {
    return reportError(err, io, wantsJson(argv));
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(generalHelp());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] !== undefined ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    if (rest[0] === 'emulator')
      return (await import('./commands/emulator.ts')).emulatorCommand(['--help'], io);
    if (rest[0] !== undefined && !topic) throw unknownCommand(rest[0]);
    io.stdout(topic ? commandHelp(topic) : generalHelp());
    return 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`${pkg.version}\n`);
    return 0;
  }
  // Only this command loads the emulator (and its DynamoDB, dynalite).
  if (name === 'emulator') return (await import('./commands/emulator.ts')).emulatorCommand(rest, io);
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw unknownCommand(name);
  const common = command.aws === false ? OUTPUT_OPTIONS : COMMON_OPTIONS;
  const flags = parseFlags(command.name, rest, command.options, command.positionals, common);
  if (flags.bool('help')) {
    io.stdout(commandHelp(command));
    return 0;
  }
  return command.run(flags, io);
}

function unknownCommand(name: string): AcmError {
  const names = [...COMMANDS.map((c) => c.name), 'emulator'];
  const what = name.startsWith('-') ? `option "${name}" before a command` : `command "${name}"`;
  const guess = name.startsWith('-') ? '' : didYouMean(name, names);
  return new UsageError(`unknown ${what}${guess} (commands: ${names.join(', ')}; see ${PROGRAM} --help)`);
}

class UsageError extends AcmError {
  override readonly exitCode = 2 as const;
}

/** Errors are JSON documents too when the output asked for is JSON (even if another flag was bad). */
function wantsJson(argv: string[]): boolean {
  return argv.some(
    (a, i) =>
      a === '--json' ||
      a === '--output=json' ||
      a === '-o=json' ||
      ((a === '--output' || a === '-o') && argv[i + 1] === 'json'),
  );
}

function reportError(err: unknown, io: Io, json: boolean): number {
  const exitCode = err instanceof AcmError ? err.exitCode : 1;
  const message = redactString(
    oneLine(unreachable(err) ?? (err instanceof AcmError ? err.message : describe(err))),
  );
  io.stderr(`${PROGRAM}: ${message}\n`);
  if (json) {
    const context = err instanceof AcmError ? (redact(err.context) as object) : {};
    const name = err instanceof Error ? err.name : 'Error';
    io.stdout(`${JSON.stringify({ error: { name, message, exitCode, ...context } }, null, 2)}\n`);
  }
  return exitCode;
}

/** A call that never reached AWS: says so, with the endpoint's own words. */
function unreachable(err: unknown): string | undefined {
  if (!(err instanceof AwsUnreachableError)) return undefined;
  const why = errorMessage(err.cause);
  // Refused on this machine: almost always the emulator is not (or no longer) running.
  const local = /ECONNREFUSED/.test(errorCodeOf(err.cause) + why) && /127\.|localhost|::1/.test(why);
  return `cannot reach the AWS endpoint: ${why}${local ? `; is the emulator running? (start it with \`${PROGRAM} emulator\`)` : ''}`;
}

function errorCodeOf(err: unknown): string {
  return errorCode(err) ?? '';
}

/** An error the engine did not wrap (a bug): its code and message. */
function describe(err: unknown): string {
  const code = errorCode(err);
  const message = errorMessage(err) || 'unknown error';
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
