// One error hierarchy for the whole product. The CLI maps `exitCode` to its exit status, the Lambda
// puts `message` in the CloudFormation Reason. Every error names what it is about in `context`.

export type ErrorContext = Record<string, string | number | boolean | undefined>;

export class AcmError extends Error {
  /** 1: the operation failed; 2: bad usage or input. */
  readonly exitCode: 1 | 2 = 1;
  readonly context: ErrorContext;
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = context;
  }
}

/** Bad input: names the field (flag, property, config path) and what is wrong with it. */
export class ValidationError extends AcmError {
  override readonly exitCode = 2 as const;
  readonly field: string;
  constructor(field: string, problem: string, context: ErrorContext = {}) {
    super(`${field}: ${problem}`, { ...context, field });
    this.field = field;
  }
}

/** Several validation problems found in one pass, reported together. */
export class ValidationErrors extends AcmError {
  override readonly exitCode = 2 as const;
  readonly errors: ValidationError[];
  constructor(errors: ValidationError[]) {
    super(errors.map((e) => e.message).join('; '), { fields: errors.map((e) => e.field).join(',') });
    this.errors = errors;
  }
}

/**
 * The AWS settings cannot be resolved: no Region anywhere, a named profile that does not exist, or
 * endpoints that would split one request between the emulator and AWS. Fixed by configuration: exit 2.
 */
export class AwsConfigurationError extends AcmError {
  override readonly exitCode = 2 as const;
}

export class SourceNotFoundError extends AcmError {
  /** `where`: the Region, profile and endpoint that were asked (describeTarget), so a wrong one shows. */
  constructor(clusterId: string, where?: string) {
    super(`source cluster ${clusterId} does not exist${where ? ` (looked in ${where})` : ''}`, {
      clusterId,
      where,
    });
  }
}

/** A cluster the caller named (to get, extend or delete) does not exist; the edges add where they looked. */
export class ClusterNotFoundError extends AcmError {
  /** `where`: the Region, profile and endpoint that were asked, so a wrong one shows. */
  constructor(clusterId: string, where?: string) {
    super(`cluster ${clusterId} does not exist${where ? ` (looked in ${where})` : ''}`, { clusterId, where });
  }
}

export class ClusterExistsError extends AcmError {
  constructor(clusterId: string) {
    super(`cluster ${clusterId} already exists`, { clusterId });
  }
}

/** No source has a free clone slot and making a copy is not allowed. */
export class NoCapacityError extends AcmError {}

/** Every source that could take the clone refused the restore during this request. */
export class SourcesRefusedError extends AcmError {}

/** The manager refuses to touch a cluster it does not own (the root, or anything untagged). */
export class NotManagedError extends AcmError {
  constructor(clusterId: string, why: string) {
    super(`refusing to touch cluster ${clusterId}: ${why}`, { clusterId });
  }
}

/**
 * An AWS call failed; `cause` is the SDK error. The adapters (src/aws) raise the subclasses below so
 * that nothing above them matches AWS fault names; `retryable` says whether repeating may succeed.
 */
export class AwsCallError extends AcmError {
  readonly awsCode: string | undefined;
  readonly action: string;
  readonly retryable: boolean;
  constructor(action: string, cause: unknown, context: ErrorContext = {}, retryable = false) {
    const code = errorCode(cause);
    super(
      `${action} failed: ${code ? `${code}: ` : ''}${errorMessage(cause)}`,
      { ...context, action, awsCode: code },
      { cause },
    );
    this.awsCode = code;
    this.action = action;
    this.retryable = retryable;
  }
}

/** The resource named in the call does not exist (cluster, instance, secret, key, parameter). */
export class AwsNotFoundError extends AwsCallError {}

/** A resource with that name already exists (often a retried call whose first attempt landed). */
export class AwsAlreadyExistsError extends AwsCallError {}

/** The resource is in a state that does not allow the call (for example already being deleted). */
export class AwsInvalidStateError extends AwsCallError {}

/** An account quota is used up (clusters, instances, storage). */
export class AwsQuotaError extends AwsCallError {}

/** The call never reached AWS (connection refused, name not found, timed out). */
export class AwsUnreachableError extends AwsCallError {}

/** AWS refused a restore from this source now (no instance, not available, gone): try another one. */
export class RestoreRefusedError extends AwsCallError {}

/**
 * No credentials anywhere the SDK looks (variables, profile, SSO, instance role): fixed by
 * configuration, so exit 2, with what to do.
 */
export class AwsCredentialsError extends AwsCallError {
  override readonly exitCode = 2 as const;
  constructor(action: string, cause: unknown, context: ErrorContext = {}) {
    super(action, cause, context, false);
    this.message = `no AWS credentials found for ${action}: run \`aws configure\` (or \`aws sso login\`), set AWS_PROFILE or give --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (${errorMessage(cause)})`;
  }
}

/** What answered was not AWS (a web page from a proxy, a wrong port): retrying will not help. */
export class NotAnAwsEndpointError extends AcmError {
  override readonly exitCode = 2 as const;
}

export class WaitTimeoutError extends AcmError {}

/** Another process holds the lease on a source for longer than we are prepared to wait. */
export class LeaseBusyError extends AcmError {}

/** Too little of this holder's lease is left to act on what it read (it was paused, or calls were slow). */
export class LeaseLostError extends AcmError {}

export function errorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; Code?: unknown; code?: unknown };
    if (typeof e.Code === 'string') return e.Code;
    if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
