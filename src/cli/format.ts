// Human output of each command's result. JSON output is the result itself; these are for people.

import { formatPlan } from '../engine/api.ts';
import type {
  CloneDescription,
  CloneDetails,
  DeleteResult,
  ExtendResult,
  MaintenanceReport,
  PoolMember,
  PoolStatus,
  ProvisionResult,
} from '../model/api.ts';
import { formatDuration } from '../util/duration.ts';
import { formatKeyValues, formatTable } from './table.ts';

/** 2026-11-25T10:40:00.123Z → 2026-11-25 10:40:00Z */
export function shortInstant(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function formatProvisionResult(r: ProvisionResult, rootClusterId: string): string {
  if (r.dryRun) return `Dry run: nothing was created.\n\n${formatPlan(r.plan)}`;
  const state =
    r.status === 'available'
      ? 'is ready'
      : r.claimedWarmClone
        ? `was claimed (${r.status})`
        : `is being created (${r.status})`;
  const head = r.reused
    ? `Clone ${r.clusterId} already exists for this request (${r.status}).`
    : `Clone ${r.clusterId} ${state}.`;
  const source =
    r.sourceClusterId === rootClusterId
      ? `${r.sourceClusterId} (the root)`
      : r.copyMade
        ? `${r.sourceClusterId} (a copy of ${rootClusterId} made for this request)`
        : `${r.sourceClusterId} (a copy of ${rootClusterId} from the pool)`;
  const pairs: [string, string | number | undefined][] = [
    ['cluster id', r.clusterId],
    ['endpoint', r.endpoint],
    ['reader endpoint', r.readerEndpoint],
    ['port', r.port],
    ['source', source],
    ['data timestamp', shortInstant(r.dataTimestamp)],
    ['writer instance', r.instanceId],
    ['arn', r.arn],
  ];
  if (r.passwordSecret) pairs.push(['password secret', r.passwordSecret]);
  if (r.claimedWarmClone) pairs.push(['warm clone claimed', r.claimedWarmClone]);
  const hint = r.status === 'available' ? '' : '\nIt is usable once available; pass --wait to wait for it.\n';
  return `${head}\n${formatKeyValues(pairs)}${hint}`;
}

/** A cluster a crash left without a writer is unusable: say so where its status is read. */
function statusOf(m: PoolMember): string {
  return m.noWriter ? `${m.status}, NO WRITER` : m.status;
}

function sourceNote(m: PoolMember): string | undefined {
  if (m.unmanaged?.length)
    return `counts ${m.unmanaged.length} not made by the manager: ${m.unmanaged.join(', ')}`;
  if (m.obsolete) return 'obsolete (purged by maintenance)';
  if (m.status !== 'available' && m.status !== 'creating') return 'not counted';
  return undefined;
}

export function formatPoolStatus(p: PoolStatus): string {
  const sources = [p.root, ...p.copies];
  const sourceTable = formatTable<PoolMember>(
    [
      { header: 'SOURCE', value: (m) => m.clusterId },
      { header: 'ROLE', value: (m) => m.role },
      { header: 'STATUS', value: statusOf },
      {
        header: 'AGE',
        value: (m) => (m.role === 'root' ? undefined : formatDuration(m.ageMs)),
        align: 'right',
      },
      {
        header: 'DATA TIMESTAMP',
        value: (m) => (m.role === 'root' ? 'live' : shortInstant(m.dataTimestamp)),
      },
      { header: 'USED', value: (m) => m.used, align: 'right' },
      { header: 'FREE', value: (m) => m.free, align: 'right' },
      { header: 'NOTE', value: sourceNote },
    ],
    sources,
    '  ',
  );
  const cloneTable =
    p.clones.length === 0
      ? '  (no clones)\n'
      : formatTable<PoolMember>(
          [
            { header: 'CLONE', value: (m) => m.clusterId },
            { header: 'SOURCE', value: (m) => m.sourceClusterId },
            { header: 'STATUS', value: statusOf },
            { header: 'AGE', value: (m) => formatDuration(m.ageMs), align: 'right' },
            { header: 'DATA TIMESTAMP', value: (m) => shortInstant(m.dataTimestamp) },
            {
              header: 'OWNER',
              value: (m) => (m.warm ? `(warm, idle ${m.warm.idleInstanceHours} instance-h)` : m.owner),
            },
            { header: 'EXPIRES', value: (m) => shortInstant(m.expiresAt) },
          ],
          p.clones,
          '  ',
        );
  return [
    `Pool of ${p.root.clusterId} (read ${shortInstant(p.readAt)}; ${p.maxClonesPerSource} clones per source; copies obsolete after ${formatDuration(p.maxCopyAgeMs)})`,
    '',
    `Sources (root and ${p.copies.length} ${p.copies.length === 1 ? 'copy' : 'copies'}):`,
    sourceTable,
    `Clones (${p.clones.length}):`,
    cloneTable,
    `Free capacity: ${p.freeCapacity} clone ${p.freeCapacity === 1 ? 'slot' : 'slots'}${
      p.warmClones
        ? `; ${p.warmClones.count} warm clone${p.warmClones.count === 1 ? '' : 's'} ready to claim (idle so far: ${p.warmClones.idleInstanceHours} instance-hours)`
        : ''
    }\n`,
  ].join('\n');
}

export function formatMaintenanceReports(reports: MaintenanceReport[]): string {
  const table = formatTable<MaintenanceReport>(
    [
      { header: 'SOURCE', value: (r) => r.clusterId },
      { header: 'RESULT', value: (r) => (r.ok ? (r.dryRun ? 'planned (dry run)' : 'ok') : 'FAILED') },
      { header: 'FREE BEFORE', value: (r) => r.capacityBefore, align: 'right' },
      { header: 'FREE AFTER', value: (r) => r.capacityAfter, align: 'right' },
      { header: 'CREATED', value: (r) => r.created.length, align: 'right' },
      { header: 'DELETED', value: (r) => r.deleted.length, align: 'right' },
    ],
    reports,
  );
  const lines: string[] = [];
  for (const r of reports) {
    if (r.error) lines.push(`${r.clusterId}: failed: ${r.error}`);
    if (r.created.length) lines.push(`${r.clusterId}: created ${r.created.join(', ')}`);
    if (r.deleted.length) lines.push(`${r.clusterId}: deleted ${r.deleted.join(', ')}`);
    if (r.warmMade?.length) lines.push(`${r.clusterId}: warm clones made ${r.warmMade.join(', ')}`);
    if (r.warmNotMade) lines.push(`${r.clusterId}: warm clones ${r.warmNotMade}`);
  }
  const plans = reports.filter((r) => r.dryRun && r.plan).map((r) => `\n${formatPlan(r.plan!).trimEnd()}\n`);
  return table + (lines.length ? `\n${lines.join('\n')}\n` : '') + plans.join('');
}

export function formatDeleteResult(r: DeleteResult): string {
  if (r.dryRun) return `Dry run: nothing was deleted.\n\n${formatPlan(r.plan)}`;
  if (r.alreadyGone) return `Cluster ${r.clusterId} was already gone; nothing to delete.\n`;
  const parts = [`Deleted ${r.clusterId}`];
  if (r.instancesDeleted.length)
    parts.push(
      `with its instance${r.instancesDeleted.length > 1 ? 's' : ''} ${r.instancesDeleted.join(', ')}`,
    );
  let out = `${parts.join(' ')}.\n`;
  if (r.secretDeleted) out += `  password secret deleted: ${r.secretDeleted}\n`;
  if (r.kmsKeyScheduledForDeletion)
    out += `  KMS key scheduled for deletion: ${r.kmsKeyScheduledForDeletion}\n`;
  return out;
}

export function formatClusterList(clusters: CloneDescription[]): string {
  if (clusters.length === 0) return 'No clones or copies made by the manager in this Region.\n';
  return formatTable<CloneDescription>(
    [
      { header: 'CLUSTER', value: (c) => c.clusterId },
      { header: 'ROLE', value: (c) => c.role },
      { header: 'SOURCE', value: (c) => c.rootClusterId },
      { header: 'STATUS', value: (c) => (c.noWriter ? `${c.status}, NO WRITER` : c.status) },
      { header: 'OWNER', value: (c) => (c.warm ? '(warm)' : c.owner) },
      { header: 'DATA TIMESTAMP', value: (c) => shortInstant(c.dataTimestamp) },
      { header: 'EXPIRES', value: (c) => shortInstant(c.expiresAt) },
      { header: 'ENDPOINT', value: (c) => (c.endpoint ? `${c.endpoint}:${c.port ?? ''}` : undefined) },
    ],
    clusters,
  );
}

export function formatCloneDetails(c: CloneDetails): string {
  const what = c.role
    ? `${c.role === 'clone' ? 'Clone' : 'Copy'} ${c.clusterId}`
    : `Cluster ${c.clusterId} (not made by the manager)`;
  const state = c.ready ? 'is ready' : `is not ready yet (${c.readiness})`;
  const pairs: [string, string | number | undefined][] = [
    ['status', c.status],
    ['endpoint', c.endpoint],
    ['reader endpoint', c.readerEndpoint],
    ['port', c.port],
    ['user', c.masterUsername],
    ['database', c.databaseName],
    ['password secret', c.passwordSecret],
    ['source', c.sourceClusterId],
    ['pool root', c.rootClusterId],
    ['data timestamp', shortInstant(c.dataTimestamp)],
    ['created', shortInstant(c.createdAt)],
    ['expires', c.role === 'clone' ? (shortInstant(c.expiresAt) ?? 'never') : undefined],
    ['owner', c.owner],
    ['manager', c.managerId],
    ['request key', c.requestKey],
    ['arn', c.arn],
  ];
  return `${what} ${state}.\n${formatKeyValues(pairs)}`;
}

export function formatExtendResult(r: ExtendResult): string {
  const before = shortInstant(r.previousExpiresAt) ?? 'never';
  const after = shortInstant(r.expiresAt) ?? 'never';
  if (r.dryRun) return `Dry run: nothing was changed.\n\n${formatPlan(r.plan)}`;
  return r.changed
    ? `Clone ${r.clusterId} now expires ${after} (was ${before}).\n`
    : `Clone ${r.clusterId} already expires ${before}, later than asked: unchanged.\n`;
}
