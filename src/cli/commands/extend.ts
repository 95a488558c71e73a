import { extendClone } from '../../engine/api.ts';
import type { ExtendRequest } from '../../model/api.ts';
import { validateExtendRequest } from '../../validation/index.ts';
import type { Flags } from '../args.ts';
import type { Command } from '../command.ts';
import { formatExtendResult } from '../format.ts';
import type { Io } from '../io.ts';
import { type CommonOptions, commonOptions } from '../options.ts';
import { render } from '../output.ts';
import { requiredPositional } from './positional.ts';

export interface ExtendOptions extends CommonOptions {
  request: ExtendRequest;
}

export function extendOptions(flags: Flags, io: Io): ExtendOptions {
  const common = commonOptions(flags, io);
  const request: ExtendRequest = {
    clusterId: requiredPositional(flags, 'the clone to extend'),
    ttl: flags.required('ttl'),
  };
  if (flags.bool('dry-run')) request.dryRun = true;
  validateExtendRequest(request, { clusterId: 'ID', ttl: '--ttl', dryRun: '--dry-run' });
  return { ...common, request };
}

export async function runExtend(options: ExtendOptions, io: Io): Promise<number> {
  const result = await extendClone(options.request, options.manager);
  await render(io, options.output, { json: result, table: () => formatExtendResult(result) });
  return 0;
}

export const extendCommand: Command = {
  name: 'extend',
  summary: 'Keep a clone longer: it expires --ttl from now (never sooner than it already would).',
  usage: 'extend ID --ttl DURATION [--dry-run] [options]',
  help: `ID is a clone's identifier or ARN. Maintenance deletes a clone once it expires; extend moves the
expiry to now + DURATION. A clone that already expires later keeps its expiry. Copies and clusters the
manager did not make have no expiry and are refused.

Options:
  --ttl DURATION               the clone expires this long from now (8h, 3d, PT12H) (required)
  --dry-run                    print the plan; change nothing

Example:
  aurora-clone-manager extend pr-42 --ttl 2d`,
  options: {
    ttl: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  positionals: 1,
  run: (flags, io) => runExtend(extendOptions(flags, io), io),
};
