// Which lease an operation takes: one per root, named after it, shared by provision and maintenance.
import type { LeaseOptions } from '../lease/with-lease.ts';
import { clusterIdFromArn } from '../planner/pool.ts';
import type { EngineContext } from './context.ts';

export function leaseKey(sourceClusterId: string): string {
  return `root#${clusterIdFromArn(sourceClusterId).toLowerCase()}`;
}

export function leaseOptions(ctx: EngineContext): LeaseOptions {
  return { store: ctx.leases, clock: ctx.clock, logger: ctx.logger };
}
