// Names RDS gives things: ARNs, endpoint host names, resource ids and per-engine defaults.

import { createHash, randomBytes, randomUUID } from 'node:crypto';

export function clusterArn(region: string, account: string, id: string): string {
  return `arn:aws:rds:${region}:${account}:cluster:${id}`;
}

export function instanceArn(region: string, account: string, id: string): string {
  return `arn:aws:rds:${region}:${account}:db:${id}`;
}

/** Parses an RDS ARN into the kind of resource and its identifier. */
export function parseRdsArn(
  arn: string,
): { region: string; account: string; kind: string; id: string } | undefined {
  const m = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):([a-z-]+):(.+)$/.exec(arn);
  if (!m) return undefined;
  return { region: m[1]!, account: m[2]!, kind: m[3]!, id: m[4]! };
}

/** AWS uses one random label per account and Region in endpoint names; ours is derived, so it is stable. */
export function endpointLabel(region: string, account: string): string {
  return `c${createHash('sha256').update(`${account}/${region}`).digest('hex').slice(0, 11)}`;
}

export function clusterEndpoint(id: string, region: string, account: string): string {
  return `${id}.cluster-${endpointLabel(region, account)}.${region}.rds.amazonaws.com`;
}

export function readerEndpoint(id: string, region: string, account: string): string {
  return `${id}.cluster-ro-${endpointLabel(region, account)}.${region}.rds.amazonaws.com`;
}

export function instanceEndpoint(id: string, region: string, account: string): string {
  return `${id}.${endpointLabel(region, account)}.${region}.rds.amazonaws.com`;
}

const RESOURCE_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `cluster-…` / `db-…` followed by 26 upper-case letters and digits, as AWS writes them. */
export function resourceId(prefix: 'cluster' | 'db'): string {
  const bytes = randomBytes(26);
  let s = '';
  for (const b of bytes) s += RESOURCE_ID_CHARS[b % RESOURCE_ID_CHARS.length];
  return `${prefix}-${s}`;
}

export function newCloneGroupId(): string {
  return randomUUID();
}

export function kmsKeyArn(region: string, account: string, keyIdOrArn: string): string {
  if (keyIdOrArn.startsWith('arn:')) return keyIdOrArn;
  if (keyIdOrArn.startsWith('alias/')) return `arn:aws:kms:${region}:${account}:${keyIdOrArn}`;
  return `arn:aws:kms:${region}:${account}:key/${keyIdOrArn}`;
}

/** The account's default `aws/rds` key, stable per account and Region. */
export function defaultRdsKmsKey(region: string, account: string): string {
  const h = createHash('sha256').update(`aws/rds/${account}/${region}`).digest('hex');
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return kmsKeyArn(region, account, uuid);
}

/** The Secrets Manager ARN RDS uses for a managed master password (`rds!cluster-…`). */
export function masterSecretArn(region: string, account: string, clusterResourceId: string): string {
  const suffix = randomBytes(3).toString('hex');
  return `arn:aws:secretsmanager:${region}:${account}:secret:rds!${clusterResourceId.toLowerCase()}-${suffix}`;
}

export interface EngineDefaults {
  version: string;
  port: number;
  masterUsername: string;
  /** Parameter group family for a version, e.g. aurora-postgresql16. */
  family(version: string): string;
}

const major = (v: string) => v.split('.')[0] ?? v;

export const ENGINES: Record<string, EngineDefaults> = {
  'aurora-postgresql': {
    version: '16.4',
    port: 5432,
    masterUsername: 'postgres',
    family: (v) => `aurora-postgresql${major(v)}`,
  },
  'aurora-mysql': {
    version: '8.0.mysql_aurora.3.08.0',
    port: 3306,
    masterUsername: 'admin',
    family: (v) => `aurora-mysql${v.split('.').slice(0, 2).join('.')}`,
  },
  // DescribeDBClusters also returns Neptune and DocumentDB clusters; product code must filter on engine.
  neptune: {
    version: '1.3.2.1',
    port: 8182,
    masterUsername: 'admin',
    family: (v) => `neptune${v.split('.').slice(0, 2).join('.')}`,
  },
  docdb: {
    version: '5.0.0',
    port: 27017,
    masterUsername: 'docdbadmin',
    family: (v) => `docdb${v.split('.').slice(0, 2).join('.')}`,
  },
};
