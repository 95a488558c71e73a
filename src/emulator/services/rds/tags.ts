// AddTagsToResource / RemoveTagsFromResource / ListTagsForResource on cluster and instance ARNs.

import { faults } from './errors.ts';
import type { RdsModel } from './model.ts';
import { parseRdsArn } from './naming.ts';
import type { Tag } from './types.ts';
import { mergeTags, required } from './validate.ts';

/** The tagged record named by an ARN; its Region is the ARN's, as on AWS. */
function resourceOf(model: RdsModel, arn: string | undefined): { tags: Tag[] } {
  const name = required('ResourceName', arn);
  const parsed = parseRdsArn(name);
  if (!parsed || parsed.account !== model.accountId) {
    throw faults.invalidValue(
      `The specified resource name does not match an RDS resource in this region: ${name}`,
    );
  }
  if (parsed.kind === 'cluster') return model.getCluster(parsed.region, parsed.id);
  if (parsed.kind === 'db') return model.getInstance(parsed.region, parsed.id);
  throw faults.invalidValue(`Tagging ${parsed.kind} resources is not emulated: ${name}`);
}

export function addTags(model: RdsModel, arn: string | undefined, tags: Tag[] | undefined): void {
  const resource = resourceOf(model, arn);
  resource.tags = mergeTags(resource.tags, required('Tags', tags));
}

export function removeTags(model: RdsModel, arn: string | undefined, keys: string[] | undefined): void {
  const resource = resourceOf(model, arn);
  const drop = new Set(required('TagKeys', keys));
  resource.tags = resource.tags.filter((t) => !drop.has(t.Key));
}

export function listTags(model: RdsModel, arn: string | undefined): Tag[] {
  return [...resourceOf(model, arn).tags];
}
