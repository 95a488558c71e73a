// The emulator serves several AWS services on one port. Each service is a plug-in: the server
// parses the HTTP request once, finds the service that claims it, applies fault injection and
// records stats, and the service answers in its own wire protocol (Query/XML, JSON, REST-JSON).

import type { Clock } from '../util/clock.ts';

export interface EmulatorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** From the SigV4 credential scope (…/20261125/eu-west-1/rds/aws4_request); default region otherwise. */
  region: string;
  /** Signing name from the credential scope, e.g. rds, secretsmanager, ssm, events, kms, lambda, dynamodb. */
  signingService?: string;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface EmulatorContext {
  clock: Clock;
  accountId: string;
  defaultRegion: string;
  /** Unique request ids, as AWS puts in every answer. */
  requestId(): string;
}

export interface EmulatedService {
  /** Short name used in stats and the state file: rds, secretsmanager, ssm, events, kms, lambda, dynamodb, sfn … */
  readonly name: string;
  /** True when this service should answer the request (signing name, X-Amz-Target prefix or path). */
  matches(req: EmulatorRequest): boolean;
  /** The action name for stats and fault injection (e.g. DescribeDBClusters, GetSecretValue). */
  actionOf(req: EmulatorRequest): string;
  handle(req: EmulatorRequest): Promise<EmulatorResponse>;
  /** Drop all state. */
  reset(): void;
  /** JSON-serialisable state for --state; restore() must accept what snapshot() returned. */
  snapshot?(): unknown;
  restore?(state: unknown): void;
  /** Error answer in this service's protocol (used for injected faults). */
  errorResponse(code: string, message: string, status: number): EmulatorResponse;
}
