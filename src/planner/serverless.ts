// Aurora Serverless v2 writers (`db.serverless`): a cluster needs a capacity range before it can
// get such an instance, and a restore does not carry its source's over. The range comes from the
// cluster it is restored from when that has one, else a small default a user can change later.
import type { ClusterInfo, ServerlessV2Scaling } from '../model/inventory.ts';

export const SERVERLESS_INSTANCE_CLASS = 'db.serverless';

/** Half an ACU to 16 ACUs: room for a test database, cheap when idle. */
export const DEFAULT_SERVERLESS_V2: ServerlessV2Scaling = { minCapacity: 0.5, maxCapacity: 16 };

/** Seconds without connections after which a cluster at minimum capacity 0 pauses (AWS's least). */
export const AUTO_PAUSE_SECONDS = 300;

/** The capacity range a new cluster whose writer has `instanceClass` must be restored with, if any. */
export function serverlessRange(
  instanceClass: string,
  ...from: (ClusterInfo | undefined)[]
): { serverlessV2?: ServerlessV2Scaling } {
  if (instanceClass !== SERVERLESS_INSTANCE_CLASS) return {};
  const inherited = from.find((c) => c?.serverlessV2)?.serverlessV2;
  return { serverlessV2: inherited ?? DEFAULT_SERVERLESS_V2 };
}

/**
 * For clusters that mostly wait (copies, warm clones) with `pauseWhenIdle`: the same range down to 0
 * ACUs, so a Serverless v2 writer pauses after AUTO_PAUSE_SECONDS without connections and costs
 * only storage until the next connection wakes it.
 */
export function idleRange(range: { serverlessV2?: ServerlessV2Scaling }, pauseWhenIdle: boolean | undefined) {
  if (!pauseWhenIdle || !range.serverlessV2) return range;
  const { maxCapacity } = range.serverlessV2;
  return {
    serverlessV2: {
      minCapacity: 0,
      maxCapacity: Math.max(1, maxCapacity),
      secondsUntilAutoPause: AUTO_PAUSE_SECONDS,
    },
  };
}
