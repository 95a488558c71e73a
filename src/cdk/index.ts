// `aurora-clone-manager/cdk`: the manager and its clones as AWS CDK constructs. aws-cdk-lib and
// constructs are the app's own (peer dependencies); neither the library entry nor the Lambda loads
// this module.
export type { MaintenanceSource } from '../model/api.ts';
export { AuroraClone, type AuroraCloneProps } from './clone.ts';
export { InvalidPropsError } from './errors.ts';
export { AuroraCloneManager, type IAuroraCloneManager } from './manager.ts';
export type { AuroraCloneManagerProps } from './manager-props.ts';
