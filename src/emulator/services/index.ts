// The services the emulator serves on its one port. To add one, append a line to the list below;
// the server asks each service in order whether it claims a request (EmulatedService.matches).

import type { EmulatedService, EmulatorContext } from '../service.ts';
import { buildJsonServices, type JsonServicesOptions } from './json-services.ts';
import type { RdsOptionsInput } from './rds/options.ts';
import { RdsService } from './rds/service.ts';

export interface ServiceOptions {
  rds?: RdsOptionsInput;
  /** Secrets Manager, SSM, EventBridge, KMS, Lambda, DynamoDB (see json-services.ts). */
  json?: JsonServicesOptions;
}

export function buildServices(ctx: EmulatorContext, options: ServiceOptions = {}): EmulatedService[] {
  return [
    new RdsService(ctx, options.rds),
    // JSON-protocol services (X-Amz-Target) are added here, one line each.
    ...Object.values(buildJsonServices(ctx, options.json)),
  ];
}
