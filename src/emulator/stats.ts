// The request log: counts per service and action, for tests and benchmarks
// (in-process through stats(), over HTTP at GET /_emulator/stats).

export interface ActionStats {
  /** Requests received, including those answered with an injected fault. */
  count: number;
  /** Answers with HTTP status ≥ 400 (injected faults included). */
  errors: number;
  /** Injected Throttling answers. */
  throttled: number;
  /** Injected InternalFailure answers. */
  internalFailures: number;
}

export interface StatsSnapshot {
  since: string;
  requests: number;
  /** Per action name, summed over services (action names do not clash across the emulated services). */
  actions: Record<string, ActionStats>;
  /** Per service, then per action. */
  services: Record<string, Record<string, ActionStats>>;
  /** Requests no service claimed. */
  unmatched: number;
}

const empty = (): ActionStats => ({ count: 0, errors: 0, throttled: 0, internalFailures: 0 });

export type Outcome = 'ok' | 'error' | 'throttled' | 'internalFailure';

export class RequestStats {
  private since: string;
  private requests = 0;
  private unmatched = 0;
  private readonly byService = new Map<string, Map<string, ActionStats>>();

  constructor(now: Date) {
    this.since = now.toISOString();
  }

  record(service: string, action: string, outcome: Outcome): void {
    this.requests += 1;
    let actions = this.byService.get(service);
    if (!actions) {
      actions = new Map();
      this.byService.set(service, actions);
    }
    let s = actions.get(action);
    if (!s) {
      s = empty();
      actions.set(action, s);
    }
    s.count += 1;
    if (outcome !== 'ok') s.errors += 1;
    if (outcome === 'throttled') s.throttled += 1;
    if (outcome === 'internalFailure') s.internalFailures += 1;
  }

  recordUnmatched(): void {
    this.requests += 1;
    this.unmatched += 1;
  }

  reset(now: Date): void {
    this.since = now.toISOString();
    this.requests = 0;
    this.unmatched = 0;
    this.byService.clear();
  }

  snapshot(): StatsSnapshot {
    const actions: Record<string, ActionStats> = {};
    const services: Record<string, Record<string, ActionStats>> = {};
    for (const [service, byAction] of this.byService) {
      services[service] = {};
      for (const [action, s] of byAction) {
        services[service][action] = { ...s };
        const total = actions[action] ?? empty();
        actions[action] = total;
        total.count += s.count;
        total.errors += s.errors;
        total.throttled += s.throttled;
        total.internalFailures += s.internalFailures;
      }
    }
    return { since: this.since, requests: this.requests, actions, services, unmatched: this.unmatched };
  }
}
