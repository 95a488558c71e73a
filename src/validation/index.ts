// Every input rule of the product, once: the library, the CLI, the CloudFormation custom resource,
// the Lambda's environment and the maintenance config validate through these, each naming the fields
// the way its own user wrote them. Pure: no I/O, no AWS SDK.
export { checkEndpointUrl, checkProfileName, checkRegion, checkTableName } from './aws-settings.ts';
export { checkRole, validateClusterFilter } from './cluster-filter.ts';
export { LIBRARY_DEFAULTS, type PoolDefaults } from './defaults.ts';
export { validateDeleteRequest } from './delete.ts';
export { checkDuration, MAX_DURATION_DAYS, MAX_DURATION_MS } from './durations.ts';
export { type ValidExtendRequest, validateExtendRequest } from './extend.ts';
export { type FieldKey, type FieldNames, libraryName, PASSWORD_KEYS } from './fields.ts';
export {
  CLUSTER_ARN,
  checkClusterId,
  checkClusterIdOrArn,
  checkManagerId,
  checkParameterGroupName,
  checkSecurityGroupIds,
  checkSubnetGroupName,
  clusterIdOf,
} from './identifiers.ts';
export { checkInstanceClass } from './instance-class.ts';
export { checkInstant } from './instants.ts';
export {
  DEFAULT_LOW_WATER_SLOTS,
  parseMaintenanceConfig,
  validateMaintenanceSource,
} from './maintenance.ts';
export { validateManagerOptions } from './manager.ts';
export {
  checkMaxClonesPerSource,
  checkTargetCloneSlots,
  MAX_CLONES_PER_CLONE_GROUP,
  MAX_COPIES_PER_TARGET,
  MAX_TARGET_CLONE_SLOTS,
  wholeNumberIn,
} from './numbers.ts';
export { checkKeys, FORBIDDEN_KEYS, isPlainObject, type KnownKeys } from './objects.ts';
export {
  checkKmsKeyId,
  checkPasswordChoice,
  checkPrincipalArns,
  checkSecretKey,
  checkSecretPrefix,
} from './password.ts';
export { Problems } from './problems.ts';
export { validateProvision } from './provision.ts';
export {
  booleanValue,
  describeValue,
  isBlank,
  parseBoolean,
  parseList,
  parseWholeNumber,
  stringValue,
  textOf,
} from './raw.ts';
export {
  checkOwner,
  checkRequestKey,
  checkTags,
  MANAGER_TAG_COUNT,
  MAX_TAGS_PER_RESOURCE,
  MAX_USER_TAGS,
  RESERVED_TAG_PREFIXES,
  tagKeyProblem,
  tagValueProblem,
} from './tags.ts';
