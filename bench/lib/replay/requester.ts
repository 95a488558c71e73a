// Who serves the trace's requests in a replay: the product (bench/lib/replay/product.ts) or a
// baseline (bench/lib/replay/no-pool.ts). Each answers a request once the clone is usable.

export interface Served {
  clusterId: string;
  /** The request waited for a full copy to be made (a pool copy, or AWS's silent one). */
  waitedForFullCopy: boolean;
}

export interface BackgroundFigures {
  /** Scheduled runs (of maintenance), and what they did. */
  runs: number;
  copiesMade: number;
  failures: string[];
}

export interface Requester {
  /** Before the trace's first request: what a deployment has done once (caches, the lease table). */
  prepare(): Promise<void>;
  /** One request: resolves when its clone is usable. */
  request(key: string): Promise<Served>;
  /** The requester is done with the clone. */
  release(clusterId: string): Promise<void>;
  /** Scheduled work between start and end (virtual ms); resolves when the last run is done. */
  background(start: number, end: number): Promise<BackgroundFigures>;
}
