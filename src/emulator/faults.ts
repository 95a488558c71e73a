// Fault injection, so clients' retry and timeout handling can be exercised: a share of requests
// answered with Throttling (HTTP 400) or InternalFailure (HTTP 500), and added latency with jitter.
// Decisions come from a seeded generator, so a run with the same seed injects the same faults.

export interface FaultConfig {
  /** Share of requests answered `Throttling` (HTTP 400, retryable), 0–1. */
  throttleRate: number;
  /** Share of requests answered `InternalFailure` (HTTP 500), 0–1. */
  errorRate: number;
  /** Added latency per request, in ms. */
  latencyMs: number;
  /** Latency varies uniformly by ± this many ms (default: half of latencyMs). */
  jitterMs?: number;
}

export const NO_FAULTS: FaultConfig = { throttleRate: 0, errorRate: 0, latencyMs: 0 };

export type FaultDecision = { kind: 'throttle' } | { kind: 'error' } | { kind: 'none' };

export function validateFaults(f: Partial<FaultConfig>): FaultConfig {
  const merged: FaultConfig = { ...NO_FAULTS, ...f };
  const rate = (name: string, v: number) => {
    if (!(v >= 0 && v <= 1)) throw new Error(`${name} must be between 0 and 1 (got ${v})`);
  };
  rate('throttleRate', merged.throttleRate);
  rate('errorRate', merged.errorRate);
  if (merged.throttleRate + merged.errorRate > 1)
    throw new Error('throttleRate + errorRate must be at most 1');
  if (!(merged.latencyMs >= 0)) throw new Error(`latencyMs must be ≥ 0 (got ${merged.latencyMs})`);
  if (merged.jitterMs !== undefined && !(merged.jitterMs >= 0)) throw new Error('jitterMs must be ≥ 0');
  return merged;
}

/** mulberry32: small, fast, good enough for sampling faults; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private config: FaultConfig;
  private readonly random: () => number;

  constructor(config: Partial<FaultConfig> = {}, seed = 1) {
    this.config = validateFaults(config);
    this.random = seededRandom(seed);
  }

  get current(): FaultConfig {
    return { ...this.config };
  }

  set(config: Partial<FaultConfig>): void {
    this.config = validateFaults({ ...this.config, ...config });
  }

  /** How long to hold this request, in ms. */
  latency(): number {
    const { latencyMs, jitterMs } = this.config;
    if (latencyMs <= 0) return 0;
    const jitter = jitterMs ?? latencyMs / 2;
    return Math.max(0, Math.round(latencyMs + (this.random() * 2 - 1) * jitter));
  }

  decide(): FaultDecision {
    const { throttleRate, errorRate } = this.config;
    if (throttleRate === 0 && errorRate === 0) return { kind: 'none' };
    const r = this.random();
    if (r < throttleRate) return { kind: 'throttle' };
    if (r < throttleRate + errorRate) return { kind: 'error' };
    return { kind: 'none' };
  }
}
