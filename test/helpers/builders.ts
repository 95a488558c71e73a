// Inventory builders for tests: a pool is described in a line or two, with the manager's real tag
// format (managedTagList / readManagedTags), so a test reads like the situation it checks:
//   const r = root({ id: 'prod' });
//   const c = copy({ of: r, ageDays: 2 });
//   inventory(r, c, ...clones(15, r), ...clones(3, c))

import type { ClusterInfo, InstanceInfo, Inventory } from '../../src/model/inventory.ts';
import { LEGACY_TAG, managedTagList, readManagedTags, TAG, type Tag, tagMap } from '../../src/model/tags.ts';

/** The fixed instant tests run at, unless they say otherwise. */
export const NOW = new Date('2026-11-25T10:00:00.000Z');
export const MANAGER_ID = 'test-manager';
export const ARN_PREFIX = 'arn:aws:rds:eu-west-1:123456789012:cluster:';
export const DEFAULT_INSTANCE_CLASS = 'db.r6g.large';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function daysAgo(days: number, now: Date = NOW): Date {
  return new Date(now.getTime() - days * DAY);
}

export function hoursAgo(hours: number, now: Date = NOW): Date {
  return new Date(now.getTime() - hours * HOUR);
}

export function arnOf(id: string): string {
  return `${ARN_PREFIX}${id}`;
}

export interface ClusterOptions {
  id?: string;
  /** 'root' (no manager tags) by default; 'copy' and 'clone' need `source` (alias `of`). */
  role?: 'root' | 'copy' | 'clone';
  /** The cluster this one was copied or cloned from. */
  source?: ClusterInfo;
  of?: ClusterInfo;
  /** Defaults to the source's root (or the source itself when it is a root). */
  rootArn?: string;
  status?: string;
  engine?: string;
  /** How long ago the cluster was created (and, for a copy, its data taken), relative to `now`. */
  ageDays?: number;
  ageHours?: number;
  now?: Date;
  createdAt?: Date | null;
  /** The data-timestamp tag; `null` leaves the tag out (the reader falls back to the create time). */
  dataTimestamp?: Date | null;
  /** The manager tag; `null` leaves it out. Default MANAGER_ID. */
  manager?: string | null;
  /** Write the first implementation's `y.aurora.*` tags instead of the current ones. */
  legacy?: boolean;
  request?: string;
  owner?: string;
  expiresAt?: Date;
  /** A warm clone not claimed yet, with this writer class. */
  warm?: string;
  /** Extra tags (user tags, or raw tags for odd cases). */
  tags?: Record<string, string>;
  instanceClass?: string;
  /** Number of instances (the first is the writer). Default 1. */
  instances?: number;
  deletionProtection?: boolean;
  /** Default: a clone joins its source's group; a root or a copy starts its own. */
  cloneGroupId?: string;
}

const instanceClasses = new WeakMap<ClusterInfo, string>();
const counters = new Map<string, number>();

function nextId(prefix: string): string {
  const n = (counters.get(prefix) ?? 0) + 1;
  counters.set(prefix, n);
  return `${prefix}-${n}`;
}

function rootArnOf(source: ClusterInfo): string {
  return source.managed?.rootArn ?? source.arn;
}

function legacyTags(
  role: 'copy' | 'clone',
  sourceArn: string,
  rootArn: string,
  dataTimestamp: Date | undefined,
  manager: string | undefined,
): Tag[] {
  const tags: Tag[] = [
    { Key: LEGACY_TAG.role, Value: role },
    { Key: LEGACY_TAG.sourceArn, Value: sourceArn },
    { Key: LEGACY_TAG.rootArn, Value: rootArn },
  ];
  if (dataTimestamp) tags.push({ Key: LEGACY_TAG.dataTimestamp, Value: dataTimestamp.toISOString() });
  if (manager) tags.push({ Key: LEGACY_TAG.manager, Value: manager });
  return tags;
}

/** Any cluster; `root`, `copy` and `clone` below are the usual shorthands. */
export function cluster(options: ClusterOptions = {}): ClusterInfo {
  const role = options.role ?? 'root';
  const now = options.now ?? NOW;
  const id = options.id ?? nextId(role);
  const ageMs = (options.ageDays ?? 0) * DAY + (options.ageHours ?? 0) * HOUR;
  const createdAt =
    options.createdAt === null ? undefined : (options.createdAt ?? new Date(now.getTime() - ageMs));
  let tags: Record<string, string> = { ...(options.tags ?? {}) };

  if (role !== 'root') {
    const source = options.source ?? options.of;
    if (!source) throw new Error(`builder: a ${role} needs a source`);
    const rootArn = options.rootArn ?? rootArnOf(source);
    // A clone's data is its source's: the copy's data timestamp, or the moment it was cloned from the root.
    const inherited = role === 'clone' && source.managed ? source.managed.dataTimestamp : undefined;
    const dataTimestamp =
      options.dataTimestamp === null
        ? undefined
        : (options.dataTimestamp ?? inherited ?? createdAt ?? new Date(now.getTime() - ageMs));
    const manager = options.manager === null ? undefined : (options.manager ?? MANAGER_ID);
    if (options.legacy) {
      tags = { ...tags, ...tagMap(legacyTags(role, source.arn, rootArn, dataTimestamp, manager)) };
    } else {
      const list = managedTagList(
        {
          role,
          sourceArn: source.arn,
          rootArn,
          dataTimestamp: dataTimestamp ?? now,
          manager: manager ?? '',
          ...(options.request ? { request: options.request } : {}),
          ...(options.owner ? { owner: options.owner } : {}),
          ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
          ...(options.warm ? { warm: options.warm } : {}),
        },
        tags,
      );
      // managedTagList always writes these two; drop them when the test wants them absent.
      tags = tagMap(
        list.filter(
          (t) =>
            !(t.Key === TAG.dataTimestamp && dataTimestamp === undefined) &&
            !(t.Key === TAG.manager && manager === undefined),
        ),
      );
    }
  }

  const instanceCount = options.instances ?? 1;
  const members = Array.from({ length: instanceCount }, (_, i) => ({
    instanceId: `${id}-instance-${i + 1}`,
    isWriter: i === 0,
  }));
  const info: ClusterInfo = {
    id,
    arn: arnOf(id),
    status: options.status ?? 'available',
    engine: options.engine ?? 'aurora-postgresql',
    engineVersion: '16.4',
    cloneGroupId:
      options.cloneGroupId ??
      (role === 'clone' ? (options.source ?? options.of)?.cloneGroupId : undefined) ??
      `group-${id}`,
    endpoint: `${id}.cluster-abc.eu-west-1.rds.amazonaws.com`,
    readerEndpoint: `${id}.cluster-ro-abc.eu-west-1.rds.amazonaws.com`,
    port: 5432,
    masterUsername: 'postgres',
    subnetGroup: 'default',
    securityGroupIds: ['sg-123'],
    deletionProtection: options.deletionProtection ?? false,
    members,
    tags,
  };
  if (createdAt) info.createdAt = createdAt;
  const managed = readManagedTags(tags);
  if (managed) info.managed = managed;
  instanceClasses.set(info, options.instanceClass ?? DEFAULT_INSTANCE_CLASS);
  return info;
}

export function root(options: Omit<ClusterOptions, 'role'> = {}): ClusterInfo {
  return cluster({ ...options, role: 'root' });
}

/** A full copy of `of` (a root), by default this manager's and made just now. */
export function copy(options: Omit<ClusterOptions, 'role'> & { of: ClusterInfo }): ClusterInfo {
  return cluster({ ...options, role: 'copy', source: options.of });
}

/** A copy-on-write clone of `of` (a root, a copy or another clone). */
export function clone(options: Omit<ClusterOptions, 'role'> & { of: ClusterInfo }): ClusterInfo {
  return cluster({ ...options, role: 'clone', source: options.of });
}

/**
 * A copy-on-write clone of `of` that the manager did not make (by hand, CloudFormation's own
 * restore, another tool): no manager tags, in `of`'s clone group.
 */
export function handMadeClone(
  options: Omit<ClusterOptions, 'role' | 'cloneGroupId'> & { of: ClusterInfo },
): ClusterInfo {
  const { of, ...rest } = options;
  return cluster({ ...rest, role: 'root', ...(of.cloneGroupId ? { cloneGroupId: of.cloneGroupId } : {}) });
}

/** `n` clones of `of` with ids `<idPrefix>-<i>` (default prefix `<of>-clone`). */
export function clones(
  n: number,
  of: ClusterInfo,
  options: Omit<ClusterOptions, 'role' | 'of' | 'source' | 'id'> & { idPrefix?: string } = {},
): ClusterInfo[] {
  const { idPrefix = `${of.id}-clone`, ...rest } = options;
  return Array.from({ length: n }, (_, i) => clone({ ...rest, of, id: `${idPrefix}-${i + 1}` }));
}

/** The inventory holding these clusters and their instances, read at `NOW` unless `readAt` says otherwise. */
export function inventory(...clusters: ClusterInfo[]): Inventory {
  return inventoryAt(NOW, ...clusters);
}

export function inventoryAt(readAt: Date, ...clusters: ClusterInfo[]): Inventory {
  const instances: InstanceInfo[] = clusters.flatMap((c) =>
    c.members.map((m) => ({
      id: m.instanceId,
      clusterId: c.id,
      status: c.status === 'creating' ? 'creating' : 'available',
      instanceClass: instanceClasses.get(c) ?? DEFAULT_INSTANCE_CLASS,
      engine: c.engine,
    })),
  );
  return { readAt, clusters, instances };
}
