// Custom::AuroraCloneLeaseTable: the one lease table of an account and Region, which every stack,
// CLI user and library user shares so that all of them serialise on the same per-source lease
// (docs/concurrency.md). Create and Update make sure it exists; a second stack finds it there.
// Delete keeps it: other stacks and CLI users may still use it, and it costs nothing idle.
import { ValidationError } from '../util/errors.ts';
import { checkTableName } from '../validation/index.ts';
import type { CfnRequest, Outcome } from './cfn-response.ts';
import type { Deps } from './deps.ts';

export const LEASE_TABLE_TYPE = 'Custom::AuroraCloneLeaseTable';

export async function leaseTableResource(req: CfnRequest, deps: Deps): Promise<Outcome> {
  if (req.RequestType === 'Delete') {
    deps.logger.info('lease table kept: every deployment and CLI user in the account shares it', {
      table: req.PhysicalResourceId,
    });
    return { status: 'SUCCESS', physicalResourceId: req.PhysicalResourceId ?? 'none' };
  }
  const { TableName, ServiceToken: _token, ...unknown } = req.ResourceProperties ?? {};
  const [extra] = Object.keys(unknown);
  if (extra !== undefined) throw new ValidationError(extra, 'unknown property (allowed: TableName)');
  const table = checkTableName(TableName, 'TableName');
  await deps.engine.ensureLeaseTable(table, deps.options);
  deps.logger.info('lease table ready', { table });
  return { status: 'SUCCESS', physicalResourceId: table, data: { TableName: table } };
}
