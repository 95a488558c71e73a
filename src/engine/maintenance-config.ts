// The maintenance config's rules live in src/validation; kept here for the callers that import it from the engine.
export { parseMaintenanceConfig } from '../validation/index.ts';
