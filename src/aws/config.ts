// The one place where AWS client settings are resolved. Every adapter is built from an AwsConfig,
// so the same code talks to AWS, to the embedded emulator or to moto: only the endpoint differs.
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { BoundedRetryStrategy } from './retry-strategy.ts';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsConfig {
  /** e.g. http://127.0.0.1:4510; when absent the SDK uses AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL, else AWS. */
  endpoint?: string;
  region?: string;
  credentials?: AwsCredentials;
  /** SDK-level retry attempts (the SDK's own backoff handles Throttling and 5xx). */
  maxAttempts?: number;
  /**
   * How long one HTTP request may take before it is abandoned (and retried). Calls made under a
   * source's lease must end well inside the lease (DEFAULT_LEASE_TTL_MS). Default 20 s.
   */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

export type ServiceEnvName =
  | 'RDS'
  | 'DYNAMODB'
  | 'SECRETS_MANAGER'
  | 'SSM'
  | 'EVENTBRIDGE'
  | 'KMS'
  | 'LAMBDA';

/** The endpoint a service's client uses: the configured one, else the SDK's variables; undefined for AWS. */
export function endpointFor(
  config: AwsConfig,
  service: ServiceEnvName,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  // An empty variable (`AWS_ENDPOINT_URL_RDS=`) means unset, as it does for the SDK and the AWS CLI.
  const set = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  return set(config.endpoint) ?? set(env[`AWS_ENDPOINT_URL_${service}`]) ?? set(env.AWS_ENDPOINT_URL);
}

/** An endpoint on this machine: the embedded emulator, moto, LocalStack. */
export function isLocalEndpoint(endpoint: string | undefined): boolean {
  return endpoint !== undefined && /^https?:\/\/(127\.|localhost|\[::1\])/.test(endpoint);
}

/** Settings for one SDK v3 client constructor. */
export function clientConfig(
  config: AwsConfig,
  service: ServiceEnvName,
  env: NodeJS.ProcessEnv = process.env,
) {
  const set = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  const endpoint = endpointFor(config, service, env);
  const region = set(config.region) ?? set(env.AWS_REGION) ?? set(env.AWS_DEFAULT_REGION) ?? 'us-east-1';
  // Local endpoints accept any credentials; give the SDK some so it does not search the machine for them.
  const local = isLocalEndpoint(endpoint);
  const credentials =
    config.credentials ??
    (local && !env.AWS_ACCESS_KEY_ID ? { accessKeyId: 'test', secretAccessKey: 'test' } : undefined);
  return {
    region,
    maxAttempts: config.maxAttempts ?? 8,
    retryStrategy: new BoundedRetryStrategy(config.maxAttempts ?? 8),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 5_000,
      requestTimeout: config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      // Without it the SDK only warns and keeps waiting on a request that never answers.
      throwOnRequestTimeout: true,
    }),
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  };
}
