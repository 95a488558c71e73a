import { readInventory } from '../inventory/read.ts';
import type { ManagerOptions, PoolStatus } from '../model/api.ts';
import { poolStatus, readPool } from '../planner/pool.ts';
import { engineContext } from './context.ts';

/** The pool at a glance: root, copies, clones, free capacity. Reads only. */
export async function describePool(
  sourceClusterId: string,
  options: ManagerOptions = {},
): Promise<PoolStatus> {
  const ctx = await engineContext({ ...options, leaseTable: false });
  const now = ctx.clock.now();
  const inventory = await ctx.retry(() => readInventory(ctx.rds, sourceClusterId, now, ctx.where));
  const pool = readPool(inventory, sourceClusterId, {
    managerId: ctx.managerId,
    now,
    maxClonesPerSource: ctx.maxClonesPerSource,
    maxCopyAgeMs: ctx.maxCopyAgeMs,
  });
  return poolStatus(pool);
}
