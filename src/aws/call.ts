// How every adapter turns an SDK failure into one of the product's named errors, so nothing above
// src/aws matches AWS fault names. The names are AWS's wire codes (botocore's models).
import {
  AcmError,
  AwsAlreadyExistsError,
  AwsCallError,
  AwsCredentialsError,
  AwsInvalidStateError,
  AwsNotFoundError,
  AwsQuotaError,
  AwsUnreachableError,
  type ErrorContext,
  errorCode,
  NotAnAwsEndpointError,
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
  CredentialsProviderError: AwsCredentialsError,
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

interface RawAnswer {
  response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

interface RawRequest {
  request?: { protocol?: string; hostname?: string; port?: number };
}

/**
 * Middleware for the clients the adapters build: an answer that is a web page is not AWS's (a proxy,
 * a wrong port, another server on the emulator's), so the call fails at once saying so, instead of
 * being parsed as an empty result or retried as a server error.
 */
export function refuseWebPages() {
  return (next: (args: unknown) => Promise<unknown>) =>
    async (args: unknown): Promise<unknown> => {
      const answer = (await next(args)) as RawAnswer;
      const headers = answer.response?.headers ?? {};
      const type = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
      if (/text\/html/i.test(type)) {
        const r = (args as RawRequest).request;
        const where = r
          ? `${r.protocol ?? 'http:'}//${r.hostname ?? ''}${r.port ? `:${r.port}` : ''}`
          : 'the endpoint';
        throw new NotAnAwsEndpointError(
          `${where} answered HTTP ${answer.response?.statusCode ?? '?'} with a web page, not an AWS response: is it the emulator or an AWS endpoint (--endpoint-url, AWS_ENDPOINT_URL)?`,
          { endpoint: where },
        );
      }
      return answer;
    };
}
