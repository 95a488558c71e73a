// The pool of one root as the planner sees it: which clusters count, how many clone slots each
// source has left, how old each copy's data is, and which sources may be cloned from now.
//
// Ownership across deployments: clones and copies of the same root made by another manager id
// occupy real clone slots on AWS, so their clones are counted on whatever source they sit on.
// Only this manager's copies are cloned from, purged or counted in free capacity, because another
// deployment may purge its copies at any time. A copy without any manager tag (tags from the first
// implementation, which ran one deployment per account) is treated as this manager's, so a
// migrated pool keeps working.

import type { PoolMember, PoolStatus } from '../model/api.ts';
import { type ClusterInfo, findCluster as findInClusters, type Inventory } from '../model/inventory.ts';
import type { Reservation, SourceAssessment } from '../model/plan.ts';
import { TAG } from '../model/tags.ts';
import { formatDuration } from '../util/duration.ts';
import { SourceNotFoundError, ValidationError } from '../util/errors.ts';
import { checkDuration, checkMaxClonesPerSource } from '../validation/index.ts';
import { slotUse } from './slots.ts';

/** The numbers a pool is judged by, already resolved from defaults and durations. */
export interface PoolOptions {
  managerId: string;
  now: Date;
  /** 1–15: AWS makes at most 15 copy-on-write clones per clone group. */
  maxClonesPerSource: number;
  /** A copy whose data is older than this is obsolete. */
  maxCopyAgeMs: number;
  /** A copy is fresh enough only if its data was taken after this instant. */
  copyCreatedSince?: Date;
  /** Slots other requests hold on copies still being made: counted as used. */
  reservations?: readonly Reservation[];
  /** Sources (by ARN) that refused a restore during this request, with AWS's reason. */
  refused?: Readonly<Record<string, string>>;
}

/** The root or a copy: something clones are made from. */
export interface PoolSource {
  cluster: ClusterInfo;
  kind: 'root' | 'copy';
  /** Manager id tagged on a copy; undefined for the root and untagged legacy copies. */
  manager?: string;
  /** The root, or a copy of this manager (the only copies it clones from or purges). */
  owned: boolean;
  /** Status `available` or `creating` (the root always): its slots exist. */
  ofInterest: boolean;
  /** Slots taken on it, as AWS counts them (src/planner/slots.ts). */
  used: number;
  free: number;
  /** Clusters counted on it that the manager did not make (ids). */
  unmanaged: string[];
  /** Of `used`, slots held for requests waiting for this copy. */
  reserved: number;
  dataTimestamp: Date;
  ageMs: number;
  obsolete: boolean;
  fresh: boolean;
  /** Its free slots are part of the free capacity: the root, or an owned, fresh copy of interest. */
  counted: boolean;
  cloneable: boolean;
  /** Why it cannot be cloned from now; undefined when cloneable. */
  notCloneable?: string;
}

export interface PoolClone {
  cluster: ClusterInfo;
  manager?: string;
  owned: boolean;
  sourceArn: string;
  /** The source's cluster id when it is in the inventory. */
  sourceClusterId?: string;
  dataTimestamp: Date;
  ageMs: number;
  expiresAt?: Date;
  expired: boolean;
}

export interface Pool {
  root: PoolSource;
  /** Every copy of the root in the inventory, whatever its status or manager, newest data first. */
  copies: PoolSource[];
  /** Clones made from the root or from one of its copies, whatever their status or manager. */
  clones: PoolClone[];
  /** The sources a clone may be made from, in the order they are tried. */
  cloneable: PoolSource[];
  /** Free slots over the root and the counted copies. */
  freeCapacity: number;
  options: PoolOptions;
}

const OF_INTEREST = new Set(['available', 'creating']);

export function isAuroraEngine(engine: string): boolean {
  return engine.startsWith('aurora');
}

/** Finds a cluster by id (RDS ids are case-insensitive) or by ARN. */
export function findCluster(inventory: Inventory, clusterIdOrArn: string): ClusterInfo | undefined {
  return findInClusters(inventory.clusters, clusterIdOrArn);
}

/** The root cluster for a request, refusing what cannot be a pool root. */
export function findRoot(inventory: Inventory, sourceClusterId: string): ClusterInfo {
  const root = findCluster(inventory, sourceClusterId);
  if (!root) throw new SourceNotFoundError(sourceClusterId);
  if (!isAuroraEngine(root.engine)) {
    throw new ValidationError(
      'sourceClusterId',
      `cluster ${root.id} runs ${root.engine}, not Aurora: only Aurora clusters can be cloned copy-on-write`,
      { clusterId: root.id },
    );
  }
  if (root.managed) {
    // Its slots are shared with, or tracked under, its own root: treating it as a root would miscount.
    const rootId = clusterIdFromArn(root.managed.rootArn);
    throw new ValidationError(
      'sourceClusterId',
      `cluster ${root.id} is a ${root.managed.role} made by the clone manager; use its root ${rootId} as the source`,
      { clusterId: root.id },
    );
  }
  return root;
}

/** The cluster id at the end of an RDS cluster ARN (`arn:aws:rds:region:account:cluster:id`). */
export function clusterIdFromArn(arn: string): string {
  const i = arn.lastIndexOf(':');
  return i < 0 ? arn : arn.slice(i + 1);
}

/** The ARN a new cluster will get in the root's account and region. */
export function siblingArn(rootArn: string, clusterId: string): string {
  const i = rootArn.lastIndexOf(':');
  return i < 0 ? clusterId : `${rootArn.slice(0, i + 1)}${clusterId}`;
}

/**
 * Live clones per source ARN (clones of clones added to their source's count), for "is this copy
 * still used" questions. Clusters in `deleting` are not live, but their clones still are. Slot
 * counting is stricter: see slots.ts.
 */
export function cloneCounts(clusters: readonly ClusterInfo[]): Map<string, number> {
  const children = new Map<string, ClusterInfo[]>();
  for (const c of clusters) {
    if (c.managed?.role !== 'clone') continue;
    const list = children.get(c.managed.sourceArn) ?? [];
    list.push(c);
    children.set(c.managed.sourceArn, list);
  }
  const counts = new Map<string, number>();
  const countUnder = (arn: string, seen: Set<string>): number => {
    let n = 0;
    for (const child of children.get(arn) ?? []) {
      if (seen.has(child.arn)) continue;
      seen.add(child.arn);
      if (child.status !== 'deleting') n++;
      n += countUnder(child.arn, seen);
    }
    return n;
  };
  for (const arn of children.keys()) counts.set(arn, countUnder(arn, new Set([arn])));
  return counts;
}

function copyDataTimestamp(c: ClusterInfo, now: Date): Date {
  // A copy still being created may not report its create time yet: its data is being taken now.
  return c.managed?.dataTimestamp ?? c.createdAt ?? now;
}

function ownedBy(manager: string | undefined, managerId: string): boolean {
  return manager === undefined || manager === managerId;
}

/** Reads the pool of one root out of an inventory. Pure: `options.now` is the only clock. */
export function readPool(inventory: Inventory, sourceClusterId: string, options: PoolOptions): Pool {
  const { now, managerId, maxClonesPerSource: max, maxCopyAgeMs, copyCreatedSince } = options;
  const root = findRoot(inventory, sourceClusterId);
  const copyClusters = inventory.clusters.filter(
    (c) => c.managed?.role === 'copy' && c.managed.rootArn === root.arn,
  );
  const uses = slotUse(inventory.clusters, [root, ...copyClusters], options.reservations);
  const slots = (c: ClusterInfo) => {
    const use = uses.get(c.arn) ?? { used: 0, unmanaged: [], reserved: 0, deleting: 0 };
    return { ...use, free: Math.max(0, max - use.used) };
  };
  const full = (s: { used: number; reserved: number; deleting: number }) => {
    const why = [
      s.reserved ? `${s.reserved} held for requests waiting for it` : '',
      s.deleting ? `${s.deleting} being deleted, free once gone` : '',
    ].filter(Boolean);
    return `no free slot (${s.used}/${max} used${why.length ? `: ${why.join(', ')}` : ''})`;
  };
  const refused = options.refused ?? {};

  const rootSlots = slots(root);
  const rootSource: PoolSource = {
    cluster: root,
    kind: 'root',
    owned: true,
    ofInterest: true,
    ...rootSlots,
    dataTimestamp: now,
    ageMs: 0,
    obsolete: false,
    fresh: true,
    counted: true,
    cloneable: false,
  };
  if (root.status !== 'available') rootSource.notCloneable = `status is ${root.status}, not available`;
  else if (root.members.length === 0)
    rootSource.notCloneable = 'it has no DB instance: AWS cannot restore from it';
  else if (rootSlots.free === 0) rootSource.notCloneable = full(rootSlots);
  else if (refused[root.arn]) rootSource.notCloneable = `refused a restore just now: ${refused[root.arn]}`;
  rootSource.cloneable = rootSource.notCloneable === undefined;

  const copies: PoolSource[] = [];
  for (const c of copyClusters) {
    if (!c.managed) continue;
    const manager = c.managed.manager;
    const owned = ownedBy(manager, managerId);
    const ofInterest = OF_INTEREST.has(c.status);
    const dataTimestamp = copyDataTimestamp(c, now);
    const ageMs = now.getTime() - dataTimestamp.getTime();
    const obsolete = ageMs > maxCopyAgeMs;
    const afterSince = !copyCreatedSince || dataTimestamp.getTime() > copyCreatedSince.getTime();
    const fresh = !obsolete && afterSince;
    const s = slots(c);
    const counted = owned && ofInterest && fresh;
    let notCloneable: string | undefined;
    if (!owned) {
      notCloneable = `made by manager ${manager}: its clones count, but only ${managerId}'s copies are used`;
    } else if (!ofInterest) notCloneable = `status is ${c.status}: not counted`;
    else if (obsolete) {
      notCloneable = `obsolete: data is ${formatDuration(ageMs)} old, more than ${formatDuration(maxCopyAgeMs)}`;
    } else if (!afterSince) {
      notCloneable = `data from ${dataTimestamp.toISOString()} is not after copyCreatedSince ${copyCreatedSince?.toISOString()}`;
    } else if (c.status !== 'available') {
      notCloneable = `still ${c.status}: its free slots count for capacity, it cannot be cloned yet`;
    } else if (c.members.length === 0) {
      notCloneable = 'no writer instance yet: its free slots count for capacity, it cannot be cloned yet';
    } else if (s.free === 0) notCloneable = full(s);
    else if (refused[c.arn]) notCloneable = `refused a restore just now: ${refused[c.arn]}`;
    const source: PoolSource = {
      cluster: c,
      kind: 'copy',
      owned,
      ofInterest,
      ...s,
      dataTimestamp,
      ageMs,
      obsolete,
      fresh,
      counted,
      cloneable: notCloneable === undefined,
    };
    if (manager !== undefined) source.manager = manager;
    if (notCloneable !== undefined) source.notCloneable = notCloneable;
    copies.push(source);
  }
  copies.sort(
    (a, b) => b.dataTimestamp.getTime() - a.dataTimestamp.getTime() || (a.cluster.id < b.cluster.id ? -1 : 1),
  );

  const sourceByArn = new Map<string, PoolSource>([[root.arn, rootSource]]);
  for (const c of copies) sourceByArn.set(c.cluster.arn, c);
  const clones: PoolClone[] = [];
  for (const c of inventory.clusters) {
    const m = c.managed;
    if (m?.role !== 'clone') continue;
    const source = sourceByArn.get(m.sourceArn);
    if (!source && m.rootArn !== root.arn) continue;
    // A clone takes its data from its source when it is made: for the root, that is its own creation.
    const inherited = source?.kind === 'copy' ? source.dataTimestamp : c.createdAt;
    const dataTimestamp = m.dataTimestamp ?? inherited ?? now;
    const clone: PoolClone = {
      cluster: c,
      owned: ownedBy(m.manager, managerId),
      sourceArn: m.sourceArn,
      dataTimestamp,
      ageMs: now.getTime() - dataTimestamp.getTime(),
      expired: m.expiresAt !== undefined && m.expiresAt.getTime() <= now.getTime(),
    };
    if (m.manager !== undefined) clone.manager = m.manager;
    if (source) clone.sourceClusterId = source.cluster.id;
    else clone.sourceClusterId = clusterIdFromArn(m.sourceArn);
    if (m.expiresAt) clone.expiresAt = m.expiresAt;
    clones.push(clone);
  }

  const cloneable = [rootSource, ...copies].filter((s) => s.cloneable);
  return {
    root: rootSource,
    copies,
    clones,
    cloneable,
    freeCapacity: freeCapacity([rootSource, ...copies]),
    options,
  };
}

/** Sum of free slots over the sources whose slots count (the root and this manager's fresh copies). */
export function freeCapacity(sources: readonly PoolSource[]): number {
  return sources.reduce((sum, s) => sum + (s.counted ? s.free : 0), 0);
}

/** The serialisable view of a source for a plan; `skipped` is left to the planner that chose. */
export function assessSource(s: PoolSource): SourceAssessment {
  const a: SourceAssessment = {
    clusterId: s.cluster.id,
    arn: s.cluster.arn,
    kind: s.kind,
    status: s.cluster.status,
    used: s.used,
    free: s.free,
    dataTimestamp: s.dataTimestamp.toISOString(),
    ageMs: s.ageMs,
    obsolete: s.obsolete,
    fresh: s.fresh,
    cloneable: s.cloneable,
    owned: s.owned,
    counted: s.counted,
  };
  if (s.manager !== undefined) a.manager = s.manager;
  if (s.notCloneable !== undefined) a.skipped = s.notCloneable;
  if (s.unmanaged.length > 0) a.unmanaged = [...s.unmanaged];
  return a;
}

/** What the pool counted that the manager did not make, said once per source. */
export function unmanagedNotes(pool: Pool): string[] {
  return [pool.root, ...pool.copies]
    .filter((s) => s.unmanaged.length > 0)
    .map((s) => {
      const n = s.unmanaged.length;
      return `${n} cluster${n === 1 ? '' : 's'} in ${s.cluster.id}'s clone group ${n === 1 ? 'was' : 'were'} not made by the manager: counted as clones (${s.unmanaged.join(', ')}); tag a cluster ${TAG.notAClone}=true if it is not a copy-on-write clone`;
    });
}

/** All sources of a pool, root first, as plan assessments. */
export function assessPool(pool: Pool): SourceAssessment[] {
  return [pool.root, ...pool.copies].map(assessSource);
}

/** The pool at a glance, as the library's `describePool` returns it. */
export function poolStatus(pool: Pool): PoolStatus {
  const member = (s: PoolSource): PoolMember => {
    const m: PoolMember = {
      clusterId: s.cluster.id,
      arn: s.cluster.arn,
      role: s.kind,
      status: s.cluster.status,
      dataTimestamp: s.dataTimestamp.toISOString(),
      ageMs: s.ageMs,
      used: s.used,
      free: s.free,
    };
    if (s.kind === 'copy') m.obsolete = s.obsolete;
    if (s.unmanaged.length > 0) m.unmanaged = [...s.unmanaged];
    if (s.kind === 'copy' && lacksWriter(s.cluster)) m.noWriter = true;
    return m;
  };
  const clones = pool.clones.map(cloneMember);
  const warm = clones.filter((c) => c.warm);
  return {
    readAt: pool.options.now.toISOString(),
    ...(warm.length
      ? {
          warmClones: {
            count: warm.length,
            idleInstanceHours:
              Math.round(warm.reduce((n, c) => n + (c.warm?.idleInstanceHours ?? 0), 0) * 10) / 10,
          },
        }
      : {}),
    root: member(pool.root),
    copies: pool.copies.map(member),
    clones,
    freeCapacity: pool.freeCapacity,
    maxClonesPerSource: pool.options.maxClonesPerSource,
    maxCopyAgeMs: pool.options.maxCopyAgeMs,
  };

  function cloneMember(c: PoolClone): PoolMember {
    const m: PoolMember = {
      clusterId: c.cluster.id,
      arn: c.cluster.arn,
      role: 'clone',
      status: c.cluster.status,
      dataTimestamp: c.dataTimestamp.toISOString(),
      ageMs: c.ageMs,
    };
    if (c.sourceClusterId !== undefined) m.sourceClusterId = c.sourceClusterId;
    if (c.cluster.managed?.owner !== undefined) m.owner = c.cluster.managed.owner;
    if (c.expiresAt) m.expiresAt = c.expiresAt.toISOString();
    if (lacksWriter(c.cluster)) m.noWriter = true;
    const warm = c.owned && !c.expired ? c.cluster.managed?.warm : undefined;
    if (warm) m.warm = { instanceClass: warm, idleInstanceHours: instanceHours(c.cluster, pool.options.now) };
    return m;
  }
}

/** Instance-hours a cluster's instances have run since it was made (what an idle warm clone costs). */
function instanceHours(c: ClusterInfo, now: Date): number {
  const since = c.createdAt?.getTime() ?? now.getTime();
  return Math.round((Math.max(0, now.getTime() - since) / 3_600_000) * c.members.length * 10) / 10;
}

function lacksWriter(c: ClusterInfo): boolean {
  return c.status === 'available' && c.members.length === 0;
}

/** The root's writer instance class, used when a request or policy gives none. */
export function writerInstanceClass(inventory: Inventory, cluster: ClusterInfo): string | undefined {
  const writer = cluster.members.find((m) => m.isWriter) ?? cluster.members[0];
  if (!writer) return undefined;
  return inventory.instances.find((i) => i.id === writer.instanceId)?.instanceClass;
}

/** The numbers every planner shares, checked with the product's one rule for each (src/validation). */
export function checkPoolNumbers(maxClonesPerSource: number, maxCopyAgeMs: number): void {
  checkMaxClonesPerSource(maxClonesPerSource, 'maxClonesPerSource');
  checkDuration(maxCopyAgeMs, 'maxCopyAge');
}
