import { describePool } from '../../engine/api.ts';
import type { Flags } from '../args.ts';
import type { Command } from '../command.ts';
import { formatPoolStatus } from '../format.ts';
import type { Io } from '../io.ts';
import { type CommonOptions, commonOptions } from '../options.ts';
import { render } from '../output.ts';

export interface StatusOptions extends CommonOptions {
  sourceClusterId: string;
}

export function statusOptions(flags: Flags, io: Io): StatusOptions {
  const common = commonOptions(flags, io);
  const maxCopyAge = flags.duration('max-copy-age');
  if (maxCopyAge !== undefined) common.manager.maxCopyAge = maxCopyAge;
  return { ...common, sourceClusterId: flags.requiredIdentifier('source') };
}

export async function runStatus(options: StatusOptions, io: Io): Promise<number> {
  const pool = await describePool(options.sourceClusterId, options.manager);
  await render(io, options.output, { json: pool, table: () => formatPoolStatus(pool) });
  return 0;
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show the pool of a source at a glance: root, copies, clones and free capacity.',
  usage: 'status --source ID [options]',
  help: `Options:
  --source ID                  the source (root) cluster (required)
  --max-copy-age DURATION      age after which a copy counts as obsolete (default P3D)

Example:
  aurora-clone-manager status --source prod --endpoint-url http://127.0.0.1:4510`,
  options: {
    source: { type: 'string' },
    'max-copy-age': { type: 'string' },
  },
  positionals: 0,
  run: (flags, io) => runStatus(statusOptions(flags, io), io),
};
