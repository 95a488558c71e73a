// What the executor needs to act: the adapters (the only SDK users) and how to pace and report.
import type { KmsAdapter } from '../aws/kms.ts';
import type { RdsAdapter } from '../aws/rds.ts';
import type { SecretsAdapter } from '../aws/secrets.ts';
import type { ProgressEvent } from '../model/api.ts';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/log.ts';

export interface ExecutorContext {
  rds: RdsAdapter;
  /** Built on first use: most runs never touch Secrets Manager or KMS. */
  secrets(): SecretsAdapter;
  kms(): KmsAdapter;
  managerId: string;
  clock: Clock;
  logger: Logger;
  progress(event: ProgressEvent): void;
  /** Retries a call on Throttling and 5xx beyond the SDK's own attempts; only for calls safe to repeat. */
  retry<T>(fn: () => Promise<T>): Promise<T>;
  pollMinMs: number;
  pollMaxMs: number;
  /** The longest a wait may last. */
  waitTimeoutMs: number;
}
