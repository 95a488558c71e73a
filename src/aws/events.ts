// EventBridge adapter: the only place an EventBridge client is built.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { awsError } from './call.ts';
import { type AwsConfig, clientConfig } from './config.ts';

export interface EventEntry {
  source: string;
  detailType: string;
  detail: object;
  /** Default: the account's default bus. */
  eventBusName?: string;
  resources?: string[];
}

export interface PutEventsResult {
  failedCount: number;
  entries: { eventId?: string; errorCode?: string; errorMessage?: string }[];
}

export class EventsAdapter {
  readonly client: EventBridgeClient;

  constructor(from: AwsConfig | EventBridgeClient = {}) {
    this.client =
      from instanceof EventBridgeClient ? from : new EventBridgeClient(clientConfig(from, 'EVENTBRIDGE'));
  }

  async putEvents(entries: EventEntry[]): Promise<PutEventsResult> {
    const out = await call('PutEvents', () =>
      this.client.send(
        new PutEventsCommand({
          Entries: entries.map((e) => ({
            Source: e.source,
            DetailType: e.detailType,
            Detail: JSON.stringify(e.detail),
            ...(e.eventBusName ? { EventBusName: e.eventBusName } : {}),
            ...(e.resources ? { Resources: e.resources } : {}),
          })),
        }),
      ),
    );
    return {
      failedCount: out.FailedEntryCount ?? 0,
      entries: (out.Entries ?? []).map((e) => ({
        ...(e.EventId ? { eventId: e.EventId } : {}),
        ...(e.ErrorCode ? { errorCode: e.ErrorCode } : {}),
        ...(e.ErrorMessage ? { errorMessage: e.ErrorMessage } : {}),
      })),
    };
  }
}

async function call<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw awsError(`events:${action}`, err);
  }
}
