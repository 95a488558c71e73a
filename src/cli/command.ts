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

const OUTPUT_LINES = `  -o, --output FORMAT          table (default), json, text (tab-separated), env (KEY=value
                               connection details: clone and get only)
  --json                       the same as --output json
  -v, --verbose                log each decision (plan, steps, waits) as JSON lines on stderr
  --debug                      log that and every AWS call
  -h, --help                   show help`;

export const COMMON_HELP = `Where AWS is (resolved as the AWS CLI does):
  --profile NAME               profile of ~/.aws/config for credentials, Region and endpoints
                               (default AWS_DEFAULT_PROFILE, AWS_PROFILE, else default)
  --region REGION              AWS Region (default AWS_REGION, AWS_DEFAULT_REGION, else the profile's)
  --endpoint-url URL           every service's endpoint, e.g. the emulator's (default
                               AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else the profile's, else AWS)

The manager deployment:
  --manager-id NAME            name of this manager deployment (default aurora-clone-manager)
  --lease-table NAME           DynamoDB table for per-source leases (default ACM_LEASE_TABLE, else
                               aurora-clone-manager-leases, the one every stack creates; "none" = lease
                               inside this process only)
  --max-clones-per-source N    clone slots per source, 1-15 (default 15)

Output:
${OUTPUT_LINES}

Exit codes: 0 success, 1 the operation failed, 2 bad usage or input, 130 interrupted.`;

const OUTPUT_HELP = `Options:
${OUTPUT_LINES}`;

export function commandHelp(cmd: Command): string {
  const common = cmd.aws === false ? OUTPUT_HELP : COMMON_HELP;
  return `Usage: aurora-clone-manager ${cmd.usage}\n\n${cmd.summary}\n\n${cmd.help.trim()}\n\n${common}\n`;
}
