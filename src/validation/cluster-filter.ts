// The filter of `listClusters`: each field narrows the list, each is checked like the same field
// elsewhere (a source id or ARN, an owner, a manager id, a request key) and named as the edge's user
// wrote it.
import type { ClusterFilter } from '../model/api.ts';
import type { Role } from '../model/tags.ts';
import { ValidationError } from '../util/errors.ts';
import { type FieldKey, type FieldNames, namer } from './fields.ts';
import { checkClusterIdOrArn, checkManagerId } from './identifiers.ts';
import { fieldReader, type KnownKeys } from './objects.ts';
import { Problems } from './problems.ts';
import { describeValue } from './raw.ts';
import { checkOwner, checkRequestKey } from './tags.ts';

const FILTER_KEYS: KnownKeys<ClusterFilter> = {
  sourceClusterId: true,
  owner: true,
  role: true,
  managerId: true,
  requestKey: true,
};

const ROLES: readonly Role[] = ['clone', 'copy'];

export function checkRole(value: unknown, field: string): Role {
  const found = ROLES.find((r) => r === value);
  if (!found) throw new ValidationError(field, `must be clone or copy, got ${describeValue(value)}`);
  return found;
}

/** Returns the filter with only the fields given; throws naming every bad one. */
export function validateClusterFilter(filter: ClusterFilter, fields: FieldNames = {}): ClusterFilter {
  const name = namer(fields);
  const problems = new Problems();
  const take = fieldReader(filter, 'filter', FILTER_KEYS, (key) => name(key as FieldKey), problems);
  const sourceClusterId = take('sourceClusterId', checkClusterIdOrArn);
  const owner = take('owner', checkOwner);
  const role = take('role', checkRole);
  const managerId = take('managerId', checkManagerId);
  const requestKey = take('requestKey', checkRequestKey);
  problems.throwIfAny();
  const out: ClusterFilter = {};
  if (sourceClusterId !== undefined) out.sourceClusterId = sourceClusterId;
  if (owner !== undefined) out.owner = owner;
  if (role !== undefined) out.role = role;
  if (managerId !== undefined) out.managerId = managerId;
  if (requestKey !== undefined) out.requestKey = requestKey;
  return out;
}
