// DescribeDBClusters / DescribeDBInstances: filters and Marker paging. Pages are in identifier
// order and a Marker means "after this identifier", so a cluster created or deleted between pages
// never makes another one appear twice or be skipped. A page costs what it returns, not what the
// Region holds: an identifier (parameter or filter) is a lookup, a clone group or cluster filter
// reads its members, and anything else walks the sorted identifiers from the Marker only as far
// as the page needs.

import { faults } from './errors.ts';
import { ownRecord, type RdsModel } from './model.ts';
import { compareIds, type SortedIds } from './sorted-ids.ts';
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

/** Where a page's items come from: a few records found by lookup, or the Region in identifier order. */
type Candidates<T> = { some: T[] } | { all: SortedIds; get(id: string): T | undefined };

export function describeClusters(
  model: RdsModel,
  regionName: string,
  idOrArn: string | undefined,
  input: PageInput,
): Page<ClusterRecord> {
  checkFilters(input.filters, CLUSTER_FILTERS);
  const region = model.region(regionName);
  const index = model.indexOf(region);
  const filters = input.filters ?? [];
  const ids = (f: Filter) => f.values.map((v) => model.clusterIdFrom(v));
  const byId = filters.find((f) => f.name === 'db-cluster-id');
  const byGroup = filters.find((f) => f.name === 'clone-group-id');
  let candidates: Candidates<ClusterRecord>;
  if (idOrArn !== undefined) candidates = { some: [model.getCluster(regionName, idOrArn)] };
  else if (byId) candidates = { some: present(ids(byId), region.clusters) };
  else if (byGroup)
    candidates = {
      some: present(
        byGroup.values.flatMap((g) => [...index.cloneGroupMembers(g)]),
        region.clusters,
      ),
    };
  else candidates = { all: index.clusterIds, get: (id) => ownRecord(region.clusters, id) };

  const tests = filters.map((f): ((c: ClusterRecord) => boolean) => {
    const values = new Set(f.values);
    switch (f.name) {
      case 'db-cluster-id': {
        const wanted = new Set(ids(f));
        return (c) => wanted.has(c.id);
      }
      case 'clone-group-id':
        return (c) => values.has(c.cloneGroupId);
      case 'db-cluster-resource-id':
        return (c) => values.has(c.resourceId);
      case 'engine':
        return (c) => values.has(c.engine);
      default:
        // domain: Active Directory domains are not emulated, so no cluster is in one.
        return () => false;
    }
  });
  return paginate(candidates, (c) => tests.every((t) => t(c)), input);
}

export function describeInstances(
  model: RdsModel,
  regionName: string,
  idOrArn: string | undefined,
  input: PageInput,
): Page<InstanceRecord> {
  checkFilters(input.filters, INSTANCE_FILTERS);
  const region = model.region(regionName);
  const index = model.indexOf(region);
  const filters = input.filters ?? [];
  const clusterIds = (f: Filter) => f.values.map((v) => model.clusterIdFrom(v));
  const instanceIds = (f: Filter) => f.values.map((v) => model.instanceIdFrom(v));
  const byId = filters.find((f) => f.name === 'db-instance-id');
  const byCluster = filters.find((f) => f.name === 'db-cluster-id');
  let candidates: Candidates<InstanceRecord>;
  if (idOrArn !== undefined) candidates = { some: [model.getInstance(regionName, idOrArn)] };
  else if (byId) candidates = { some: present(instanceIds(byId), region.instances) };
  else if (byCluster)
    candidates = { some: [...new Set(clusterIds(byCluster))].flatMap((id) => index.instancesOf(id)) };
  else candidates = { all: index.instanceIds, get: (id) => ownRecord(region.instances, id) };

  const tests = filters.map((f): ((i: InstanceRecord) => boolean) => {
    const values = new Set(f.values);
    switch (f.name) {
      case 'db-cluster-id': {
        const wanted = new Set(clusterIds(f));
        return (i) => wanted.has(i.clusterId);
      }
      case 'db-instance-id': {
        const wanted = new Set(instanceIds(f));
        return (i) => wanted.has(i.id);
      }
      case 'dbi-resource-id':
        return (i) => values.has(i.resourceId);
      case 'engine':
        return (i) => values.has(i.engine);
      default:
        return () => false;
    }
  });
  return paginate(candidates, (i) => tests.every((t) => t(i)), input);
}

/** The records named, once each, leaving out names that match nothing (as a filter does). */
function present<T>(ids: readonly string[], records: Record<string, T>): T[] {
  const out: T[] = [];
  for (const id of new Set(ids)) {
    const r = ownRecord(records, id);
    if (r) out.push(r);
  }
  return out;
}

function checkFilters(filters: Filter[] | undefined, allowed: string[]): void {
  for (const f of filters ?? []) {
    if (!allowed.includes(f.name)) throw faults.invalidValue(`Unrecognized filter name: ${f.name}.`);
    if (f.values.length === 0) throw faults.invalidValue(`Filter ${f.name} must have at least one value.`);
  }
}

function paginate<T extends { id: string }>(
  candidates: Candidates<T>,
  matches: (item: T) => boolean,
  input: PageInput,
): Page<T> {
  const max = input.maxRecords ?? 100;
  if (!Number.isInteger(max) || max < 20 || max > 100) {
    throw faults.invalidValue(`Invalid value ${input.maxRecords} for MaxRecords. Must be between 20 and 100`);
  }
  const after = input.marker === undefined ? undefined : decodeMarker(input.marker);
  // One item past the page tells whether another page follows.
  const found: T[] = [];
  if ('some' in candidates) {
    const sorted = candidates.some.filter(matches).sort((a, b) => compareIds(a.id, b.id));
    for (const x of sorted) {
      if (after !== undefined && compareIds(x.id, after) <= 0) continue;
      found.push(x);
      if (found.length > max) break;
    }
  } else {
    const { all, get } = candidates;
    for (let i = all.firstAfter(after); i < all.size && found.length <= max; i++) {
      const x = get(all.at(i) as string);
      if (x && matches(x)) found.push(x);
    }
  }
  const items = found.slice(0, max);
  const last = items[items.length - 1];
  return found.length > max && last ? { items, marker: encodeMarker(last.id) } : { items };
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
