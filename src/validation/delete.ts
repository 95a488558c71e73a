// A delete request: which cluster (id or ARN) and whether to keep a final snapshot.
import type { DeleteRequest } from '../model/api.ts';
import { type FieldKey, type FieldNames, namer } from './fields.ts';
import { checkClusterIdOrArn } from './identifiers.ts';
import { fieldReader, type KnownKeys } from './objects.ts';
import { Problems } from './problems.ts';
import { booleanValue, stringValue } from './raw.ts';

const DELETE_KEYS: KnownKeys<DeleteRequest> = {
  clusterId: true,
  wait: true,
  skipFinalSnapshot: true,
  finalSnapshotId: true,
  dryRun: true,
  ignoreMissing: true,
};

/** Returns the request with only its known fields; throws naming every bad one. */
export function validateDeleteRequest(req: DeleteRequest, fields: FieldNames = {}): DeleteRequest {
  const name = namer(fields);
  const problems = new Problems();
  const take = fieldReader(req, 'request', DELETE_KEYS, (key) => name(key as FieldKey), problems);
  const clusterId = take('clusterId', checkClusterIdOrArn, true);
  const wait = take('wait', booleanValue);
  const skipFinalSnapshot = take('skipFinalSnapshot', booleanValue);
  const finalSnapshotId = take('finalSnapshotId', stringValue);
  const dryRun = take('dryRun', booleanValue);
  const ignoreMissing = take('ignoreMissing', booleanValue);
  if (skipFinalSnapshot === false && !finalSnapshotId) {
    problems.add(name('finalSnapshotId'), `is required when ${name('skipFinalSnapshot')} is false`);
  }
  problems.throwIfAny();

  const out: DeleteRequest = { clusterId: clusterId! };
  if (wait !== undefined) out.wait = wait;
  if (skipFinalSnapshot !== undefined) out.skipFinalSnapshot = skipFinalSnapshot;
  if (finalSnapshotId !== undefined) out.finalSnapshotId = finalSnapshotId;
  if (dryRun !== undefined) out.dryRun = dryRun;
  if (ignoreMissing !== undefined) out.ignoreMissing = ignoreMissing;
  return out;
}
