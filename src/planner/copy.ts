// A full copy of the root as plan steps: the restore and, right after it under the same lease, the
// writer instance without which the copy could never be cloned. Shared by provision and maintenance.
import type { ClusterInfo } from '../model/inventory.ts';
import type { CopyStep, WriterStep } from '../model/plan.ts';
import { managedTagList } from '../model/tags.ts';
import { idleRange, serverlessRange } from './serverless.ts';

export interface CopyPlan {
  root: ClusterInfo;
  clusterId: string;
  instanceId: string;
  instanceClass: string;
  managerId: string;
  now: Date;
  reason: string;
  /** A db.serverless copy goes down to 0 ACUs and pauses while no one clones it. */
  pauseWhenIdle?: boolean;
}

export function copySteps(c: CopyPlan): [CopyStep, WriterStep] {
  const { root } = c;
  // The copy's data is the root's as of now: its data timestamp, tagged on it and its writer.
  const tags = managedTagList({
    role: 'copy',
    sourceArn: root.arn,
    rootArn: root.arn,
    dataTimestamp: c.now,
    manager: c.managerId,
  });
  return [
    {
      kind: 'copy',
      clusterId: c.clusterId,
      rootClusterId: root.id,
      rootArn: root.arn,
      engine: root.engine,
      dataTimestamp: c.now.toISOString(),
      restore: {
        securityGroupIds: root.securityGroupIds,
        ...(root.subnetGroup ? { subnetGroup: root.subnetGroup } : {}),
        ...idleRange(serverlessRange(c.instanceClass, root), c.pauseWhenIdle),
      },
      tags,
      underLease: true,
      reason: c.reason,
    },
    {
      kind: 'copy-writer',
      clusterId: c.clusterId,
      instanceId: c.instanceId,
      instanceClass: c.instanceClass,
      engine: root.engine,
      tags,
      underLease: true,
      reason: `copy ${c.clusterId} can be cloned only once it has an instance: made right after its restore, so no copy is left without one`,
    },
  ];
}
