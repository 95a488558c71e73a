// The typed library API: the package's "." entry. It loads neither the emulator nor dynalite
// (that is "aurora-clone-manager/emulator"), and each AWS SDK client module only on its first call.

export type { AwsClients } from './aws/adapters.ts';
export type { AwsConfig, AwsCredentials } from './aws/config.ts';
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
// One clock for the library and the emulator (EmulatorOptions.clock) runs a whole pool in virtual time.
export { type Clock, ManualClock } from './util/clock.ts';
export * from './util/errors.ts';
export { jsonLogger, type Logger, type LogLevel } from './util/log.ts';
