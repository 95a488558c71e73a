// The adapters one process uses, built once per AWS configuration and each on first use (a CLI
// `status` never loads KMS). Callers may pass their own SDK clients (tests, custom middleware).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { type AwsConfig, awsConfigKey } from './config.ts';
import { DynamoDbAdapter } from './dynamodb.ts';
import { EventsAdapter } from './events.ts';
import { KmsAdapter } from './kms.ts';
import { LambdaAdapter } from './lambda.ts';
import { RdsAdapter } from './rds.ts';
import { SecretsAdapter } from './secrets.ts';
import { SsmAdapter } from './ssm.ts';

/** SDK clients, or whole adapters, a library user may hand in instead of a configuration. */
export interface AwsClients {
  rds?: RDSClient | RdsAdapter;
  dynamodb?: DynamoDBClient | DynamoDbAdapter;
  secretsManager?: SecretsManagerClient | SecretsAdapter;
  kms?: KMSClient | KmsAdapter;
  ssm?: SSMClient | SsmAdapter;
  eventBridge?: EventBridgeClient | EventsAdapter;
  lambda?: LambdaClient | LambdaAdapter;
}

/** The given adapter, or one built around the given client or the configuration. */
function adapter<A, C>(
  given: A | C | undefined,
  Adapter: new (from: C | AwsConfig) => A,
  config: AwsConfig,
): A {
  if (given instanceof Adapter) return given;
  return new Adapter((given as C | undefined) ?? config);
}

export class Adapters {
  private built: Partial<{
    rds: RdsAdapter;
    dynamodb: DynamoDbAdapter;
    secrets: SecretsAdapter;
    kms: KmsAdapter;
    ssm: SsmAdapter;
    events: EventsAdapter;
    lambda: LambdaAdapter;
  }> = {};

  constructor(
    private readonly config: AwsConfig = {},
    private readonly clients: AwsClients = {},
  ) {}

  get rds(): RdsAdapter {
    this.built.rds ??= adapter(this.clients.rds, RdsAdapter, this.config);
    return this.built.rds;
  }
  get dynamodb(): DynamoDbAdapter {
    this.built.dynamodb ??= adapter(this.clients.dynamodb, DynamoDbAdapter, this.config);
    return this.built.dynamodb;
  }
  get secrets(): SecretsAdapter {
    this.built.secrets ??= adapter(this.clients.secretsManager, SecretsAdapter, this.config);
    return this.built.secrets;
  }
  get kms(): KmsAdapter {
    this.built.kms ??= adapter(this.clients.kms, KmsAdapter, this.config);
    return this.built.kms;
  }
  get ssm(): SsmAdapter {
    this.built.ssm ??= adapter(this.clients.ssm, SsmAdapter, this.config);
    return this.built.ssm;
  }
  get events(): EventsAdapter {
    this.built.events ??= adapter(this.clients.eventBridge, EventsAdapter, this.config);
    return this.built.events;
  }
  get lambda(): LambdaAdapter {
    this.built.lambda ??= adapter(this.clients.lambda, LambdaAdapter, this.config);
    return this.built.lambda;
  }
}

const perConfig = new Map<string, Adapters>();

/** The process's adapters for `config`; given clients make a set of their own. */
export function adaptersFor(config: AwsConfig = {}, clients?: AwsClients): Adapters {
  if (clients && Object.keys(clients).length > 0) return new Adapters(config, clients);
  const key = awsConfigKey(config);
  let adapters = perConfig.get(key);
  if (!adapters) {
    adapters = new Adapters(config);
    perConfig.set(key, adapters);
  }
  return adapters;
}
