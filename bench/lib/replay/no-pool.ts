// The baseline without a manager: every request clones the source directly, as a script with the
// AWS CLI would (restore-db-cluster-to-point-in-time copy-on-write, create-db-instance, then
// `aws rds wait db-instance-available`, which looks every 30 s). Once the source's clone group holds
// 15 clones, AWS serves the next request as a full copy without saying so; whether it did is read
// from the emulator's records afterwards, since the caller cannot tell. The waiter reads the emulator's
// records instead of calling DescribeDBInstances every 30 s: the same answer at the same instants,
// without 100,000 calls (and clock moves) that measure nothing about the product.
import {
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  RestoreDBClusterToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import { type Account, SOURCE, SOURCE_CLASS, SOURCE_ENGINE } from './account.ts';
import { noBackground, type Requester, type Served } from './requester.ts';

/** `aws rds wait db-instance-available` looks every 30 s; a script runs it until the clone is there. */
const WAITER_DELAY_MS = 30_000;

export function noPool(account: Account): Requester {
  const { rds, clock, emulator } = account;
  const writer = (clusterId: string) => `${clusterId}-writer`;
  return {
    async prepare() {},
    async request(key): Promise<Served> {
      const clusterId = `clone-${key}`;
      await rds.send(
        new RestoreDBClusterToPointInTimeCommand({
          DBClusterIdentifier: clusterId,
          SourceDBClusterIdentifier: SOURCE,
          RestoreType: 'copy-on-write',
          UseLatestRestorableTime: true,
        }),
      );
      await rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: writer(clusterId),
          DBClusterIdentifier: clusterId,
          Engine: SOURCE_ENGINE,
          DBInstanceClass: SOURCE_CLASS,
        }),
      );
      // The waiter looks now and every 30 s after. Each look that would still see `creating` is
      // skipped: the writer's record says when it becomes available, so the clock goes straight to
      // the first look that sees it (the same instant 30-s polling would).
      const id = writer(clusterId);
      for (;;) {
        const w = emulator.rds.instances().find((i) => i.id === id);
        if (w?.status === 'available') break;
        const due = w?.until ? Date.parse(w.until) : clock.ms + WAITER_DELAY_MS;
        await clock.sleep(Math.max(1, Math.ceil((due - clock.ms) / WAITER_DELAY_MS)) * WAITER_DELAY_MS);
      }
      const origin = emulator.rds.cluster(clusterId)?.origin;
      return { clusterId, waitedForFullCopy: origin?.kind === 'full-copy' };
    },
    async release(clusterId) {
      await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: writer(clusterId) }));
      await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: clusterId, SkipFinalSnapshot: true }));
    },
    async background() {
      return noBackground();
    },
  };
}
