// DescribeDBClusters / DescribeDBInstances: filters and Marker paging. Pages are in identifier
// order and a Marker means "after this identifier", so a cluster created or deleted between pages
// never makes another one appear twice or be skipped.

import { faults } from './errors.ts';
import { compareIds, type RdsModel } from './model.ts';
import type { ClusterRecord, InstanceRecord } from './types.ts';

export interface Filter {
  name: string;
  values: string[];
}

export interface PageInput {
  filters?: Filter[];
  maxRecords?: number;
  marker?: string;
}

export interface Page<T> {
  items: T[];
  marker?: string;
}

const CLUSTER_FILTERS = ['db-cluster-id', 'clone-group-id', 'db-cluster-resource-id', 'engine', 'domain'];
const INSTANCE_FILTERS = ['db-cluster-id', 'db-instance-id', 'dbi-resource-id', 'engine', 'domain'];

export function describeClusters(
  model: RdsModel,
  regionName: string,
  idOrArn: string | undefined,
  input: PageInput,
): Page<ClusterRecord> {
  checkFilters(input.filters, CLUSTER_FILTERS);
  let items = Object.values(model.region(regionName).clusters);
  if (idOrArn !== undefined) items = [model.getCluster(regionName, idOrArn)];
  for (const f of input.filters ?? []) {
    const values = new Set(f.values);
    const ids = new Set(f.values.map((v) => model.clusterIdFrom(v)));
    items = items.filter((c) => {
      switch (f.name) {
        case 'db-cluster-id':
          return ids.has(c.id);
        case 'clone-group-id':
          return values.has(c.cloneGroupId);
        case 'db-cluster-resource-id':
          return values.has(c.resourceId);
        case 'engine':
          return values.has(c.engine);
        default:
          // domain: Active Directory domains are not emulated, so no cluster is in one.
          return false;
      }
    });
  }
  return paginate(items, input);
}

export function describeInstances(
  model: RdsModel,
  regionName: string,
  idOrArn: string | undefined,
  input: PageInput,
): Page<InstanceRecord> {
  checkFilters(input.filters, INSTANCE_FILTERS);
  let items = Object.values(model.region(regionName).instances);
  if (idOrArn !== undefined) items = [model.getInstance(regionName, idOrArn)];
  for (const f of input.filters ?? []) {
    const values = new Set(f.values);
    const clusterIds = new Set(f.values.map((v) => model.clusterIdFrom(v)));
    const instanceIds = new Set(f.values.map((v) => model.instanceIdFrom(v)));
    items = items.filter((i) => {
      switch (f.name) {
        case 'db-cluster-id':
          return clusterIds.has(i.clusterId);
        case 'db-instance-id':
          return instanceIds.has(i.id);
        case 'dbi-resource-id':
          return values.has(i.resourceId);
        case 'engine':
          return values.has(i.engine);
        default:
          return false;
      }
    });
  }
  return paginate(items, input);
}

function checkFilters(filters: Filter[] | undefined, allowed: string[]): void {
  for (const f of filters ?? []) {
    if (!allowed.includes(f.name)) throw faults.invalidValue(`Unrecognized filter name: ${f.name}.`);
    if (f.values.length === 0) throw faults.invalidValue(`Filter ${f.name} must have at least one value.`);
  }
}

function paginate<T extends { id: string }>(all: T[], input: PageInput): Page<T> {
  const max = input.maxRecords ?? 100;
  if (!Number.isInteger(max) || max < 20 || max > 100) {
    throw faults.invalidValue(`Invalid value ${input.maxRecords} for MaxRecords. Must be between 20 and 100`);
  }
  const after = input.marker === undefined ? undefined : decodeMarker(input.marker);
  const sorted = [...all].sort((a, b) => compareIds(a.id, b.id));
  const rest = after === undefined ? sorted : sorted.filter((x) => compareIds(x.id, after) > 0);
  const items = rest.slice(0, max);
  const last = items[items.length - 1];
  return rest.length > max && last ? { items, marker: encodeMarker(last.id) } : { items };
}

function encodeMarker(afterId: string): string {
  return Buffer.from(JSON.stringify({ after: afterId }), 'utf8').toString('base64url');
}

function decodeMarker(marker: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through to the fault below
  }
  throw faults.invalidValue(`Invalid Marker: ${marker}`);
}
