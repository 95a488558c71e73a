// The typed library API.
export * from './engine/types.ts';
export type { Plan, Step, SourceAssessment } from './planner/plan.ts';
export type { AwsConfig } from './aws/config.ts';
export * from './util/errors.ts';
