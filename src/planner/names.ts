// Identifiers for the clusters and instances a plan creates. The unique part is a parameter (by
// default the plan's UTC timestamp) so the planner stays deterministic; collisions with the
// inventory, or between two names of the same plan, get a counter rather than an error.

import { createHash, randomBytes } from 'node:crypto';
import type { Inventory } from '../model/inventory.ts';
import { ValidationError } from '../util/errors.ts';
import { idTimestamp, joinIdentifier } from '../util/identifiers.ts';

const SUFFIX = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const MAX_SUFFIX_LENGTH = 32;

/**
 * The suffix a request's generated names use, never the same for two requests (other processes,
 * other deployments, the same second): with the caller's request key, a digest of it, so a retry or a
 * dry run with that key names exactly what the real run makes; without one, the UTC timestamp of
 * `now` and a random part.
 */
export function requestIdSuffix(now: Date, callerKey?: string): string {
  if (callerKey !== undefined) return createHash('sha256').update(callerKey).digest('hex').slice(0, 10);
  return `${idTimestamp(now)}-${randomBytes(3).toString('hex').slice(0, 5)}`;
}

/** The suffix generated names use: the given one (checked) or the UTC timestamp of `now`. */
export function resolveIdSuffix(now: Date, idSuffix?: string): string {
  if (idSuffix === undefined) return idTimestamp(now);
  if (!SUFFIX.test(idSuffix) || idSuffix.length > MAX_SUFFIX_LENGTH) {
    throw new ValidationError(
      'idSuffix',
      `must be 1–${MAX_SUFFIX_LENGTH} lowercase letters, digits and single hyphens, got "${idSuffix}"`,
    );
  }
  return idSuffix;
}

/**
 * The name a request's clone gets when nothing else has it: the one it asked for, or the root's id
 * with the request's suffix.
 */
export function wantedCloneName(rootId: string, clusterId: string | undefined, suffix: string): string {
  return clusterId ?? joinIdentifier(rootId, suffix);
}

/** The names already taken in an account, and those this plan has claimed. */
export class NameBook {
  private readonly clusters: Set<string>;
  private readonly instances: Set<string>;

  constructor(inventory: Inventory) {
    this.clusters = new Set(inventory.clusters.map((c) => c.id.toLowerCase()));
    this.instances = new Set(inventory.instances.map((i) => i.id.toLowerCase()));
    for (const c of inventory.clusters)
      for (const m of c.members) this.instances.add(m.instanceId.toLowerCase());
  }

  clusterTaken(id: string): boolean {
    return this.clusters.has(id.toLowerCase());
  }

  /** `wanted`, or `wanted-2`, `wanted-3`… (kept within 63 characters) when taken. */
  claimCluster(wanted: string): string {
    const id = unique(wanted.toLowerCase(), this.clusters);
    this.clusters.add(id);
    return id;
  }

  /** The writer instance's id for a new cluster. */
  claimInstance(clusterId: string): string {
    const id = unique(joinIdentifier(clusterId, 'writer'), this.instances);
    this.instances.add(id);
    return id;
  }
}

function unique(wanted: string, taken: ReadonlySet<string>): string {
  if (!taken.has(wanted)) return wanted;
  for (let n = 2; ; n++) {
    const candidate = joinIdentifier(wanted, String(n));
    if (!taken.has(candidate)) return candidate;
  }
}
