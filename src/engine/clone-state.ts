// What the Lambda asks about one clone: is it usable yet, finish its pending password, and what an
// RDS "instance created" notification means for it.
import type { DBCluster } from '../aws/rds.ts';
import { passwordServices } from '../executor/apply.ts';
import { applyPendingPassword } from '../executor/password.ts';
import { readiness } from '../executor/readiness.ts';
import { toClusterInfo } from '../inventory/read.ts';
import type { CloneDescription, CloneReadiness, ManagerOptions } from '../model/api.ts';
import { clusterIdFromArn } from '../planner/pool.ts';
import { engineContext } from './context.ts';

/** Any cluster as the manager describes it; the tag-derived fields only for one it made. */
export function describeClone(c: DBCluster): CloneDescription {
  const info = toClusterInfo(c);
  const m = info.managed;
  const out: CloneDescription = {
    clusterId: info.id,
    arn: info.arn,
    status: info.status,
    passwordPending: m?.passwordPending ?? false,
  };
  if (info.endpoint) out.endpoint = info.endpoint;
  if (info.readerEndpoint) out.readerEndpoint = info.readerEndpoint;
  if (info.port !== undefined) out.port = info.port;
  if (info.masterUsername) out.masterUsername = info.masterUsername;
  if (info.databaseName) out.databaseName = info.databaseName;
  if (info.createdAt) out.createdAt = info.createdAt.toISOString();
  if (info.status === 'available' && info.members.length === 0) out.noWriter = true;
  const secret = m?.passwordSecret ?? c.MasterUserSecret?.SecretArn;
  if (secret) out.passwordSecret = secret;
  const key = m?.passwordKey ?? c.MasterUserSecret?.KmsKeyId;
  if (key) out.kmsKeyId = key;
  if (m) {
    out.role = m.role;
    out.rootClusterId = clusterIdFromArn(m.rootArn);
    out.sourceClusterId = clusterIdFromArn(m.sourceArn);
    if (m.dataTimestamp) out.dataTimestamp = m.dataTimestamp.toISOString();
    if (m.manager) out.managerId = m.manager;
    if (m.owner) out.owner = m.owner;
    if (m.request) out.requestKey = m.request;
    // Copies live until maintenance finds them obsolete: an expires-at tag on one means nothing.
    if (m.role === 'clone' && m.expiresAt) out.expiresAt = m.expiresAt.toISOString();
    if (m.warm) out.warm = m.warm;
  }
  return out;
}

/** Where a clone stands: usable when it and its writer are available. */
export async function cloneReadiness(
  clusterIdOrArn: string,
  options: ManagerOptions = {},
): Promise<CloneReadiness> {
  const ctx = await engineContext({ ...options, leaseTable: false });
  const r = await readiness(ctx, clusterIdOrArn);
  return { status: r.status, ready: r.ready, ...(r.cluster ? { clone: describeClone(r.cluster) } : {}) };
}

/** Sets a clone's pending master password (generated or RDS-managed); false when none was pending. */
export async function finishPendingPassword(
  clusterIdOrArn: string,
  options: ManagerOptions = {},
): Promise<boolean> {
  const ctx = await engineContext({ ...options, leaseTable: false });
  const cluster = await ctx.rds.describeCluster(clusterIdOrArn);
  if (!cluster) return false;
  return applyPendingPassword(toClusterInfo(cluster), passwordServices(ctx));
}

export type InstanceCreatedOutcome =
  | { kind: 'ignored'; why: string }
  | {
      kind: 'ready';
      instanceId: string;
      clone: CloneDescription;
      passwordApplied: boolean;
      host: string;
      port?: number;
    };

/**
 * An instance was created. For a clone of this manager: finish its pending password and describe
 * it; anything else is ignored with the reason.
 */
export async function onInstanceCreated(
  instanceId: string,
  options: ManagerOptions = {},
): Promise<InstanceCreatedOutcome> {
  const ctx = await engineContext({ ...options, leaseTable: false });
  const instance = await ctx.rds.describeInstance(instanceId);
  if (!instance?.DBClusterIdentifier)
    return { kind: 'ignored', why: `instance ${instanceId} is gone or not in a cluster` };
  const raw = await ctx.rds.describeCluster(instance.DBClusterIdentifier);
  if (!raw) return { kind: 'ignored', why: `cluster ${instance.DBClusterIdentifier} is gone` };
  const clone = describeClone(raw);
  if (clone.role !== 'clone') {
    return { kind: 'ignored', why: `cluster ${clone.clusterId} is not a clone made by a clone manager` };
  }
  if (clone.managerId !== ctx.managerId) {
    return {
      kind: 'ignored',
      why: `cluster ${clone.clusterId} belongs to manager ${clone.managerId ?? '(none)'}`,
    };
  }
  const passwordApplied = await applyPendingPassword(toClusterInfo(raw), passwordServices(ctx));
  const port = clone.port ?? instance.Endpoint?.Port;
  return {
    kind: 'ready',
    instanceId: instance.DBInstanceIdentifier ?? instanceId,
    clone,
    passwordApplied,
    host: clone.endpoint ?? instance.Endpoint?.Address ?? '',
    ...(port !== undefined ? { port } : {}),
  };
}
