import { userInfo } from 'node:os';
import { getClone, provisionClone } from '../../engine/api.ts';
import type { ProgressEvent, ProvisionRequest, ProvisionResult } from '../../model/api.ts';
import { topUpDue } from '../../planner/top-up.ts';
import { ValidationError } from '../../util/errors.ts';
import {
  DEFAULT_LOW_WATER_SLOTS,
  type FieldNames,
  LIBRARY_DEFAULTS,
  tagValueProblem,
  validateProvision,
} from '../../validation/index.ts';
import { type Flags, parseTags } from '../args.ts';
import type { Command } from '../command.ts';
import { connectionEnv } from '../connection.ts';
import { formatProvisionResult } from '../format.ts';
import type { Io } from '../io.ts';
import { type CommonOptions, commonOptions } from '../options.ts';
import { render } from '../output.ts';
import { watched } from '../progress.ts';

export interface CloneOptions extends CommonOptions {
  request: ProvisionRequest;
}

/** How the clone command's user names each request field. */
export const CLONE_FIELDS: FieldNames = {
  sourceClusterId: '--source',
  clusterId: '--cluster-id',
  instanceClass: '--instance-class',
  maxCopyAge: '--max-copy-age',
  maxClonesPerSource: '--max-clones-per-source',
  copyCreatedSince: '--copy-created-since',
  copyOk: '--no-copy',
  purgeObsoleteCopies: '--no-purge',
  tags: '--tag',
  ttl: '--ttl',
  owner: '--owner',
  requestKey: '--request-key',
  wait: '--wait',
  dryRun: '--dry-run',
};

/** The user running the CLI, recorded as the clone's owner (a tag value, so only a name AWS accepts). */
function cliUser(env: NodeJS.ProcessEnv): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    name = env.USER;
  }
  return name && !tagValueProblem(name) ? name : 'cli';
}

/** The request from the flags as typed; the validation rules check it naming the flags. */
export function cloneOptions(flags: Flags, io: Io): CloneOptions {
  const common = commonOptions(flags, io);
  const request: ProvisionRequest = { sourceClusterId: flags.required('source') };
  const set = <K extends keyof ProvisionRequest>(key: K, value: ProvisionRequest[K] | undefined) => {
    if (value !== undefined) request[key] = value;
  };
  set('clusterId', flags.string('cluster-id'));
  set('instanceClass', flags.string('instance-class'));
  set('maxCopyAge', flags.string('max-copy-age'));
  set('copyCreatedSince', flags.string('copy-created-since'));
  set('ttl', flags.string('ttl'));
  set('requestKey', flags.string('request-key'));
  if (flags.bool('no-copy')) request.copyOk = false;
  if (flags.bool('no-purge')) request.purgeObsoleteCopies = false;
  const tags = parseTags('--tag', flags.list('tag'));
  if (Object.keys(tags).length) request.tags = tags;
  request.owner = flags.string('owner') ?? cliUser(io.env ?? process.env);
  if (flags.bool('wait')) request.wait = true;
  if (flags.bool('dry-run')) request.dryRun = true;
  set('maxClonesPerSource', common.manager.maxClonesPerSource);
  validateProvision(request, LIBRARY_DEFAULTS, CLONE_FIELDS);
  return { ...common, request };
}

export async function runClone(options: CloneOptions, io: Io): Promise<number> {
  const { request, manager } = options;
  if (options.output === 'env' && request.dryRun) {
    throw new ValidationError('--output', 'env prints a clone that exists: not with --dry-run');
  }
  const result = await watched(
    io,
    `clone of ${request.sourceClusterId}`,
    (current, leases) => cloneInterrupted(options, current, leases),
    (onProgress) => provisionClone(request, { ...manager, onProgress }),
  );
  await render(io, options.output, {
    json: result,
    table: () => formatProvisionResult(result, request.sourceClusterId),
    env: async () => connectionEnv(await getClone(result.clusterId, manager)),
  });
  const low = lowWaterHint(result, request.sourceClusterId, options.target);
  if (low) io.stderr(low);
  return 0;
}

/** A request that left its source low says so: the next one may wait hours for a full copy. */
function lowWaterHint(result: ProvisionResult, source: string, target: string[]): string | undefined {
  // The CLI does not read the stack's maintenance config: a claimed warm clone means the source keeps some.
  const due = topUpDue(result, { keepsWarmClones: true });
  if (!due) return undefined;
  const cli = [
    'aurora-clone-manager',
    'maintain',
    '--source',
    source,
    '--target-slots',
    String(2 * DEFAULT_LOW_WATER_SLOTS),
    ...target,
  ].join(' ');
  const what =
    due.kind === 'warm-clone-claimed'
      ? `this request claimed warm clone ${due.clusterId}`
      : `${source} has ${due.freeSlots} free clone slot${due.freeSlots === 1 ? '' : 's'} left (under ${due.lowWaterSlots})`;
  return `note: ${what}; a deployed stack tops its pool up by itself, otherwise run: ${cli}\n`;
}

/** What Ctrl-C leaves behind in AWS, and the commands to follow or remove it. */
function cloneInterrupted(
  options: CloneOptions,
  current: ProgressEvent | undefined,
  leases: { released: number; kept: number },
): string {
  const { request } = options;
  const cli = (args: string) => ['aurora-clone-manager', args, ...options.target].join(' ');
  const again = request.requestKey
    ? 'run the same command again (same --request-key) to pick the request up'
    : 'run the same command again to continue';
  if (current?.phase === 'clone' && current.stage === 'restored') {
    const finish = request.requestKey
      ? `run the same command again (same --request-key) to finish it, or delete it: ${cli(`delete ${current.clusterId}`)}`
      : `delete it: ${cli(`delete ${current.clusterId}`)} (maintenance removes it after 15 minutes otherwise)`;
    return `clone ${current.clusterId} was restored but its writer instance was not asked for: it cannot become usable as it is and holds a clone slot; ${finish}`;
  }
  if (current?.phase === 'clone' && current.stage === 'served') {
    return `clone ${current.clusterId} was restored for this request by another request that held the lease; its writer may not be asked for yet. ${request.requestKey ? 'Run the same command again (same --request-key) to finish it, or delete' : 'Delete'} it: ${cli(`delete ${current.clusterId}`)} (it was restored with an expiry 15 minutes off, which this request would have replaced with its own; maintenance deletes it once expired)`;
  }
  if (current?.phase === 'clone' && current.stage === 'claimed') {
    return `warm clone ${current.clusterId} is this request's now (claimed). Follow it: ${cli(`get ${current.clusterId}`)}; delete it: ${cli(`delete ${current.clusterId}`)}`;
  }
  if (current?.phase === 'clone') {
    return `clone ${current.clusterId} is still being created in AWS and runs (and is billed) until deleted. Follow it: ${cli(`get ${current.clusterId}`)}; delete it: ${cli(`delete ${current.clusterId}`)}`;
  }
  if (current?.phase === 'copy') {
    return `full copy ${current.clusterId} is still being made in AWS for this request; it stays in the pool for the next requests (maintenance purges it when obsolete). No clone was made yet: ${again}.`;
  }
  if (leases.kept === 0) {
    const given = leases.released ? ` (the lease on ${request.sourceClusterId} was given back)` : '';
    return `nothing was asked of AWS yet${given}: ${again}.`;
  }
  return `a restore for this request may be on its way to AWS. See ${cli(`list --source ${request.sourceClusterId}${request.owner ? ` --owner ${request.owner}` : ''}`)}; ${again}.`;
}

export const cloneCommand: Command = {
  name: 'clone',
  summary: 'Provision a copy-on-write clone of a source cluster, from the root or a pooled copy.',
  usage: 'clone --source ID [options]',
  help: `The clone comes from the first source with a free slot: the root, then fresh copies, newest
first. When none has one, a full copy of the root is made (slow) and cloned, unless --no-copy.

Options:
  --source ID                  the source (root) cluster to clone, id or ARN (required)
  --cluster-id ID              name of the new clone (default <source>-<UTC timestamp>)
  --instance-class C           writer instance class (default: the source writer's)
  --max-copy-age DURATION      copies older than this are not used, and purged (default P3D)
  --copy-created-since ISO     only use copies whose data was taken after this instant
  --no-copy                    fail instead of making a full copy when no slot is free
  --no-purge                   do not delete obsolete copies as part of this request
  --tag KEY=VALUE              tag the clone (repeatable)
  --ttl DURATION               the clone expires after this long (8h, P1D); maintenance deletes it
  --owner NAME                 recorded as the clone's owner (default: your user name)
  --request-key KEY            idempotency key: repeating a request returns the same clone
  --wait                       wait until the clone and its writer are available
  --dry-run                    print the plan and why; create nothing
  --wait-timeout DURATION      give up waiting after this long (default 3h; a full copy can take
                               longer on AWS); the clone is not deleted

Example:
  aurora-clone-manager clone --source prod --ttl 8h --wait --endpoint-url http://127.0.0.1:4510`,
  options: {
    source: { type: 'string' },
    'cluster-id': { type: 'string' },
    'instance-class': { type: 'string' },
    'max-copy-age': { type: 'string' },
    'copy-created-since': { type: 'string' },
    'no-copy': { type: 'boolean' },
    'no-purge': { type: 'boolean' },
    tag: { type: 'string', multiple: true },
    ttl: { type: 'string' },
    owner: { type: 'string' },
    'request-key': { type: 'string' },
    wait: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'wait-timeout': { type: 'string' },
  },
  positionals: 0,
  run: (flags, io) => runClone(cloneOptions(flags, io), io),
};
