// One clone's connection details as `--output env` prints them: the variables libpq, psql and most
// PostgreSQL drivers read, plus the secret holding the password (never the password itself).
import type { CloneDescription } from '../model/api.ts';
import { envLines } from './output.ts';

export function connectionEnv(clone: CloneDescription): string {
  return envLines([
    ['PGHOST', clone.endpoint],
    ['PGPORT', clone.port],
    ['PGUSER', clone.masterUsername],
    ['PGDATABASE', clone.databaseName],
    ['ACM_CLUSTER_ID', clone.clusterId],
    ['ACM_CLUSTER_ARN', clone.arn],
    ['ACM_READER_HOST', clone.readerEndpoint],
    ['ACM_PASSWORD_SECRET_ARN', clone.passwordSecret],
    ['ACM_STATUS', clone.noWriter ? `${clone.status}-no-writer` : clone.status],
  ]);
}
