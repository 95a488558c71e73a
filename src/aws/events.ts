// EventBridge adapter: the only place an EventBridge client is built.
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { awsError } from './call.ts';
import { type AwsConfig, clientConfig } from './config.ts';
import { SdkAdapter } from './sdk-adapter.ts';

type Sdk = typeof import('./sdk/events.ts');

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

export class EventsAdapter extends SdkAdapter<Sdk, EventBridgeClient> {
  constructor(from: AwsConfig | EventBridgeClient = {}) {
    super(
      'EventBridge',
      () => import('./sdk/events.ts'),
      from,
      (sdk, config) => new sdk.EventBridgeClient(clientConfig(config, 'EVENTBRIDGE')),
    );
  }

  async putEvents(entries: EventEntry[]): Promise<PutEventsResult> {
    const [{ PutEventsCommand }, client] = await this.sdk();
    const out = await call('PutEvents', () =>
      client.send(
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
