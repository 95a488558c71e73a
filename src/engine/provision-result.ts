// What provisionClone returns, built from the first plan and what the executor did.
import type { DBCluster } from '../aws/rds.ts';
import type { AppliedStep } from '../executor/apply.ts';
import { toClusterInfo } from '../inventory/read.ts';
import type { AppliedSummary, ProvisionResult } from '../model/api.ts';
import type { ClaimStep, CloneStep, Plan, WriterStep } from '../model/plan.ts';
import { AcmError } from '../util/errors.ts';

function summarise(applied: readonly AppliedStep[]): AppliedSummary[] {
  return applied.map(({ step, outcome, error }) => ({
    kind: step.kind,
    clusterId: step.clusterId,
    outcome,
    ...(error ? { error } : {}),
  }));
}

export function appliedSummary(applied: readonly AppliedStep[]): string {
  return applied.map((a) => `${a.step.kind} ${a.step.clusterId}`).join(', ') || 'none';
}

export function dryRunResult(plan: Plan): ProvisionResult {
  const clone = plan.steps.find((s): s is CloneStep => s.kind === 'clone');
  const reuse = plan.steps.find((s) => s.kind === 'reuse');
  const claim = plan.steps.find((s): s is ClaimStep => s.kind === 'claim');
  const copy = plan.steps.find((s) => s.kind === 'copy');
  const writer = plan.steps.find((s) => s.kind === 'clone-writer');
  const result: ProvisionResult = {
    clusterId: clone?.clusterId ?? reuse?.clusterId ?? '',
    arn: clone?.arn ?? (reuse?.kind === 'reuse' ? reuse.arn : ''),
    status: 'planned',
    instanceId: writer?.kind === 'clone-writer' ? writer.instanceId : '',
    sourceClusterId: clone?.sourceClusterId ?? '',
    sourceArn: clone?.sourceArn ?? '',
    copyMade: copy !== undefined,
    dataTimestamp: clone?.dataTimestamp ?? plan.createdAt,
    reused: reuse !== undefined,
    dryRun: true,
    plan,
    applied: [],
  };
  if (copy) result.copyClusterId = copy.clusterId;
  if (claim) {
    Object.assign(result, {
      clusterId: claim.newClusterId ?? claim.clusterId,
      arn: claim.arn,
      instanceId: claim.instanceId,
      sourceClusterId: claim.sourceClusterId,
      sourceArn: claim.sourceArn,
      dataTimestamp: claim.dataTimestamp,
      claimedWarmClone: claim.clusterId,
    });
  }
  if (plan.capacityAfter !== undefined) result.freeCapacity = plan.capacityAfter;
  return result;
}

/**
 * The result once the steps are applied (`pending`: returned while the awaited copy is being made).
 * `freeCapacity`: what the pool has left when more than this plan's clone was restored in its hold.
 */
export function provisionResult(
  plan: Plan,
  applied: readonly AppliedStep[],
  outcome: 'done' | 'pending',
  freeCapacity = plan.capacityAfter,
): ProvisionResult {
  const result = appliedResult(plan, applied, outcome);
  if (freeCapacity !== undefined) result.freeCapacity = freeCapacity;
  return result;
}

function appliedResult(
  plan: Plan,
  applied: readonly AppliedStep[],
  outcome: 'done' | 'pending',
): ProvisionResult {
  const find = <K extends AppliedStep['step']['kind']>(kind: K) =>
    applied.filter((a) => a.step.kind === kind).at(-1) as
      | (AppliedStep & { step: Extract<AppliedStep['step'], { kind: K }> })
      | undefined;
  const copy = find('copy');
  const waited = find('wait-copy');
  const base = {
    dryRun: false,
    plan,
    applied: summarise(applied),
    copyMade: copy !== undefined,
    ...(copy
      ? { copyClusterId: copy.step.clusterId }
      : waited
        ? { copyClusterId: waited.step.clusterId }
        : {}),
  };
  if (outcome === 'pending' && waited) {
    return {
      ...base,
      clusterId: waited.step.cloneId,
      arn: '',
      status: 'waiting-for-copy',
      instanceId: '',
      sourceClusterId: waited.step.clusterId,
      sourceArn: waited.step.arn,
      pendingCopy: waited.step.clusterId,
      dataTimestamp: '',
      reused: false,
    };
  }
  const reuse = find('reuse');
  const claim = find('claim');
  const clone = find('clone');
  const writer = applied.filter((a) => a.step.kind === 'clone-writer').at(-1)?.step as WriterStep | undefined;
  const wait = find('wait');
  const cluster: DBCluster | undefined = wait?.cluster ?? clone?.cluster ?? reuse?.cluster;
  if (reuse) {
    const result = reusedResult(base, reuse.step.clusterId, wait?.cluster ?? reuse.cluster);
    // Made for this request, only by another's hold: not an earlier request's clone.
    if (reuse.step.servedBy) result.reused = false;
    if (!result.instanceId && writer) result.instanceId = writer.instanceId;
    return result;
  }
  if (claim) return claimedResult(base, claim.step, wait?.cluster ?? claim.cluster);
  if (!clone || !cluster)
    throw new AcmError('the provision ended without a clone', { plan: plan.rootClusterId });
  const step: CloneStep = clone.step;
  const result: ProvisionResult = {
    ...base,
    clusterId: step.clusterId,
    arn: cluster.DBClusterArn ?? step.arn,
    status: cluster.Status ?? 'creating',
    instanceId: writer?.instanceId ?? '',
    sourceClusterId: step.sourceClusterId,
    sourceArn: step.sourceArn,
    dataTimestamp: step.dataTimestamp,
    reused: false,
  };
  if (!copy && waited?.step.clusterId !== step.sourceClusterId) delete result.copyClusterId;
  addEndpoints(result, cluster);
  const prepared = applied.find((a) => a.password)?.password;
  if (prepared) {
    result.passwordSecret = prepared.secretArn;
    if (prepared.kmsKeyId) result.kmsKeyId = prepared.kmsKeyId;
  }
  return result;
}

function claimedResult(
  base: Pick<ProvisionResult, 'dryRun' | 'plan' | 'applied' | 'copyMade'>,
  step: ClaimStep,
  cluster: DBCluster | undefined,
): ProvisionResult {
  const result: ProvisionResult = {
    ...base,
    copyMade: false,
    clusterId: step.newClusterId ?? step.clusterId,
    arn: cluster?.DBClusterArn ?? step.arn,
    status: cluster?.Status ?? 'available',
    instanceId: step.instanceId,
    sourceClusterId: step.sourceClusterId,
    sourceArn: step.sourceArn,
    dataTimestamp: step.dataTimestamp,
    reused: false,
    claimedWarmClone: step.clusterId,
  };
  if (cluster) addEndpoints(result, cluster);
  return result;
}

function reusedResult(
  base: Pick<ProvisionResult, 'dryRun' | 'plan' | 'applied' | 'copyMade'>,
  clusterId: string,
  cluster: DBCluster | undefined,
): ProvisionResult {
  const info = cluster ? toClusterInfo(cluster) : undefined;
  const managed = info?.managed;
  const writer = info?.members.find((m) => m.isWriter) ?? info?.members[0];
  const result: ProvisionResult = {
    ...base,
    copyMade: false,
    clusterId,
    arn: info?.arn ?? '',
    status: info?.status ?? 'unknown',
    instanceId: writer?.instanceId ?? '',
    sourceClusterId: managed ? managed.sourceArn.slice(managed.sourceArn.lastIndexOf(':') + 1) : '',
    sourceArn: managed?.sourceArn ?? '',
    dataTimestamp: managed?.dataTimestamp?.toISOString() ?? '',
    reused: true,
  };
  if (managed?.passwordSecret) result.passwordSecret = managed.passwordSecret;
  if (managed?.passwordKey) result.kmsKeyId = managed.passwordKey;
  if (cluster) addEndpoints(result, cluster);
  return result;
}

function addEndpoints(result: ProvisionResult, c: DBCluster) {
  if (c.Endpoint) result.endpoint = c.Endpoint;
  if (c.ReaderEndpoint) result.readerEndpoint = c.ReaderEndpoint;
  if (c.Port !== undefined) result.port = c.Port;
  const managed = c.MasterUserSecret?.SecretArn;
  if (managed && !result.passwordSecret) result.passwordSecret = managed;
}
