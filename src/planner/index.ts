// The planner's public surface: pure functions from an inventory and a request or policy to a plan.
export { planDelete } from './delete.ts';
export { formatPlan, formatTable } from './explain.ts';
export {
  type MaintenanceInput,
  type MaintenancePolicy,
  planMaintenance,
  resolveMaintenancePolicy,
} from './maintain.ts';
export { NameBook, resolveIdSuffix } from './names.ts';
export type { CloneStep, CopyStep, DeleteStep, Plan, ReuseStep, SourceAssessment, Step } from './plan.ts';
export { assertPlanVersion, PLAN_VERSION } from './plan.ts';
export {
  assessPool,
  assessSource,
  cloneCounts,
  clusterIdFromArn,
  findCluster,
  findRoot,
  freeCapacity,
  type Pool,
  type PoolClone,
  type PoolOptions,
  type PoolSource,
  poolStatus,
  readPool,
  siblingArn,
  writerInstanceClass,
} from './pool.ts';
export { findByRequestKey, type ProvisionInput, type ProvisionPolicy, planProvision } from './provision.ts';
