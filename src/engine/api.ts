// The engine's API: all that the CLI, the Lambda and library users call (src/model holds the types).

/** For an interrupted process: give back the leases it holds while nothing is being sent under them. */
export { releaseIdleLeases } from '../lease/with-lease.ts';
export { formatPlan } from '../planner/explain.ts';
export {
  cloneReadiness,
  describeClone,
  finishPendingPassword,
  type InstanceCreatedOutcome,
  onInstanceCreated,
} from './clone-state.ts';
export { deleteClone } from './delete.ts';
export { describePool } from './describe.ts';
export { extendClone } from './extend.ts';
export { getClone } from './get.ts';
export { listClusters } from './list.ts';
export { maintainPool } from './maintain.ts';
export { provisionClone } from './provision.ts';
export {
  type EventEntry,
  ensureLeaseTable,
  invokeAsync,
  loadMaintenanceConfig,
  type PutEventsResult,
  publishEvents,
} from './services.ts';
