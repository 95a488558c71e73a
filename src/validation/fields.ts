// Each edge names fields the way its user wrote them: the library `instanceClass`, the CLI
// `--instance-class`, CloudFormation `InstanceClass`, the Lambda env `MAX_CLONES_PER_SOURCE`, the
// maintenance config `--config [0].copyInstanceClass`. The rules take the names from the edge.
import type {
  ClusterFilter,
  DeleteRequest,
  ExtendRequest,
  MaintenanceSource,
  ManagerOptions,
  PasswordRequest,
  ProvisionRequest,
} from '../model/api.ts';

export type FieldKey =
  | keyof ProvisionRequest
  | keyof PasswordRequest
  | keyof DeleteRequest
  | keyof ExtendRequest
  | keyof ClusterFilter
  | keyof MaintenanceSource
  | keyof ManagerOptions;

/** How one edge names the fields its user gives; a field left out gets the library's name. */
export type FieldNames = Partial<Record<FieldKey, string>>;

/** Every key of PasswordRequest (a key added there and not here is a compile error). */
export const PASSWORD_KEYS: Readonly<Record<keyof Required<PasswordRequest>, true>> = {
  setPassword: true,
  manageMasterUserPassword: true,
  accessPrincipalArns: true,
  kmsKeyId: true,
  forceCreateKmsKey: true,
  secretPrefix: true,
  secretKey: true,
};

/** The library's own names: the request's property path (`password.kmsKeyId`). */
export function libraryName(key: FieldKey): string {
  return Object.hasOwn(PASSWORD_KEYS, key) ? `password.${key}` : key;
}

/** A function naming each field as the edge does, falling back to `fallback` (the library's name). */
export function namer(
  fields: FieldNames = {},
  fallback: (key: FieldKey) => string = libraryName,
): (key: FieldKey) => string {
  return (key) => (Object.hasOwn(fields, key) ? fields[key] : undefined) ?? fallback(key);
}
