// How every adapter turns an SDK failure into one of the product's named errors, so nothing above
// src/aws matches AWS fault names. The names are AWS's wire codes (botocore's models).
import {
  AcmError,
  AwsAlreadyExistsError,
  AwsCallError,
  AwsInvalidStateError,
  AwsNotFoundError,
  AwsQuotaError,
  AwsUnreachableError,
  type ErrorContext,
  errorCode,
} from '../util/errors.ts';
import { isRetryableAwsError } from '../util/retry.ts';

type AwsErrorClass = new (
  action: string,
  cause: unknown,
  context?: ErrorContext,
  retryable?: boolean,
) => AwsCallError;

const BY_CODE: Record<string, AwsErrorClass> = {
  DBClusterNotFoundFault: AwsNotFoundError,
  DBInstanceNotFound: AwsNotFoundError,
  DBInstanceNotFoundFault: AwsNotFoundError,
  ResourceNotFoundException: AwsNotFoundError,
  NotFoundException: AwsNotFoundError,
  ParameterNotFound: AwsNotFoundError,
  DBClusterAlreadyExistsFault: AwsAlreadyExistsError,
  DBInstanceAlreadyExists: AwsAlreadyExistsError,
  DBInstanceAlreadyExistsFault: AwsAlreadyExistsError,
  ResourceExistsException: AwsAlreadyExistsError,
  ResourceInUseException: AwsAlreadyExistsError,
  InvalidDBClusterStateFault: AwsInvalidStateError,
  InvalidDBInstanceState: AwsInvalidStateError,
  InvalidDBInstanceStateFault: AwsInvalidStateError,
  KMSInvalidStateException: AwsInvalidStateError,
  DBClusterQuotaExceededFault: AwsQuotaError,
  InstanceQuotaExceeded: AwsQuotaError,
  StorageQuotaExceeded: AwsQuotaError,
  InsufficientStorageClusterCapacity: AwsQuotaError,
  ECONNREFUSED: AwsUnreachableError,
  ECONNRESET: AwsUnreachableError,
  ENOTFOUND: AwsUnreachableError,
  EAI_AGAIN: AwsUnreachableError,
  ETIMEDOUT: AwsUnreachableError,
  EHOSTUNREACH: AwsUnreachableError,
  EPIPE: AwsUnreachableError,
  TimeoutError: AwsUnreachableError,
};

/** The named error for an SDK failure of `action` (e.g. `rds:DeleteDBCluster`). */
export function awsError(action: string, err: unknown, context: ErrorContext = {}): AcmError {
  // The product's own errors (a check run inside the SDK's retry loop) pass through unchanged.
  if (err instanceof AcmError) return err;
  const Named = BY_CODE[errorCode(err) ?? ''] ?? AwsCallError;
  return new Named(action, err, context, isRetryableAwsError(err));
}

/** Runs one SDK call, raising a named error when it fails. */
export async function awsCall<T>(action: string, context: ErrorContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw awsError(action, err, context);
  }
}
