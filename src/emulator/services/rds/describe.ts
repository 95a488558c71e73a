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

/** One filter: from its values, the test an item must pass. */
type FilterTest<T> = (values: readonly string[], model: RdsModel) => (item: T) => boolean;

const clusterIds = (values: readonly string[], model: RdsModel) => values.map((v) => model.clusterIdFrom(v));
const instanceIds = (values: readonly string[], model: RdsModel) =>
  values.map((v) => model.instanceIdFrom(v));

/** The item's field is one of the values (read as identifiers or ARNs when `asIds` is given). */
function oneOf<T>(
  field: (item: T) => string,
  asIds?: (values: readonly string[], model: RdsModel) => string[],
): FilterTest<T> {
  return (values, model) => {
    const wanted = new Set(asIds ? asIds(values, model) : values);
    return (item) => wanted.has(field(item));
  };
}

// domain: Active Directory domains are not emulated, so nothing is in one.
const inNoDomain = () => () => false;

const CLUSTER_FILTERS: Record<string, FilterTest<ClusterRecord>> = {
  'db-cluster-id': oneOf((c) => c.id, clusterIds),
  'clone-group-id': (values, model) => {
    const wanted = new Set(values);
    return (c) => {
      const group = model.reportedCloneGroupId(c);
      return group !== undefined && wanted.has(group);
    };
  },
  'db-cluster-resource-id': oneOf((c) => c.resourceId),
  engine: oneOf((c) => c.engine),
  domain: inNoDomain,
};

const INSTANCE_FILTERS: Record<string, FilterTest<InstanceRecord>> = {
  'db-cluster-id': oneOf((i) => i.clusterId, clusterIds),
  'db-instance-id': oneOf((i) => i.id, instanceIds),
  'dbi-resource-id': oneOf((i) => i.resourceId),
  engine: oneOf((i) => i.engine),
  domain: inNoDomain,
};

/** Where a page's items come from: a few records found by lookup, or the Region in identifier order. */
type Candidates<T> = { some: T[] } | { all: SortedIds; get(id: string): T | undefined };

export function describeClusters(
  model: RdsModel,
  regionName: string,
  idOrArn: string | undefined,
  input: PageInput,
): Page<ClusterRecord> {
  const filters = checkFilters(input.filters, CLUSTER_FILTERS);
  const region = model.region(regionName);
  const index = model.indexOf(region);
  const byId = filters.find((f) => f.name === 'db-cluster-id');
  const byGroup = filters.find((f) => f.name === 'clone-group-id');
  let candidates: Candidates<ClusterRecord>;
  if (idOrArn !== undefined) candidates = { some: [model.getCluster(regionName, idOrArn)] };
  else if (byId) candidates = { some: present(clusterIds(byId.values, model), region.clusters) };
  else if (byGroup) {
    const members = byGroup.values.flatMap((g) => [...index.cloneGroupMembers(g)]);
    candidates = { some: present(members, region.clusters) };
  } else candidates = { all: index.clusterIds, get: (id) => ownRecord(region.clusters, id) };
  return paginate(candidates, matcher(filters, CLUSTER_FILTERS, model), input);
}

export function describeInstances(
  model: RdsModel,
  regionName: string,
  idOrArn: string | undefined,
  input: PageInput,
): Page<InstanceRecord> {
  const filters = checkFilters(input.filters, INSTANCE_FILTERS);
  const region = model.region(regionName);
  const index = model.indexOf(region);
  const byId = filters.find((f) => f.name === 'db-instance-id');
  const byCluster = filters.find((f) => f.name === 'db-cluster-id');
  let candidates: Candidates<InstanceRecord>;
  if (idOrArn !== undefined) candidates = { some: [model.getInstance(regionName, idOrArn)] };
  else if (byId) candidates = { some: present(instanceIds(byId.values, model), region.instances) };
  else if (byCluster) {
    const clusters = new Set(clusterIds(byCluster.values, model));
    candidates = { some: [...clusters].flatMap((id) => index.instancesOf(id)) };
  } else candidates = { all: index.instanceIds, get: (id) => ownRecord(region.instances, id) };
  return paginate(candidates, matcher(filters, INSTANCE_FILTERS, model), input);
}

/** Every filter must pass (RDS ANDs filters and ORs the values of one). */
function matcher<T>(filters: readonly Filter[], tests: Record<string, FilterTest<T>>, model: RdsModel) {
  const all = filters.map((f) => (tests[f.name] as FilterTest<T>)(f.values, model));
  return (item: T) => all.every((test) => test(item));
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

function checkFilters<T>(filters: Filter[] | undefined, known: Record<string, FilterTest<T>>): Filter[] {
  for (const f of filters ?? []) {
    if (!Object.hasOwn(known, f.name)) throw faults.invalidValue(`Unrecognized filter name: ${f.name}.`);
    if (f.values.length === 0) throw faults.invalidValue(`Filter ${f.name} must have at least one value.`);
  }
  return filters ?? [];
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
