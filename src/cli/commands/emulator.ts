// `aurora-clone-manager emulator`: run the local Aurora (RDS) emulator until SIGINT/SIGTERM.
// The endpoint URL is the first line on stdout, so scripts can read it (`--port 0` picks a free port).

import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { ValidationError } from '../../util/errors.ts';
import { checkClusterId, checkRegion } from '../../validation/index.ts';
import { didYouMean } from '../suggest.ts';

export interface EmulatorIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export const EMULATOR_HELP = `Usage: aurora-clone-manager emulator [options]

Runs a local HTTP server that AWS clients (SDKs, the AWS CLI) talk to as if it were Amazon RDS
(Query API 2014-10-31). Prints the endpoint URL as the first line of stdout, then serves until
SIGINT or SIGTERM. Any credentials and Region are accepted; the Region in the request's signature
shows up in ARNs, and each Region has its own clusters.

Options:
  --port N              port to listen on (default 4510; 0 picks a free port)
  --host H              address to bind (default 127.0.0.1)
  --state FILE          load state from FILE and save every change to it (atomically)
  --throttle-rate R     share of requests answered Throttling (HTTP 400), 0-1
  --error-rate R        share of requests answered InternalFailure (HTTP 500), 0-1
  --latency-ms N        added latency per request (with +/- 50% jitter)
  --seed N              seed for fault injection (default 1)
  --aws-timings         AWS-like durations (clone ~5 min, first instance ~8 min, full copy hours)
  --time-scale X        multiply every duration by X (e.g. 0.01 with --aws-timings)
  --clone-limit N       copy-on-write clones per clone group before a request silently becomes
                        a full copy (default 15, as on AWS)
  --max-clusters N      DB cluster quota per Region (default 40)
  --max-instances N     DB instance quota per Region (default 40)
  --region R            Region for unsigned requests and --seed-source (default us-east-1)
  --seed-source ID      create an available source cluster ID with a writer instance at start
  -h, --help            show this help

Control API: GET /_emulator/stats, POST /_emulator/reset, GET|POST /_emulator/faults.
Example:
  aurora-clone-manager emulator --port 4510 --seed-source prod &
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \\
    aws --endpoint-url http://127.0.0.1:4510 --region us-east-1 rds describe-db-clusters
`;

type FlagKind = 'int' | 'rate' | 'number' | 'string' | 'bool';

const FLAGS: Record<string, FlagKind> = {
  port: 'int',
  host: 'string',
  state: 'string',
  'throttle-rate': 'rate',
  'error-rate': 'rate',
  'latency-ms': 'number',
  seed: 'int',
  'aws-timings': 'bool',
  'time-scale': 'number',
  'clone-limit': 'int',
  'max-clusters': 'int',
  'max-instances': 'int',
  region: 'string',
  'seed-source': 'string',
  help: 'bool',
};

class UsageError extends Error {}

type Parsed = Record<string, string | number | boolean>;

function parseArgs(argv: string[]): Parsed {
  const out: Parsed = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = FLAGS[name];
    if (!kind)
      throw new UsageError(
        `unknown option --${name}${didYouMean(name, Object.keys(FLAGS), (n) => `--${n}`)}`,
      );
    if (name in out && name !== 'help') throw new UsageError(`--${name} is given more than once`);
    if (kind === 'bool') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const raw = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw new UsageError(`--${name} needs a value`);
    out[name] = parseValue(name, kind, raw);
  }
  return out;
}

function parseValue(name: string, kind: FlagKind, raw: string): string | number {
  if (kind === 'string') {
    if (raw === '') throw new UsageError(`--${name} must not be empty`);
    if (name === 'seed-source') return checkClusterId(raw, '--seed-source');
    if (name === 'region') return checkRegion(raw, '--region');
    return raw;
  }
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`--${name} must be a number (got "${raw}")`);
  if (kind === 'int' && (!Number.isInteger(n) || n < 0)) {
    throw new UsageError(`--${name} must be a whole number ≥ 0 (got "${raw}")`);
  }
  if (kind === 'rate' && (n < 0 || n > 1))
    throw new UsageError(`--${name} must be between 0 and 1 (got "${raw}")`);
  if (kind === 'number' && n < 0) throw new UsageError(`--${name} must be ≥ 0 (got "${raw}")`);
  if (name === 'port' && n > 65535) throw new UsageError(`--port must be at most 65535 (got "${raw}")`);
  return n;
}

/** The state file must be a file (new or existing) in a directory that exists. */
function checkStatePath(path: string): string {
  const kind = (p: string) => {
    try {
      return statSync(p).isDirectory() ? 'directory' : 'file';
    } catch {
      return 'missing';
    }
  };
  if (kind(path) === 'directory') {
    throw new ValidationError(
      '--state',
      `${path} is a directory; give a file in it, e.g. ${join(path, 'emulator-state.json')}`,
    );
  }
  if (kind(dirname(path)) !== 'directory') {
    throw new ValidationError('--state', `cannot write ${path}: directory ${dirname(path)} does not exist`);
  }
  return path;
}

export function emulatorOptions(flags: Parsed): EmulatorOptions {
  const num = (k: string) => flags[k] as number | undefined;
  const str = (k: string) => flags[k] as string | undefined;
  const options: EmulatorOptions = { port: num('port') ?? 4510, host: str('host') ?? '127.0.0.1' };
  if (str('state') !== undefined) options.statePath = checkStatePath(str('state')!);
  const faults = {
    ...(num('throttle-rate') !== undefined ? { throttleRate: num('throttle-rate')! } : {}),
    ...(num('error-rate') !== undefined ? { errorRate: num('error-rate')! } : {}),
    ...(num('latency-ms') !== undefined ? { latencyMs: num('latency-ms')! } : {}),
  };
  if ((faults.throttleRate ?? 0) + (faults.errorRate ?? 0) > 1) {
    throw new UsageError('--throttle-rate plus --error-rate must be at most 1');
  }
  if (Object.keys(faults).length) options.faults = faults;
  if (num('seed') !== undefined) options.seed = num('seed')!;
  if (flags['aws-timings']) options.awsTimings = true;
  if (num('time-scale') !== undefined) options.timeScale = num('time-scale')!;
  if (num('clone-limit') !== undefined) options.cloneGroupLimit = num('clone-limit')!;
  const quotas = {
    ...(num('max-clusters') !== undefined ? { clusters: num('max-clusters')! } : {}),
    ...(num('max-instances') !== undefined ? { instances: num('max-instances')! } : {}),
  };
  if (Object.keys(quotas).length) options.quotas = quotas;
  if (str('region') !== undefined) options.region = str('region')!;
  return options;
}

export async function emulatorCommand(
  argv: string[],
  io: EmulatorIo,
  /** For in-process callers and tests; the command otherwise stops on SIGINT/SIGTERM. */
  stop?: AbortSignal,
): Promise<number> {
  let flags: Parsed;
  let options: EmulatorOptions;
  try {
    flags = parseArgs(argv);
    if (flags.help) {
      io.stdout(EMULATOR_HELP);
      return 0;
    }
    // Every flag is checked before anything starts: a bad one prints one line and no URL.
    options = emulatorOptions(flags);
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof ValidationError)) throw err;
    io.stderr(`aurora-clone-manager emulator: ${err.message} (see --help)\n`);
    return 2;
  }

  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator(options);
  } catch (err) {
    io.stderr(
      `aurora-clone-manager emulator: cannot start: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  io.stdout(`${emulator.url}\n`);
  const source = flags['seed-source'] as string | undefined;
  if (source !== undefined) {
    try {
      if (emulator.rds.cluster(source.toLowerCase())) {
        io.stderr(`source cluster ${source} already exists (from the state file)\n`);
      } else {
        emulator.createSourceCluster({ id: source });
        io.stderr(
          `created source cluster ${source.toLowerCase()} (available, with writer ${source.toLowerCase()}-instance-1)\n`,
        );
      }
    } catch (err) {
      io.stderr(
        `aurora-clone-manager emulator: --seed-source: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      await emulator.stop();
      return 2;
    }
  }
  io.stderr(
    `emulating Amazon RDS at ${emulator.url} (stats: ${emulator.url}/_emulator/stats); stop with Ctrl-C\n`,
  );

  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (stop?.aborted) done();
    else stop?.addEventListener('abort', done, { once: true });
  });
  await emulator.stop();
  io.stderr('emulator stopped\n');
  return 0;
}
