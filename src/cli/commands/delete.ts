import { deleteClone } from '../../engine/api.ts';
import type { DeleteRequest } from '../../model/api.ts';
import { validateDeleteRequest } from '../../validation/index.ts';
import type { Flags } from '../args.ts';
import type { Command } from '../command.ts';
import { formatDeleteResult } from '../format.ts';
import type { Io } from '../io.ts';
import { type CommonOptions, commonOptions } from '../options.ts';
import { render } from '../output.ts';
import { watched } from '../progress.ts';
import { requiredPositional } from './positional.ts';

export interface DeleteOptions extends CommonOptions {
  request: DeleteRequest;
}

export function deleteOptions(flags: Flags, io: Io): DeleteOptions {
  const common = commonOptions(flags, io);
  const request: DeleteRequest = { clusterId: requiredPositional(flags, 'the cluster to delete') };
  if (flags.bool('wait')) request.wait = true;
  if (flags.bool('dry-run')) request.dryRun = true;
  if (flags.bool('ignore-missing')) request.ignoreMissing = true;
  return { ...common, request: validateDeleteRequest(request, { clusterId: 'ID' }) };
}

export async function runDelete(options: DeleteOptions, io: Io): Promise<number> {
  const { request } = options;
  const result = await watched(
    io,
    `delete of ${request.clusterId}`,
    (current) =>
      current
        ? `${request.clusterId} is being deleted in AWS and the deletion goes on; nothing else is needed (${['aurora-clone-manager', 'get', request.clusterId, ...options.target].join(' ')} follows it)`
        : `the deletion of ${request.clusterId} may already have been sent; run the same command again to be sure`,
    (onProgress) => deleteClone(request, { ...options.manager, onProgress }),
  );
  await render(io, options.output, { json: result, table: () => formatDeleteResult(result) });
  return 0;
}

export const deleteCommand: Command = {
  name: 'delete',
  summary: "Delete one of the manager's clones or copies (its instances, then the cluster).",
  usage: 'delete ID [--wait] [--ignore-missing] [--dry-run] [options]',
  help: `ID is a cluster identifier or ARN. Clusters the manager did not create (the root, anything
without its clone/copy tags) are refused. A cluster that does not exist is an error (exit 1), so a
mistyped id does not pass for a deleted clone; --ignore-missing makes it a success (for cleanup
steps that may run twice).

Options:
  --wait                       wait until the cluster is gone
  --wait-timeout DURATION      give up waiting after this long (default 3h); the deletion goes on
  --ignore-missing             a cluster that does not exist counts as deleted (exit 0)
  --dry-run                    print what would be deleted; delete nothing

Example:
  aurora-clone-manager delete prod-20261125t104000z --wait`,
  options: {
    wait: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'ignore-missing': { type: 'boolean' },
    'wait-timeout': { type: 'string' },
  },
  positionals: 1,
  run: (flags, io) => runDelete(deleteOptions(flags, io), io),
};
