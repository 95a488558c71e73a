// The typed library API.

export type { AwsConfig } from './aws/config.ts';
export { deleteClone, describePool, maintainPool, provisionClone } from './engine/api.ts';
export * from './engine/types.ts';
export { formatPlan } from './planner/explain.ts';
export type { Plan, SourceAssessment, Step } from './planner/plan.ts';
export * from './util/errors.ts';
