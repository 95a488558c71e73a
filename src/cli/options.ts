// Options shared by every command, normalised into the library's ManagerOptions.
import { DEFAULT_LEASE_TABLE, type ManagerOptions, type ProgressEvent } from '../model/api.ts';
import { formatDuration } from '../util/duration.ts';
import { jsonLogger } from '../util/log.ts';
import {
  checkEndpointUrl,
  checkManagerId,
  checkMaxClonesPerSource,
  checkRegion,
  checkTableName,
  Problems,
  parseWholeNumber,
} from '../validation/index.ts';
import type { Flags } from './args.ts';
import type { Io } from './io.ts';

/** `--lease-table none` keeps the lease inside this process (one CLI at a time per source). */
export const NO_LEASE_TABLE = 'none';

export interface CommonOptions {
  json: boolean;
  manager: ManagerOptions;
}

/** The flags every AWS command shares; every bad one is reported, in one line. */
export function commonOptions(flags: Flags, io: Io): CommonOptions {
  const env = io.env ?? process.env;
  const manager: ManagerOptions = {};
  const problems = new Problems();
  const endpoint = problems.check(() => flags.value('endpoint-url', checkEndpointUrl));
  const region = problems.check(() => flags.value('region', checkRegion));
  // Without --endpoint-url the AWS adapters fall back to AWS_ENDPOINT_URL_RDS / AWS_ENDPOINT_URL, else AWS.
  if (endpoint !== undefined || region !== undefined) {
    manager.aws = {
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(region !== undefined ? { region } : {}),
    };
  }
  const max = problems.check(() =>
    flags.value('max-clones-per-source', (v, field) =>
      checkMaxClonesPerSource(parseWholeNumber(v, field), field),
    ),
  );
  if (max !== undefined) manager.maxClonesPerSource = max;
  const managerId = problems.check(() => flags.value('manager-id', checkManagerId));
  if (managerId !== undefined) manager.managerId = managerId;
  const leaseFlag = flags.string('lease-table');
  const lease = leaseFlag ?? env.ACM_LEASE_TABLE ?? DEFAULT_LEASE_TABLE;
  const leaseField = leaseFlag !== undefined ? '--lease-table' : 'ACM_LEASE_TABLE';
  if (lease === NO_LEASE_TABLE) manager.leaseTable = false;
  else {
    const checked = problems.check(() => checkTableName(lease, leaseField));
    if (checked !== undefined) manager.leaseTable = checked;
  }
  problems.throwIfAny();
  // Only requests that share a lease table are serialised: say so when this one is not the shared one.
  if (manager.leaseTable === false) {
    io.stderr(
      `warning: ${leaseField} none: the lease is kept in this process only; other processes, stacks and CLI users are not serialised with it\n`,
    );
  } else if (lease !== DEFAULT_LEASE_TABLE) {
    io.stderr(
      `warning: ${leaseField} ${lease}: only requests using this table are serialised with this one (the stacks and other CLI users use ${DEFAULT_LEASE_TABLE} unless told otherwise)\n`,
    );
  }
  if (flags.bool('verbose')) manager.logger = jsonLogger('debug', io.stderr);
  return { json: flags.bool('json'), manager };
}

/** Progress lines on stderr while waiting, only when someone is watching a terminal. */
export function progressReporter(io: Io): ((event: ProgressEvent) => void) | undefined {
  if (!io.stderrIsTTY) return undefined;
  let last = '';
  return (event) => {
    const line = `${event.clusterId}: ${event.phase}${event.status ? ` (${event.status})` : ''}`;
    if (line === last) return;
    last = line;
    const elapsed = event.elapsedMs !== undefined ? ` after ${formatDuration(event.elapsedMs)}` : '';
    io.stderr(`  … ${line}${elapsed}\n`);
  };
}

export function writeJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
