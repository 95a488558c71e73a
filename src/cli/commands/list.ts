import { listClusters } from '../../engine/api.ts';
import type { CloneDescription, ClusterFilter } from '../../model/api.ts';
import { validateClusterFilter } from '../../validation/index.ts';
import type { Flags } from '../args.ts';
import type { Command } from '../command.ts';
import { formatClusterList } from '../format.ts';
import type { Io } from '../io.ts';
import { type CommonOptions, commonOptions } from '../options.ts';
import { render } from '../output.ts';

export interface ListOptions extends CommonOptions {
  filter: ClusterFilter;
}

export function listOptions(flags: Flags, io: Io): ListOptions {
  const common = commonOptions(flags, io);
  const filter: ClusterFilter = {};
  const source = flags.string('source');
  if (source !== undefined) filter.sourceClusterId = source;
  const owner = flags.string('owner');
  if (owner !== undefined) filter.owner = owner;
  const role = flags.string('role');
  if (role !== undefined) filter.role = role as ClusterFilter['role'];
  const requestKey = flags.string('request-key');
  if (requestKey !== undefined) filter.requestKey = requestKey;
  // Every deployment's clusters unless one is named: a user asks "what is running", not "what did
  // the default deployment make".
  if (common.manager.managerId !== undefined) filter.managerId = common.manager.managerId;
  const checked = validateClusterFilter(filter, {
    sourceClusterId: '--source',
    owner: '--owner',
    role: '--role',
    managerId: '--manager-id',
    requestKey: '--request-key',
  });
  return { ...common, filter: checked };
}

/** Tab-separated columns of `--output text`, in this order. */
const TEXT_FIELDS: (keyof CloneDescription)[] = [
  'clusterId',
  'role',
  'rootClusterId',
  'status',
  'owner',
  'dataTimestamp',
  'expiresAt',
  'endpoint',
  'port',
];

export async function runList(options: ListOptions, io: Io): Promise<number> {
  const clusters = await listClusters(options.filter, options.manager);
  await render(io, options.output, {
    json: clusters,
    table: () => formatClusterList(clusters),
    text: () => clusters.map((c) => `${TEXT_FIELDS.map((f) => String(c[f] ?? '')).join('\t')}\n`).join(''),
  });
  return 0;
}

export const listCommand: Command = {
  name: 'list',
  summary: 'List the clones and copies of every source in the Region, with endpoint, owner and expiry.',
  usage: 'list [--source ID] [--owner NAME] [--role clone|copy] [--request-key KEY] [options]',
  help: `Lists the clusters the manager made (of every deployment unless --manager-id is given);
clusters it did not make are not listed (see status for what counts against a source).

Options:
  --source ID                  only the pool of this source (root) cluster
  --owner NAME                 only clusters of this owner (clone --owner; default the CLI user)
  --role clone|copy            only clones, or only pooled full copies
  --request-key KEY            only the clone made for this request key (clone --request-key)

--output text prints one cluster a line, tab-separated:
  cluster id, role, source, status, owner, data timestamp, expires at, endpoint, port

Example:
  aurora-clone-manager list --owner "$USER"`,
  options: {
    source: { type: 'string' },
    owner: { type: 'string' },
    role: { type: 'string' },
    'request-key': { type: 'string' },
  },
  positionals: 0,
  run: (flags, io) => runList(listOptions(flags, io), io),
};
