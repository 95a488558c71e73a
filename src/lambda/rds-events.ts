// RDS "DB instance created" notifications (RDS event subscription -> SNS -> this function): for a
// clone of this manager, finish the pending password change, then tell the event bus the clone is
// ready so teams can prepare it (migrations, anonymisation). Other clusters' events are ignored.
// A failure throws, so Lambda retries the delivery; both steps are safe to repeat.
import { AcmError, errorMessage } from '../util/errors.ts';
import { EVENT_SOURCE } from './continuation.ts';
import type { Deps } from './deps.ts';

export const INSTANCE_READY = 'lifecycle-event/instance-ready';
/** "DB instance created". */
export const INSTANCE_CREATED_EVENT = 'RDS-EVENT-0005';

export interface SnsEvent {
  Records: {
    EventSource?: string;
    Sns?: { Message?: string; MessageAttributes?: Record<string, { Value?: string }> };
  }[];
}

export interface RdsEventMessage {
  eventSource: string;
  sourceId: string;
  sourceArn?: string;
  /** RDS-EVENT-0005 */
  eventId: string;
  message: string;
}

export interface InstanceReadyDetail {
  instanceId: string;
  clusterId: string;
  host: string;
  port: number | null;
  user: string;
  passwordSecret: string;
  database: string;
}

export function isSnsEvent(event: unknown): event is SnsEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.length > 0 && records.every((r) => r?.EventSource === 'aws:sns');
}

/** The RDS message inside an SNS notification, or undefined when it is something else. */
export function parseRdsMessage(text: string | undefined): RdsEventMessage | undefined {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
  if (!m || typeof m !== 'object') return undefined;
  const source = m['Event Source'];
  const sourceId = m['Source ID'];
  const eventId = /RDS-EVENT-\d+/.exec(String(m['Event ID'] ?? ''))?.[0];
  if (typeof source !== 'string' || typeof sourceId !== 'string' || !eventId) return undefined;
  const out: RdsEventMessage = {
    eventSource: source,
    sourceId,
    eventId,
    message: String(m['Event Message'] ?? ''),
  };
  if (typeof m['Source ARN'] === 'string') out.sourceArn = m['Source ARN'];
  return out;
}

export type RecordOutcome =
  | { kind: 'ready'; instanceId: string; clusterId: string; passwordApplied: boolean }
  | { kind: 'ignored'; why: string }
  | { kind: 'failed'; error: string };

export async function handleRdsEvents(event: SnsEvent, deps: Deps): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  for (const record of event.Records) {
    let outcome: RecordOutcome;
    try {
      outcome = await handleOne(parseRdsMessage(record.Sns?.Message), deps);
    } catch (err) {
      outcome = { kind: 'failed', error: errorMessage(err) };
    }
    deps.logger[outcome.kind === 'failed' ? 'error' : 'info']('rds event', { ...outcome });
    outcomes.push(outcome);
  }
  const failed = outcomes.filter((o) => o.kind === 'failed');
  if (failed.length > 0) {
    throw new AcmError(`${failed.length} RDS event(s) failed: ${failed.map((f) => f.error).join('; ')}`);
  }
  return outcomes;
}

async function handleOne(msg: RdsEventMessage | undefined, deps: Deps): Promise<RecordOutcome> {
  if (!msg) return { kind: 'ignored', why: 'not an RDS event notification' };
  if (msg.eventSource !== 'db-instance' || msg.eventId !== INSTANCE_CREATED_EVENT) {
    return {
      kind: 'ignored',
      why: `${msg.eventId} of ${msg.eventSource} ${msg.sourceId} is not "DB instance created"`,
    };
  }
  const outcome = await deps.engine.onInstanceCreated(msg.sourceId, deps.options);
  if (outcome.kind === 'ignored') return outcome;
  const { clone, passwordApplied } = outcome;
  const detail: InstanceReadyDetail = {
    instanceId: outcome.instanceId,
    clusterId: clone.clusterId,
    host: outcome.host,
    port: outcome.port ?? null,
    user: clone.masterUsername ?? '',
    passwordSecret: clone.passwordSecret ?? '',
    database: clone.databaseName ?? '',
  };
  const put = await deps.engine.publishEvents(
    [
      {
        source: EVENT_SOURCE,
        detailType: INSTANCE_READY,
        detail,
        resources: [clone.arn],
        ...(deps.env.eventBusName ? { eventBusName: deps.env.eventBusName } : {}),
      },
    ],
    deps.options,
  );
  if (put.failedCount > 0) {
    const e = put.entries.find((x) => x.errorCode);
    throw new AcmError(
      `PutEvents refused the ${INSTANCE_READY} event: ${e?.errorCode ?? ''} ${e?.errorMessage ?? ''}`,
    );
  }
  return { kind: 'ready', instanceId: detail.instanceId, clusterId: clone.clusterId, passwordApplied };
}
