// Aurora Serverless v2 writers (`db.serverless`): a cluster needs a capacity range before it can
// get such an instance, and a restore does not carry its source's over. The range comes from the
// cluster it is restored from when that has one, else a small default a user can change later.
import type { ClusterInfo, ServerlessV2Scaling } from '../model/inventory.ts';

export const SERVERLESS_INSTANCE_CLASS = 'db.serverless';

/** Half an ACU to 16 ACUs: room for a test database, cheap when idle. */
export const DEFAULT_SERVERLESS_V2: ServerlessV2Scaling = { minCapacity: 0.5, maxCapacity: 16 };

/** The capacity range a new cluster whose writer has `instanceClass` must be restored with, if any. */
export function serverlessRange(
  instanceClass: string,
  ...from: (ClusterInfo | undefined)[]
): { serverlessV2?: ServerlessV2Scaling } {
  if (instanceClass !== SERVERLESS_INSTANCE_CLASS) return {};
  const inherited = from.find((c) => c?.serverlessV2)?.serverlessV2;
  return { serverlessV2: inherited ?? DEFAULT_SERVERLESS_V2 };
}
