// Warm clones: clones maintenance makes ahead of demand, fully made and waiting, so a request gets a
// clone in seconds instead of ~15 minutes. A request takes one only when the clone is what it would
// have made itself: same root and manager, data fresh enough, the writer class it asked for, and no
// setting a warm clone cannot have (its own network, parameter groups, password). The claim happens
// under the root's lease, so each warm clone goes to exactly one request.
import type { ClusterInfo } from '../model/inventory.ts';
import type { ClaimStep, DemandCounts, TagStep } from '../model/plan.ts';
import type { MaintenancePolicy, ProvisionPolicy } from '../model/policy.ts';
import { managedTagList, TAG } from '../model/tags.ts';
import { formatDuration } from '../util/duration.ts';
import { MAX_WARM_CLONES } from '../validation/numbers.ts';
import { countingSince, DAY_MS, HOUR_MS, REFERENCE_DAYS, sameHoursDemand } from './demand.ts';
import type { Pool, PoolClone } from './pool.ts';
import { clusterIdFromArn } from './pool.ts';

/** The unclaimed warm clones of this manager in the pool that are not expired or going away. */
export function warmClones(pool: Pool): PoolClone[] {
  return pool.clones.filter(
    (c) =>
      c.owned &&
      c.cluster.managed?.warm !== undefined &&
      !c.expired &&
      c.cluster.status !== 'deleting' &&
      c.cluster.members.length > 0,
  );
}

/** Why this request cannot take a warm clone at all, or undefined when it may. */
export function claimRefusal(request: ProvisionPolicy): string | undefined {
  if (request.makeWarm) return 'it makes a warm clone itself';
  const own = [
    request.dbSubnetGroupName ? 'a subnet group' : '',
    request.vpcSecurityGroupIds ? 'security groups' : '',
    request.dbClusterParameterGroupName ? 'a cluster parameter group' : '',
    request.dbParameterGroupName ? 'a parameter group' : '',
    request.password?.setPassword || request.password?.manageMasterUserPassword ? 'a password' : '',
  ].filter(Boolean);
  return own.length ? `it asks for its own ${own.join(', ')}` : undefined;
}

/**
 * The warm clone this request takes: available ones first, then the freshest data. Undefined with a
 * note when warm clones exist but none fits.
 */
export function pickWarmClone(
  pool: Pool,
  request: ProvisionPolicy,
  instanceClass: string,
  /** The request names its clone: only an `available` cluster can be renamed. */
  rename: boolean,
): { clone?: PoolClone; note?: string } {
  const warm = warmClones(pool).filter((c) => !rename || c.cluster.status === 'available');
  if (warm.length === 0) return {};
  const refusal = claimRefusal(request);
  if (refusal) return { note: `${warm.length} warm clone(s) not claimed: ${refusal}` };
  const since = request.copyCreatedSince?.getTime();
  const fits = warm.filter(
    (c) =>
      c.cluster.managed?.warm === instanceClass &&
      c.ageMs <= request.maxCopyAgeMs &&
      (since === undefined || c.dataTimestamp.getTime() > since),
  );
  if (fits.length === 0) {
    return {
      note: `${warm.length} warm clone(s) not claimed: none has writer class ${instanceClass} and data recent enough for this request`,
    };
  }
  // The longest-waiting first: its writer is the most likely to be up (the inventory does not say),
  // while the newest may be the one a claim's top-up has just started (~8 more minutes on AWS).
  const rank = (c: PoolClone) => (c.cluster.status === 'available' ? 0 : 1);
  const made = (c: PoolClone) => c.cluster.createdAt?.getTime() ?? Number.MAX_SAFE_INTEGER;
  const clone = [...fits].sort((a, b) => rank(a) - rank(b) || made(a) - made(b))[0];
  return clone ? { clone } : {};
}

/** The claim: the request's tags on the warm clone (its warm tag removed), then its name, if asked. */
export function claimStep(
  warm: PoolClone,
  request: ProvisionPolicy,
  managerId: string,
  now: Date,
  newClusterId: string | undefined,
): ClaimStep {
  const c = warm.cluster;
  const m = c.managed!;
  const writer = c.members.find((x) => x.isWriter) ?? c.members[0];
  const tags = managedTagList(
    {
      role: 'clone',
      sourceArn: m.sourceArn,
      rootArn: m.rootArn,
      dataTimestamp: warm.dataTimestamp,
      manager: managerId,
      ...(request.requestKey ? { request: request.requestKey } : {}),
      ...(request.owner ? { owner: request.owner } : {}),
      ...(request.ttlMs !== undefined ? { expiresAt: new Date(now.getTime() + request.ttlMs) } : {}),
    },
    request.tags,
  );
  // A warm clone's own expiry is for its wait; a request without a TTL keeps the clone until deleted.
  const removeKeys = [TAG.warm, ...(request.ttlMs === undefined ? [TAG.expiresAt] : [])];
  const step: ClaimStep = {
    kind: 'claim',
    clusterId: c.id,
    arn: c.arn,
    instanceId: writer?.instanceId ?? '',
    sourceClusterId: warm.sourceClusterId ?? clusterIdFromArn(m.sourceArn),
    sourceArn: m.sourceArn,
    dataTimestamp: warm.dataTimestamp.toISOString(),
    tags,
    removeKeys,
    underLease: true,
    reason: `warm clone ${c.id} (${c.status}, writer ${m.warm}, data from ${warm.dataTimestamp.toISOString()}) was made ahead of demand for requests like this one: claimed instead of restoring a new clone${newClusterId ? `, then renamed ${newClusterId} as asked` : ''}`,
  };
  if (newClusterId) step.newClusterId = newClusterId;
  return step;
}

/** Instance-hours a warm clone has run unclaimed: its idle cost so far. */
export function idleInstanceHours(clone: Pick<PoolClone, 'ageMs'>): number {
  return clone.ageMs / 3_600_000;
}

export function isWarm(c: ClusterInfo): boolean {
  return c.managed?.role === 'clone' && c.managed.warm !== undefined;
}

/**
 * How many warm clones to keep now. `demand`: the most requests in one hour that started within an
 * hour of this time of day, or up to `aheadMs` later, on any of the last 7 days (a claimed warm clone
 * is replaced at once, so the busiest hour of the coming ones is what they must absorb), at most
 * MAX_WARM_CLONES.
 */
export function warmWanted(
  policy: Pick<MaintenancePolicy, 'warmClones' | 'demandWindowMs'>,
  demand: DemandCounts | undefined,
  now: Date,
): { count: number; reason?: string } {
  if (policy.warmClones !== 'demand') return { count: policy.warmClones };
  const seen = sameHoursDemand(demand, now, HOUR_MS, policy.demandWindowMs);
  // A source counted for less than a week has hours it has not seen yet: until then, the busiest hour
  // counted at any time of day.
  const since = countingSince(demand);
  const learning = !since || now.getTime() - since.getTime() < REFERENCE_DAYS * DAY_MS;
  const anyHour = learning ? sameHoursDemand(demand, now, HOUR_MS, DAY_MS).requests : 0;
  const wanted = Math.max(seen.requests, anyHour);
  const count = Math.min(MAX_WARM_CLONES, wanted);
  const why =
    anyHour > seen.requests
      ? `demand counted for under a week: the busiest hour counted so far had ${anyHour}`
      : `the busiest hour around the coming ${formatDuration(policy.demandWindowMs)} on the last 7 days had ${seen.requests} request${seen.requests === 1 ? '' : 's'}`;
  return {
    count,
    reason: `warmClones demand: ${count} wanted, ${why}${count < wanted ? ` (at most ${MAX_WARM_CLONES})` : ''}`,
  };
}

/**
 * Warm clones beyond `count` (the newest first: the longest-waiting are claimed first and are the most
 * surely ready): their expiry is set to now under the lease, so no request claims them from then on,
 * and maintenance deletes them as expired.
 */
export function retireSurplus(pool: Pool, count: number, now: Date): TagStep[] {
  const ready = warmClones(pool);
  const made = (c: PoolClone) => c.cluster.createdAt?.getTime() ?? Number.MAX_SAFE_INTEGER;
  return [...ready]
    .sort((a, b) => made(b) - made(a))
    .slice(0, Math.max(0, ready.length - count))
    .map((c) => ({
      kind: 'tag',
      clusterId: c.cluster.id,
      arn: c.cluster.arn,
      tags: [{ Key: TAG.expiresAt, Value: now.toISOString() }],
      underLease: true,
      reason: `${ready.length} warm clones ready, ${count} wanted for the coming hours: ${c.cluster.id} expires now (no request can claim it from now on) and goes as expired`,
    }));
}
