// The one place where AWS settings are resolved, the way the AWS CLI and the SDK resolve them, so the
// manager acts in the Region and account the user's own `aws` commands do. Every adapter is built from
// an AwsConfig: the same code talks to AWS, to the embedded emulator or to moto; only the endpoint differs.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AwsConfigurationError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { BoundedRetryStrategy } from './retry-strategy.ts';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When temporary keys stop working (AWS_CREDENTIAL_EXPIRATION). */
  expiration?: Date;
  /** AWS_CREDENTIAL_SCOPE. */
  credentialScope?: string;
  /** The account the keys belong to (AWS_ACCOUNT_ID): DynamoDB's account-based endpoints use it. */
  accountId?: string;
}

export interface AwsConfig {
  /** Every service's endpoint (e.g. the emulator's http://127.0.0.1:4510); beats the variables and the profile. */
  endpoint?: string;
  /** Beats AWS_REGION, AWS_DEFAULT_REGION and the profile's `region`. */
  region?: string;
  /** A profile of ~/.aws/config and ~/.aws/credentials; default AWS_DEFAULT_PROFILE, AWS_PROFILE, else `default`. */
  profile?: string;
  credentials?: AwsCredentials;
  /** SDK-level retry attempts (the SDK's own backoff handles Throttling and 5xx). */
  maxAttempts?: number;
  /**
   * How long one HTTP request may take before it is abandoned (and retried). Calls made under a
   * source's lease must end well inside the lease (DEFAULT_LEASE_TTL_MS). Default 20 s.
   */
  requestTimeoutMs?: number;
  /** Logs every AWS call (service, operation, input, request id) at debug level: the CLI's --debug. */
  callLogger?: Logger;
  /** Each service's endpoint as resolved by resolveAwsConfig; undefined means AWS itself. */
  endpoints?: Partial<Record<ServiceEnvName, string>>;
  /**
   * No shared config or credentials file exists where they are looked for by default: a Lambda
   * function, which has no home directory. Unless a profile, AWS_CONFIG_FILE or
   * AWS_SHARED_CREDENTIALS_FILE names one, the environment alone then gives the Region, the endpoints
   * and (static keys) the credentials, as it would with the files read: nothing is read, and the
   * clients skip the SDK's credential chain (2 to 3 ms of a Lambda cold start's CPU).
   */
  noSharedFiles?: boolean;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

/** The Region a local endpoint gets when nothing names one: the emulator and moto accept any. */
export const LOCAL_DEFAULT_REGION = 'us-east-1';

/** Each service by its name in AWS_ENDPOINT_URL_<NAME>, with its key in a profile's `services` section. */
const SERVICES = {
  RDS: 'rds',
  DYNAMODB: 'dynamodb',
  SECRETS_MANAGER: 'secrets_manager',
  SSM: 'ssm',
  EVENTBRIDGE: 'eventbridge',
  KMS: 'kms',
  LAMBDA: 'lambda',
} as const;

export type ServiceEnvName = keyof typeof SERVICES;

type Env = NodeJS.ProcessEnv;
type Section = Record<string, string | undefined>;

// An empty setting (`AWS_ENDPOINT_URL_RDS=`) means unset, as it does for the SDK and the AWS CLI.
const set = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

/** The endpoint a service's client uses when the config was not resolved: the configured one, else the variables. */
export function endpointFor(
  config: AwsConfig,
  service: ServiceEnvName,
  env: Env = process.env,
): string | undefined {
  if (config.endpoints !== undefined) return set(config.endpoint) ?? config.endpoints[service];
  return set(config.endpoint) ?? set(env[`AWS_ENDPOINT_URL_${service}`]) ?? set(env.AWS_ENDPOINT_URL);
}

/** An endpoint of AWS itself (none given, or a host under AWS's domains, a VPC endpoint included). */
export function isAwsEndpoint(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return true;
  try {
    return /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/i.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** An endpoint on this machine: the embedded emulator, moto, LocalStack. */
export function isLocalEndpoint(endpoint: string | undefined): boolean {
  return endpoint !== undefined && /^https?:\/\/(127\.|localhost|\[::1\])/.test(endpoint);
}

/**
 * Region, profile and every service's endpoint, resolved once as the AWS CLI does:
 * - Region: `region`, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`; a local endpoint with
 *   none of them gets LOCAL_DEFAULT_REGION; AWS with none is an error (never a guessed Region).
 * - Endpoint of each service: `endpoint`, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's
 *   `services` section, the profile's `endpoint_url` (the last four skipped when
 *   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the profile's ignore_configured_endpoint_urls is true).
 * - Profile: `profile`, AWS_DEFAULT_PROFILE, AWS_PROFILE, `default` (the AWS CLI's order); a profile
 *   named but found in neither file is an error.
 * - Credentials: `credentials`; else, unless `profile` is given, keys set in the environment (over
 *   the variables' profile, as the AWS CLI takes them; an access key without its secret, or keys
 *   past their AWS_CREDENTIAL_EXPIRATION, are errors as they are for it); else the SDK's chain finds
 *   them (the profile's first).
 */
export async function resolveAwsConfig(config: AwsConfig = {}, env: Env = process.env): Promise<AwsConfig> {
  if (config.endpoints !== undefined && config.region !== undefined) return config;
  const named = set(config.profile) ?? profileVariable(env)?.name;
  const noFiles =
    config.noSharedFiles && !named && !set(env.AWS_CONFIG_FILE) && !set(env.AWS_SHARED_CREDENTIALS_FILE);
  const files = noFiles ? NO_FILES : await sharedConfigFiles(env);
  const { config: resolved, region, profileName } = settle(config, env, files);
  if (region === undefined) {
    throw noFiles
      ? new AwsConfigurationError('no AWS Region: set AWS_REGION (no shared config file here)', {})
      : new AwsConfigurationError(
          `no AWS Region: give --region, set AWS_REGION, or set region in profile ${profileName} (${files.configPath})`,
          { profile: profileName },
        );
  }
  // With keys in the environment and AWS_PROFILE both set, the AWS CLI signs with the keys (only
  // --profile sets them aside) and the SDK with the profile's: two accounts, possibly. The keys, so
  // that the manager acts in the account the user's `aws` commands act in.
  if (resolved.credentials !== undefined || set(config.profile) !== undefined) return resolved;
  const keys = environmentCredentials(env);
  return keys ? { ...resolved, credentials: keys } : resolved;
}

/**
 * Keys set in the environment, as the SDK's and the AWS CLI's chains read them, or undefined. The
 * AWS CLI refuses an access key without its secret, and keys past their expiry, rather than sign
 * with something else: so does this.
 */
function environmentCredentials(env: Env): AwsCredentials | undefined {
  const accessKeyId = set(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = set(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId === undefined) return undefined;
  if (secretAccessKey === undefined) {
    throw new AwsConfigurationError(
      'AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or unset AWS_ACCESS_KEY_ID',
      { variable: 'AWS_SECRET_ACCESS_KEY' },
    );
  }
  const sessionToken = set(env.AWS_SESSION_TOKEN);
  const expiration = set(env.AWS_CREDENTIAL_EXPIRATION);
  const expiresAt = expiration === undefined ? undefined : Date.parse(expiration);
  if (expiresAt !== undefined && Number.isNaN(expiresAt)) {
    throw new AwsConfigurationError(
      `AWS_CREDENTIAL_EXPIRATION: not a date and time: ${JSON.stringify(expiration)} (ISO-8601, such as 2030-01-01T00:00:00Z)`,
      { variable: 'AWS_CREDENTIAL_EXPIRATION' },
    );
  }
  if (expiresAt !== undefined && expiresAt <= Date.now()) {
    throw new AwsConfigurationError(
      `the keys in AWS_ACCESS_KEY_ID expired at ${expiration} (AWS_CREDENTIAL_EXPIRATION): get new ones`,
      { variable: 'AWS_CREDENTIAL_EXPIRATION' },
    );
  }
  const credentialScope = set(env.AWS_CREDENTIAL_SCOPE);
  const accountId = set(env.AWS_ACCOUNT_ID);
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken !== undefined ? { sessionToken } : {}),
    ...(expiration !== undefined ? { expiration: new Date(expiration) } : {}),
    ...(credentialScope !== undefined ? { credentialScope } : {}),
    ...(accountId !== undefined ? { accountId } : {}),
  };
}

/** The profile the environment names, and the variable that names it, in the AWS CLI's order. */
function profileVariable(env: Env): { name: string; variable: string } | undefined {
  for (const variable of ['AWS_DEFAULT_PROFILE', 'AWS_PROFILE']) {
    const name = set(env[variable]);
    if (name !== undefined) return { name, variable };
  }
  return undefined;
}

type SharedFiles = Awaited<ReturnType<typeof sharedConfigFiles>>;

const NO_FILES: SharedFiles = { configPath: '', credentialsPath: '', configFile: {}, credentialsFile: {} };

/** resolveAwsConfig's rules on the files as read: the config, and its Region (undefined when none is set). */
function settle(config: AwsConfig, env: Env, files: SharedFiles) {
  const variable = profileVariable(env);
  const named = set(config.profile) ?? variable?.name;
  const profileName = named ?? 'default';
  const profile: Section = { ...files.credentialsFile[profileName], ...files.configFile[profileName] };
  if (named !== undefined && !files.configFile[named] && !files.credentialsFile[named]) {
    const field = set(config.profile) !== undefined ? '--profile' : (variable?.variable ?? 'AWS_PROFILE');
    throw new AwsConfigurationError(
      `${field} ${named}: no such profile in ${files.configPath} or ${files.credentialsPath}`,
      { profile: named },
    );
  }
  const endpoints: Partial<Record<ServiceEnvName, string>> = {};
  const ignoreConfigured = isTrue(
    env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? profile.ignore_configured_endpoint_urls,
  );
  const services: Section = profile.services ? (files.configFile[`services.${profile.services}`] ?? {}) : {};
  for (const [service, key] of Object.entries(SERVICES) as [ServiceEnvName, string][]) {
    const endpoint =
      set(config.endpoint) ??
      (ignoreConfigured
        ? undefined
        : (set(env[`AWS_ENDPOINT_URL_${service}`]) ??
          set(env.AWS_ENDPOINT_URL) ??
          set(services[`${key}.endpoint_url`]) ??
          set(profile.endpoint_url)));
    if (endpoint !== undefined) endpoints[service] = endpoint;
  }
  const region =
    set(config.region) ??
    set(env.AWS_REGION) ??
    set(env.AWS_DEFAULT_REGION) ??
    set(profile.region) ??
    (isLocalEndpoint(endpoints.RDS) ? LOCAL_DEFAULT_REGION : undefined);
  return {
    config: { ...config, region, endpoints, ...(named !== undefined ? { profile: named } : {}) },
    region,
    profileName,
  };
}

/** Where a service's calls go, for messages: "Region eu-west-1 (profile dev)" or "… at http://127.0.0.1:4510". */
export function describeTarget(config: AwsConfig, service: ServiceEnvName = 'RDS'): string {
  const endpoint = endpointFor(config, service);
  const where = [
    `Region ${config.region ?? '(unresolved)'}`,
    config.profile !== undefined ? `profile ${config.profile}` : undefined,
    endpoint !== undefined ? `endpoint ${endpoint}` : undefined,
  ];
  return where.filter((w) => w !== undefined).join(', ');
}

/** Adapters built for equal keys are interchangeable. */
export function awsConfigKey(config: AwsConfig): string {
  return JSON.stringify([
    config.endpoint,
    config.endpoints,
    config.region,
    config.profile,
    config.credentials,
    config.maxAttempts,
    config.requestTimeoutMs,
    config.callLogger !== undefined,
    config.noSharedFiles === true,
  ]);
}

/** Settings for one SDK v3 client constructor. */
export function clientConfig(config: AwsConfig, service: ServiceEnvName, env: Env = process.env) {
  const endpoint = endpointFor(config, service, env);
  // Local endpoints accept any credentials; give the SDK some so it does not search the machine for them.
  const local = isLocalEndpoint(endpoint);
  const credentials =
    config.credentials ??
    (local && !env.AWS_ACCESS_KEY_ID ? { accessKeyId: 'test', secretAccessKey: 'test' } : undefined);
  // Without a resolved Region the SDK finds one itself (AWS_REGION, the profile): never a guessed one.
  const region = config.region ?? (local ? LOCAL_DEFAULT_REGION : undefined);
  return {
    ...(region !== undefined ? { region } : {}),
    ...(config.profile !== undefined ? { profile: config.profile } : {}),
    maxAttempts: config.maxAttempts ?? 8,
    retryStrategy: new BoundedRetryStrategy(config.maxAttempts ?? 8),
    // Options, not a handler: the client builds its own handler from them when it is built, so the
    // HTTP handler's module loads with the first client, not with `--help`.
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      // Without it the SDK only warns and keeps waiting on a request that never answers.
      throwOnRequestTimeout: true,
    },
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    ...(config.callLogger
      ? { logger: sdkCallLogger(config.callLogger) }
      : // A profile chosen while keys are set in the environment is a choice, as for the AWS CLI;
        // without a logger of its own the SDK's chain prints a warning of eight lines about it.
        config.profile !== undefined
        ? { logger: QUIET_SDK_LOGGER }
        : {}),
  };
}

const QUIET_SDK_LOGGER = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

interface SdkCallRecord {
  clientName?: string;
  commandName?: string;
  input?: unknown;
  error?: unknown;
  metadata?: { requestId?: string; attempts?: number; totalRetryDelay?: number; httpStatusCode?: number };
}

/**
 * The SDK logs each call it completes (info) or fails (error) with its input and output; keep the
 * call, its input and what the response says about it, not the output (a page of clusters).
 */
function sdkCallLogger(logger: Logger) {
  const record = (level: 'debug' | 'warn', what: unknown) => {
    if (typeof what !== 'object' || what === null) return logger[level]('aws sdk', { message: String(what) });
    const r = what as SdkCallRecord;
    logger[level]('aws call', {
      call: `${(r.clientName ?? '').replace(/Client$/, '')}.${(r.commandName ?? '').replace(/Command$/, '')}`,
      input: r.input,
      requestId: r.metadata?.requestId,
      httpStatus: r.metadata?.httpStatusCode,
      attempts: r.metadata?.attempts,
      retryDelayMs: r.metadata?.totalRetryDelay,
      ...(r.error !== undefined
        ? { error: r.error instanceof Error ? `${r.error.name}: ${r.error.message}` : String(r.error) }
        : {}),
    });
  };
  return {
    debug: () => {},
    info: (what: unknown) => record('debug', what),
    warn: (what: unknown) => record('warn', what),
    error: (what: unknown) => record('debug', what),
  };
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() === 'true';
}

async function sharedConfigFiles(env: Env) {
  const home = set(env.HOME) ?? set(env.USERPROFILE) ?? homedir();
  const configPath = set(env.AWS_CONFIG_FILE) ?? join(home, '.aws', 'config');
  const credentialsPath = set(env.AWS_SHARED_CREDENTIALS_FILE) ?? join(home, '.aws', 'credentials');
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  const files = await loadSharedConfigFiles({
    configFilepath: configPath,
    filepath: credentialsPath,
    ignoreCache: true,
  });
  return {
    configPath,
    credentialsPath,
    configFile: files.configFile as Record<string, Section>,
    credentialsFile: files.credentialsFile as Record<string, Section>,
  };
}
