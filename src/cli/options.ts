// Options shared by every command, normalised into the library's ManagerOptions.
import { DEFAULT_LEASE_TABLE, type ManagerOptions } from '../model/api.ts';
import { jsonLogger } from '../util/log.ts';
import {
  checkDuration,
  checkEndpointUrl,
  checkManagerId,
  checkMaxClonesPerSource,
  checkProfileName,
  checkRegion,
  checkTableName,
  Problems,
  parseWholeNumber,
} from '../validation/index.ts';
import type { Flags } from './args.ts';
import type { Io } from './io.ts';
import { type OutputFormat, outputFormat } from './output.ts';

/** `--lease-table none` keeps the lease inside this process (one CLI at a time per source). */
export const NO_LEASE_TABLE = 'none';

export interface CommonOptions {
  output: OutputFormat;
  manager: ManagerOptions;
  /**
   * The flags that chose where AWS is (endpoint, Region, profile) and which deployment (manager id,
   * lease table, clones per source), to repeat in the commands we suggest: without them a suggested
   * `maintain` would serve another deployment's pool.
   */
  target: string[];
}

/** The flags every AWS command shares; every bad one is reported, in one line. */
export function commonOptions(flags: Flags, io: Io): CommonOptions {
  const env = io.env ?? process.env;
  const manager: ManagerOptions = {};
  const problems = new Problems();
  const output = problems.check(() => outputFormat(flags)) ?? 'table';
  const endpoint = problems.check(() => flags.value('endpoint-url', checkEndpointUrl));
  const region = problems.check(() => flags.value('region', checkRegion));
  const profile = problems.check(() => flags.value('profile', checkProfileName));
  // What is not given here is resolved as the AWS CLI does (AWS_REGION, AWS_PROFILE, the profile's
  // region and endpoints, AWS_ENDPOINT_URL[_SERVICE]) by the engine, once.
  manager.aws = {
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(profile !== undefined ? { profile } : {}),
  };
  const max = problems.check(() =>
    flags.value('max-clones-per-source', (v, field) =>
      checkMaxClonesPerSource(parseWholeNumber(v, field), field),
    ),
  );
  if (max !== undefined) manager.maxClonesPerSource = max;
  const managerId = problems.check(() => flags.value('manager-id', checkManagerId));
  if (managerId !== undefined) manager.managerId = managerId;
  const waitTimeout = flags.has('wait-timeout')
    ? problems.check(() => flags.value('wait-timeout', checkDuration))
    : undefined;
  if (waitTimeout !== undefined) manager.waitTimeoutMs = waitTimeout;
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
  if (flags.bool('debug')) {
    manager.logger = jsonLogger('debug', io.stderr);
    manager.aws = { ...manager.aws, callLogger: manager.logger };
  } else if (flags.bool('verbose')) manager.logger = jsonLogger('info', io.stderr);
  const target = [
    ...(endpoint !== undefined ? ['--endpoint-url', endpoint] : []),
    ...(region !== undefined ? ['--region', region] : []),
    ...(profile !== undefined ? ['--profile', profile] : []),
    ...(managerId !== undefined ? ['--manager-id', managerId] : []),
    ...(leaseFlag !== undefined ? ['--lease-table', leaseFlag] : []),
    ...(max !== undefined ? ['--max-clones-per-source', String(max)] : []),
  ];
  return { output, manager, target };
}
