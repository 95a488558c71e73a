// An extend request: which clone (id or ARN) and its new time to live, as the library takes TTLs
// everywhere (ISO-8601 duration, 8h, or milliseconds).
import type { ExtendRequest } from '../model/api.ts';
import { checkDuration } from './durations.ts';
import { type FieldKey, type FieldNames, namer } from './fields.ts';
import { checkClusterIdOrArn } from './identifiers.ts';
import { fieldReader, type KnownKeys } from './objects.ts';
import { Problems } from './problems.ts';
import { booleanValue } from './raw.ts';

const EXTEND_KEYS: KnownKeys<ExtendRequest> = {
  clusterId: true,
  ttl: true,
  dryRun: true,
};

export interface ValidExtendRequest {
  clusterId: string;
  ttlMs: number;
  dryRun: boolean;
}

/** Throws naming every bad field as the edge's user wrote it (`--ttl`, `ttl`). */
export function validateExtendRequest(req: ExtendRequest, fields: FieldNames = {}): ValidExtendRequest {
  const name = namer(fields);
  const problems = new Problems();
  const take = fieldReader(req, 'request', EXTEND_KEYS, (key) => name(key as FieldKey), problems);
  const clusterId = take('clusterId', checkClusterIdOrArn, true);
  const ttlMs = take('ttl', checkDuration, true);
  const dryRun = take('dryRun', booleanValue);
  problems.throwIfAny();
  return { clusterId: clusterId!, ttlMs: ttlMs!, dryRun: dryRun ?? false };
}
