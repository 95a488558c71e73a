// The typed library API.

export type { AwsConfig } from './aws/config.ts';
export {
  deleteClone,
  describePool,
  extendClone,
  getClone,
  listClusters,
  maintainPool,
  provisionClone,
} from './engine/api.ts';
export * from './model/api.ts';
export type { Plan, SourceAssessment, Step } from './model/plan.ts';
export { formatPlan } from './planner/explain.ts';
export * from './util/errors.ts';
