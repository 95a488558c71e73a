// The calls that create clusters and instances. Each is safe to repeat: a retried call whose first
// attempt landed finds its own resource (recognised by its tags) and takes it as done.
import type { DBCluster, DBInstance } from '../aws/rds.ts';
import type { CloneStep, CopyStep, WriterStep } from '../model/plan.ts';
import { TAG, type Tag } from '../model/tags.ts';
import { AwsAlreadyExistsError } from '../util/errors.ts';
import type { ExecutorContext } from './context.ts';

/** Copy-on-write restore for a clone, full-copy restore for a copy. */
export async function restore(
  ctx: ExecutorContext,
  step: CloneStep | CopyStep,
  beforeEachAttempt?: () => void,
): Promise<DBCluster> {
  const { restore: where } = step;
  const source = step.kind === 'clone' ? step.sourceClusterId : step.rootClusterId;
  try {
    return await ctx.rds.restoreCluster(
      {
        DBClusterIdentifier: step.clusterId,
        SourceDBClusterIdentifier: source,
        RestoreType: step.kind === 'clone' ? 'copy-on-write' : 'full-copy',
        UseLatestRestorableTime: true,
        Tags: step.tags,
        ...(where.subnetGroup ? { DBSubnetGroupName: where.subnetGroup } : {}),
        ...(where.securityGroupIds.length ? { VpcSecurityGroupIds: where.securityGroupIds } : {}),
        ...(where.clusterParameterGroup ? { DBClusterParameterGroupName: where.clusterParameterGroup } : {}),
        ...(where.serverlessV2
          ? {
              ServerlessV2ScalingConfiguration: {
                MinCapacity: where.serverlessV2.minCapacity,
                MaxCapacity: where.serverlessV2.maxCapacity,
                ...(where.serverlessV2.secondsUntilAutoPause !== undefined
                  ? { SecondsUntilAutoPause: where.serverlessV2.secondsUntilAutoPause }
                  : {}),
              },
            }
          : {}),
        DeletionProtection: false,
      },
      beforeEachAttempt ? { beforeEachAttempt } : {},
    );
  } catch (err) {
    if (err instanceof AwsAlreadyExistsError) {
      const existing = await ctx.rds.describeCluster(step.clusterId);
      if (existing && sameMaker(existing.TagList, step.tags)) return existing;
    }
    throw err;
  }
}

/** The writer instance of a new cluster. */
export async function createWriter(ctx: ExecutorContext, step: WriterStep): Promise<DBInstance> {
  try {
    return await ctx.rds.createInstance({
      DBInstanceIdentifier: step.instanceId,
      DBClusterIdentifier: step.clusterId,
      DBInstanceClass: step.instanceClass,
      Engine: step.engine,
      Tags: step.tags,
      ...(step.parameterGroup ? { DBParameterGroupName: step.parameterGroup } : {}),
    });
  } catch (err) {
    if (err instanceof AwsAlreadyExistsError) {
      const existing = await ctx.rds.describeInstance(step.instanceId);
      if (existing?.DBClusterIdentifier === step.clusterId) return existing;
    }
    throw err;
  }
}

/** The existing cluster was made by this very step: same request key (clone) or data timestamp (copy). */
function sameMaker(
  existing: readonly { Key?: string; Value?: string }[] | undefined,
  wanted: readonly Tag[],
) {
  const key = wanted.some((t) => t.Key === TAG.request) ? TAG.request : TAG.dataTimestamp;
  const value = wanted.find((t) => t.Key === key)?.Value;
  return value !== undefined && (existing ?? []).some((t) => t.Key === key && t.Value === value);
}
