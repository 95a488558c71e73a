// The AWS services the Lambda and its wait/concurrency machinery need besides RDS, all served on
// the emulator's one port: Secrets Manager, SSM, EventBridge, KMS (awsJson), Lambda (REST-JSON) and
// DynamoDB (dynalite). Built together so the server lists them with one line and tests get them typed.

import type { EmulatedService, EmulatorContext } from '../service.ts';
import { type DynamoDbOptions, DynamoDbService } from './dynamodb.ts';
import { EventBridgeService } from './events.ts';
import { KmsService } from './kms.ts';
import { type LambdaOptions, LambdaService } from './lambda.ts';
import { SecretsManagerService } from './secretsmanager.ts';
import { SsmService } from './ssm.ts';

export interface JsonServicesOptions {
  /** Default true: Secrets Manager refuses to encrypt/decrypt with a missing, disabled or pending-deletion key. */
  checkSecretKmsKeys?: boolean;
  lambda?: LambdaOptions;
  dynamodb?: DynamoDbOptions;
}

export interface JsonServices {
  secretsmanager: SecretsManagerService;
  ssm: SsmService;
  events: EventBridgeService;
  kms: KmsService;
  lambda: LambdaService;
  dynamodb: DynamoDbService;
}

export function buildJsonServices(ctx: EmulatorContext, options: JsonServicesOptions = {}): JsonServices {
  const kms = new KmsService(ctx);
  return {
    // Secrets are encrypted with keys of the emulated KMS, so a disabled or deleted key fails as on AWS.
    secretsmanager: new SecretsManagerService(
      ctx,
      options.checkSecretKmsKeys === false
        ? {}
        : { kmsKeys: (region, keyId) => kms.keyUsability(region, keyId) },
    ),
    ssm: new SsmService(ctx),
    events: new EventBridgeService(ctx),
    kms,
    lambda: new LambdaService(ctx, options.lambda),
    dynamodb: new DynamoDbService(ctx, options.dynamodb),
  };
}

/** The typed services inside a server's list (for tests: `jsonServicesIn(list).lambda.registerFunction`). */
export function jsonServicesIn(services: readonly EmulatedService[]): JsonServices {
  const find = <T>(cls: abstract new (...args: never[]) => T): T => {
    const found = services.find((s) => s instanceof cls);
    if (!found) throw new Error(`the emulator does not serve ${cls.name}`);
    return found as T;
  };
  return {
    secretsmanager: find(SecretsManagerService),
    ssm: find(SsmService),
    events: find(EventBridgeService),
    kms: find(KmsService),
    lambda: find(LambdaService),
    dynamodb: find(DynamoDbService),
  };
}
