// Emulated Amazon EventBridge (awsJson1.1, target prefix `AWSEvents`). The product only puts events
// (`lifecycle-event/instance-ready`); nothing routes them. So PutEvents validates each entry as
// EventBridge does, and keeps the accepted ones with their time so tests can inspect them through
// `putEvents()`. Only each region's `default` bus exists.

import { randomUUID } from 'node:crypto';
import {
  AwsServiceError,
  type JsonAction,
  type JsonObject,
  JsonService,
  missingMember,
  optNumber,
  optObjects,
  optString,
  optStringList,
} from '../protocol/json.ts';
import type { EmulatorContext, EmulatorRequest } from '../service.ts';

/** An event as EventBridge would deliver it to a target, plus when it was put. */
export interface PutEvent {
  id: string;
  region: string;
  account: string;
  eventBusName: string;
  source: string;
  detailType: string;
  /** The parsed Detail JSON object. */
  detail: Record<string, unknown>;
  resources: string[];
  /** The event's own time (the entry's Time, else the put time), ISO 8601. */
  time: string;
  /** When PutEvents accepted it, ISO 8601. */
  putAt: string;
}

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

export class EventBridgeService extends JsonService {
  private events: PutEvent[] = [];

  constructor(ctx: EmulatorContext) {
    super({ name: 'events', targetPrefix: 'AWSEvents', version: '1.1', ctx });
  }

  protected actions(): Record<string, JsonAction> {
    return {
      PutEvents: (i, r) => this.putEventsAction(i, r),
      ListEventBuses: (i, r) => this.listEventBuses(i, r),
      DescribeEventBus: (i, r) => this.describeEventBus(i, r),
    };
  }

  /** Every event accepted so far, oldest first (optionally only those matching the filter). */
  putEvents(filter: { source?: string; detailType?: string } = {}): PutEvent[] {
    return this.events
      .filter(
        (e) =>
          (filter.source === undefined || e.source === filter.source) &&
          (filter.detailType === undefined || e.detailType === filter.detailType),
      )
      .map((e) => structuredClone(e));
  }

  reset(): void {
    this.events = [];
  }

  snapshot(): unknown {
    return { events: structuredClone(this.events) };
  }

  restore(state: unknown): void {
    const s = state as { events?: PutEvent[] } | undefined;
    this.events = structuredClone(s?.events ?? []);
  }

  private busArn(region: string): string {
    return `arn:aws:events:${region}:${this.ctx.accountId}:event-bus/default`;
  }

  /** Omitted, `default` or the default bus's ARN all name this region's bus; no other bus exists here. */
  private isDefaultBus(req: EmulatorRequest, nameOrArn: string | undefined): boolean {
    return nameOrArn === undefined || nameOrArn === 'default' || nameOrArn === this.busArn(req.region);
  }

  private putEventsAction(input: JsonObject, req: EmulatorRequest): JsonObject {
    const entries = optObjects(input, 'Entries');
    if (!entries) throw missingMember('Entries');
    if (entries.length < 1 || entries.length > MAX_ENTRIES) {
      throw new AwsServiceError(
        'ValidationException',
        `1 validation error detected: Value '[${entries.length} entries]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
      );
    }
    if (req.body.length > MAX_REQUEST_BYTES) {
      throw new AwsServiceError(
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    }
    const now = this.ctx.clock.now();
    const accepted: PutEvent[] = [];
    const results = entries.map((entry) => {
      const outcome = this.validateEntry(req, entry, now);
      if ('errorCode' in outcome) return { ErrorCode: outcome.errorCode, ErrorMessage: outcome.errorMessage };
      accepted.push(outcome);
      return { EventId: outcome.id };
    });
    // EventBridge fails the whole request only when no entry carries Source, DetailType and Detail.
    const anyComplete = entries.some((e) => e['Source'] && e['DetailType'] && e['Detail']);
    if (!anyComplete) {
      throw new AwsServiceError(
        'ValidationException',
        'Parameters Source, DetailType and Detail are required in at least one entry.',
      );
    }
    this.events.push(...accepted);
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  private validateEntry(
    req: EmulatorRequest,
    entry: JsonObject,
    now: Date,
  ): PutEvent | { errorCode: string; errorMessage: string } {
    const source = optString(entry, 'Source');
    const detailType = optString(entry, 'DetailType');
    const detailText = optString(entry, 'Detail');
    const bus = optString(entry, 'EventBusName');
    if (!source)
      return {
        errorCode: 'InvalidArgument',
        errorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      };
    if (!detailType)
      return {
        errorCode: 'InvalidArgument',
        errorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      };
    if (!detailText)
      return {
        errorCode: 'InvalidArgument',
        errorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      };
    if (source.startsWith('aws.')) {
      return {
        errorCode: 'NotAuthorizedForSourceException',
        errorMessage: `Not authorized for the source ${source}.`,
      };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(detailText);
    } catch {
      return { errorCode: 'MalformedDetail', errorMessage: 'Detail is malformed.' };
    }
    if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
      return { errorCode: 'MalformedDetail', errorMessage: 'Detail is malformed.' };
    }
    if (!this.isDefaultBus(req, bus)) {
      return { errorCode: 'ResourceNotFoundException', errorMessage: `Event bus ${bus} does not exist.` };
    }
    const time = optNumber(entry, 'Time');
    return {
      id: randomUUID(),
      region: req.region,
      account: this.ctx.accountId,
      eventBusName: 'default',
      source,
      detailType,
      detail: detail as Record<string, unknown>,
      resources: optStringList(entry, 'Resources') ?? [],
      time: (time !== undefined ? new Date(time * 1000) : now).toISOString(),
      putAt: now.toISOString(),
    };
  }

  private listEventBuses(input: JsonObject, req: EmulatorRequest): JsonObject {
    const prefix = optString(input, 'NamePrefix') ?? '';
    return { EventBuses: 'default'.startsWith(prefix) ? [this.defaultBus(req)] : [] };
  }

  private describeEventBus(input: JsonObject, req: EmulatorRequest): JsonObject {
    const name = optString(input, 'Name');
    if (!this.isDefaultBus(req, name)) {
      throw new AwsServiceError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    }
    return this.defaultBus(req);
  }

  private defaultBus(req: EmulatorRequest): JsonObject {
    return { Name: 'default', Arn: this.busArn(req.region) };
  }
}
