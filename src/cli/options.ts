// Options shared by every command, normalised into the library's ManagerOptions.
import { DEFAULT_LEASE_TABLE, type ManagerOptions, type ProgressEvent } from '../model/api.ts';
import { formatDuration } from '../util/duration.ts';
import { jsonLogger } from '../util/log.ts';
import {
  checkEndpointUrl,
  checkInteger,
  checkManagerId,
  checkRegion,
  checkTableName,
  type Flags,
} from './args.ts';
import type { Io } from './io.ts';

/** `--lease-table none` keeps the lease inside this process (one CLI at a time per source). */
export const NO_LEASE_TABLE = 'none';

export interface CommonOptions {
  json: boolean;
  manager: ManagerOptions;
}

export function commonOptions(flags: Flags, io: Io): CommonOptions {
  const env = io.env ?? process.env;
  const manager: ManagerOptions = {};
  const endpoint = flags.string('endpoint-url');
  const region = flags.string('region');
  // Without --endpoint-url the AWS adapters fall back to AWS_ENDPOINT_URL_RDS / AWS_ENDPOINT_URL, else AWS.
  if (endpoint !== undefined || region !== undefined) {
    manager.aws = {
      ...(endpoint !== undefined ? { endpoint: checkEndpointUrl('--endpoint-url', endpoint) } : {}),
      ...(region !== undefined ? { region: checkRegion('--region', region) } : {}),
    };
  }
  const max = flags.string('max-clones-per-source');
  if (max !== undefined) manager.maxClonesPerSource = checkInteger('--max-clones-per-source', max, 1, 15);
  const managerId = flags.string('manager-id');
  if (managerId !== undefined) manager.managerId = checkManagerId('--manager-id', managerId);
  const leaseFlag = flags.string('lease-table');
  const lease = leaseFlag ?? env.ACM_LEASE_TABLE ?? DEFAULT_LEASE_TABLE;
  const leaseField = leaseFlag !== undefined ? '--lease-table' : 'ACM_LEASE_TABLE';
  manager.leaseTable = lease === NO_LEASE_TABLE ? false : checkTableName(leaseField, lease);
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
