import { deleteClone } from '../../engine/api.ts';
import type { DeleteRequest } from '../../model/api.ts';
import { ValidationError } from '../../util/errors.ts';
import { validateDeleteRequest } from '../../validation/index.ts';
import type { Flags } from '../args.ts';
import type { Command } from '../command.ts';
import { formatDeleteResult } from '../format.ts';
import type { Io } from '../io.ts';
import { type CommonOptions, commonOptions, progressReporter, writeJson } from '../options.ts';

export interface DeleteOptions extends CommonOptions {
  request: DeleteRequest;
}

export function deleteOptions(flags: Flags, io: Io): DeleteOptions {
  const common = commonOptions(flags, io);
  const target = flags.positionals[0];
  if (target === undefined) {
    throw new ValidationError('ID', 'the cluster to delete is required (aurora-clone-manager delete ID)');
  }
  const request: DeleteRequest = { clusterId: target };
  if (flags.bool('wait')) request.wait = true;
  if (flags.bool('dry-run')) request.dryRun = true;
  return { ...common, request: validateDeleteRequest(request, { clusterId: 'ID' }) };
}

export async function runDelete(options: DeleteOptions, io: Io): Promise<number> {
  const onProgress = options.request.wait ? progressReporter(io) : undefined;
  const result = await deleteClone(options.request, {
    ...options.manager,
    ...(onProgress ? { onProgress } : {}),
  });
  if (options.json) writeJson(io, result);
  else io.stdout(formatDeleteResult(result));
  return 0;
}

export const deleteCommand: Command = {
  name: 'delete',
  summary: "Delete one of the manager's clones or copies (its instances, then the cluster).",
  usage: 'delete ID [--wait] [--dry-run] [options]',
  help: `ID is a cluster identifier or ARN. Clusters the manager did not create (the root, anything
without its clone/copy tags) are refused. A cluster that is already gone counts as deleted.

Options:
  --wait                       wait until the cluster is gone
  --dry-run                    print what would be deleted; delete nothing

Example:
  aurora-clone-manager delete prod-20261125t104000z --wait`,
  options: {
    wait: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  },
  positionals: 1,
  run: (flags, io) => runDelete(deleteOptions(flags, io), io),
};
