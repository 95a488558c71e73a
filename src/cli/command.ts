// The shape of one CLI command: its flags, its help, and the function that normalises the parsed
// flags into a typed options object and runs it.
import type { Flags, OptionSpecs } from './args.ts';
import type { Io } from './io.ts';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Help body after the usage line: what it does, its own flags, an example. */
  help: string;
  options: OptionSpecs;
  /** How many positional arguments it takes. */
  positionals: number;
  /** Whether it takes the AWS options (--endpoint-url …); default true. */
  aws?: boolean;
  run(flags: Flags, io: Io): Promise<number>;
}

export const COMMON_HELP = `Options for every command:
  --endpoint-url URL           RDS endpoint (e.g. the emulator's); default AWS_ENDPOINT_URL_RDS,
                               AWS_ENDPOINT_URL, else AWS
  --region REGION              AWS region (default AWS_REGION, else us-east-1)
  --max-clones-per-source N    clone slots per source, 1-15 (default 15)
  --manager-id NAME            name of this manager deployment (default aurora-clone-manager)
  --lease-table NAME           DynamoDB table for per-source leases (default ACM_LEASE_TABLE, else
                               aurora-clone-manager-leases; "none" = lease inside this process only)
  --json                       print one JSON document on stdout
  --verbose                    log the manager's steps as JSON lines on stderr
  -h, --help                   show help

Exit codes: 0 success, 1 the operation failed, 2 bad usage or input.`;

const OUTPUT_HELP = `Options:
  --json                       print one JSON document on stdout
  --verbose                    log the manager's steps as JSON lines on stderr
  -h, --help                   show help`;

export function commandHelp(cmd: Command): string {
  const common = cmd.aws === false ? OUTPUT_HELP : COMMON_HELP;
  return `Usage: aurora-clone-manager ${cmd.usage}\n\n${cmd.summary}\n\n${cmd.help.trim()}\n\n${common}\n`;
}
