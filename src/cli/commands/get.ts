import { getClone } from '../../engine/api.ts';
import { checkClusterIdOrArn } from '../../validation/index.ts';
import type { Flags } from '../args.ts';
import type { Command } from '../command.ts';
import { connectionEnv } from '../connection.ts';
import { formatCloneDetails } from '../format.ts';
import type { Io } from '../io.ts';
import { type CommonOptions, commonOptions } from '../options.ts';
import { render } from '../output.ts';
import { requiredPositional } from './positional.ts';

export interface GetOptions extends CommonOptions {
  clusterId: string;
}

export function getOptions(flags: Flags, io: Io): GetOptions {
  const common = commonOptions(flags, io);
  return { ...common, clusterId: checkClusterIdOrArn(requiredPositional(flags, 'the clone to show'), 'ID') };
}

export async function runGet(options: GetOptions, io: Io): Promise<number> {
  const clone = await getClone(options.clusterId, options.manager);
  await render(io, options.output, {
    json: clone,
    table: () => formatCloneDetails(clone),
    env: () => connectionEnv(clone),
  });
  return 0;
}

export const getCommand: Command = {
  name: 'get',
  summary: 'Show one clone or copy: endpoint, status, owner, expiry, and whether it is ready to use.',
  usage: 'get ID [--output table|json|text|env] [options]',
  help: `ID is a cluster identifier or ARN. A cluster that does not exist is an error (exit 1).

--output env prints its connection details as KEY=value lines (for GitHub's $GITHUB_ENV, an
--env-file, or a shell with set -a so the variables reach the programs it starts):
  PGHOST, PGPORT, PGUSER, PGDATABASE, ACM_CLUSTER_ID, ACM_CLUSTER_ARN, ACM_READER_HOST,
  ACM_PASSWORD_SECRET_ARN (the secret holding the password, when the manager set one), ACM_STATUS

Example:
  set -a; eval "$(aurora-clone-manager get pr-42 --output env)"; set +a; psql -c 'select 1'`,
  options: {},
  positionals: 1,
  run: (flags, io) => runGet(getOptions(flags, io), io),
};
