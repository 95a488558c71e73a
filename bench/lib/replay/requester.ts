// Who serves the trace's requests in a replay: the product (bench/lib/replay/product.ts) or a
// baseline (bench/lib/replay/no-pool.ts). Each answers a request once the clone is usable.

export interface Served {
  clusterId: string;
  /** The request waited for a full copy to be made (a pool copy, or AWS's silent one). */
  waitedForFullCopy: boolean;
  /** The request was served by claiming a warm clone (made ahead by maintenance). */
  claimedWarmClone?: boolean;
}

export interface BackgroundFigures {
  /** Scheduled runs (of maintenance), and what they did. */
  runs: number;
  copiesMade: number;
  /** Maintenance runs a provision started at once (the Lambda's low-water trigger), and what they made. */
  triggered: number;
  /** Warm clones made by maintenance (scheduled and triggered runs). */
  warmMade: number;
  failures: string[];
}

export const noBackground = (): BackgroundFigures => ({
  runs: 0,
  copiesMade: 0,
  triggered: 0,
  warmMade: 0,
  failures: [],
});

export interface Requester {
  /** Before the trace's first request: what a deployment has done once (caches, the lease table). */
  prepare(): Promise<void>;
  /** One request: resolves when its clone is usable. */
  request(key: string): Promise<Served>;
  /** The requester is done with the clone. */
  release(clusterId: string): Promise<void>;
  /**
   * Scheduled work between start and end (virtual ms); resolves when the last run is done, and
   * work the requests started meanwhile (maintenance they set off) with it.
   */
  background(start: number, end: number): Promise<BackgroundFigures>;
}
