// Apply: the only code that changes anything in AWS. It walks the steps it is given in order, does
// exactly what each says, and records what it did. It decides nothing; when a step cannot be done
// it throws, and `undo` removes the clone this execution made, so a failed provision leaves nothing.
import type { DBCluster } from '../aws/rds.ts';
import { toClusterInfo } from '../inventory/read.ts';
import type { ClaimStep, DeleteStep, PasswordStep, Step } from '../model/plan.ts';
import { TAG } from '../model/tags.ts';
import { AwsInvalidStateError, errorMessage } from '../util/errors.ts';
import type { ExecutorContext } from './context.ts';
import { createWriter, restore } from './create.ts';
import { type Deleted, deleteManaged } from './delete.ts';
import {
  applyPendingPassword,
  cleanupPassword,
  leftoversOf,
  type PasswordServices,
  type PreparedPassword,
  preparePassword,
} from './password.ts';
import { ClusterGoneError, readiness, waitUntilUsable } from './readiness.ts';
import { waitUntil } from './wait.ts';

/** What one step did. */
export interface AppliedStep {
  step: Step;
  /** done; pending: a `once` wait found the copy not ready; gone: the awaited copy went away. */
  outcome: 'done' | 'pending' | 'gone';
  /** The cluster as the step's last call saw it (restores, waits). */
  cluster?: DBCluster;
  password?: PreparedPassword;
  deleted?: Deleted;
  /** A deletion that failed but does not fail the request (purges, expiries: the next run retries). */
  error?: string;
}

export interface ExecutionOptions {
  /** For requested deletions. */
  deletion?: { wait?: boolean; finalSnapshotId?: string };
  /** Called on every poll while waiting for a copy: the requester keeps its reserved slot alive. */
  whileWaitingForCopy?: () => Promise<void>;
}

/** Password work goes through Secrets Manager and KMS, built only when a step needs them. */
export function passwordServices(ctx: ExecutorContext): PasswordServices {
  return {
    rds: ctx.rds,
    get secrets() {
      return ctx.secrets();
    },
    get kms() {
      return ctx.kms();
    },
  };
}

export class Execution {
  readonly applied: AppliedStep[] = [];
  private readonly made: { clusterId: string; password?: PreparedPassword }[] = [];

  constructor(
    private readonly ctx: ExecutorContext,
    private readonly options: ExecutionOptions = {},
  ) {}

  /**
   * Applies `steps` in order, calling `guard` right before each. Stops early, returning the stop's outcome, when a wait finds the copy
   * not ready (`pending`) or gone (`gone`); otherwise returns `done`.
   */
  async apply(steps: readonly Step[], guard?: (step: Step) => void): Promise<AppliedStep['outcome']> {
    for (const step of steps) {
      // The caller's last word before each step and each of its attempts ("is the lease still
      // ours?"): it may throw.
      guard?.(step);
      const applied = await this.applyOne(step, guard && (() => guard(step)));
      this.applied.push(applied);
      if (applied.outcome !== 'done') return applied.outcome;
    }
    return 'done';
  }

  /** The clones this execution made (or claimed), by their current names. */
  madeClusters(): string[] {
    return this.made.map((m) => m.clusterId);
  }

  /** Removes the clones this execution made (and their secrets): a failed provision leaves nothing. */
  async undo(): Promise<void> {
    for (const { clusterId, password } of this.made.splice(0)) {
      try {
        await deleteManaged(this.ctx, { clusterId, ...(password ? leftoversOf(password) : {}) });
      } catch (err) {
        this.ctx.logger.error('could not remove a clone of a failed request', {
          clusterId,
          error: errorMessage(err),
        });
      }
    }
  }

  private async applyOne(step: Step, beforeEachAttempt?: () => void): Promise<AppliedStep> {
    const { ctx } = this;
    ctx.logger.debug('applying step', { kind: step.kind, reason: step.reason });
    switch (step.kind) {
      case 'copy': {
        const cluster = await ctx.retry(() => restore(ctx, step, beforeEachAttempt));
        ctx.progress({
          clusterId: step.clusterId,
          phase: 'copy',
          status: 'full copy requested',
          stage: 'restored',
        });
        return { step, outcome: 'done', cluster };
      }
      case 'clone': {
        const cluster = await ctx.retry(() => restore(ctx, step, beforeEachAttempt));
        this.made.push({ clusterId: step.clusterId });
        ctx.progress({
          clusterId: step.clusterId,
          phase: 'clone',
          status: 'restore requested',
          stage: 'restored',
        });
        return { step, outcome: 'done', cluster };
      }
      case 'copy-writer':
        try {
          await ctx.retry(() => createWriter(ctx, step));
        } catch (err) {
          // A copy without an instance can never be cloned: it goes again, and nobody waits for it.
          await deleteManaged(ctx, { clusterId: step.clusterId }).catch(() => undefined);
          throw err;
        }
        return { step, outcome: 'done' };
      case 'clone-writer':
        await ctx.retry(() => createWriter(ctx, step));
        ctx.progress({
          clusterId: step.clusterId,
          phase: 'clone',
          status: `writer ${step.instanceId} requested`,
          stage: 'writer-requested',
        });
        return { step, outcome: 'done' };
      case 'wait-copy':
        return this.waitForCopy(step);
      case 'wait': {
        const cluster = await waitUntilUsable(ctx, {
          clusterId: step.clusterId,
          instanceId: step.instanceId,
          phase: 'clone',
        });
        return { step, outcome: 'done', cluster };
      }
      case 'password':
        return this.password(step);
      case 'delete':
        return this.delete(step);
      case 'reuse': {
        // Restored for this request by the lease's holder: this request's own, removed if it fails.
        if (step.servedBy) this.made.push({ clusterId: step.clusterId });
        const cluster = await ctx.retry(() => ctx.rds.describeCluster(step.clusterId));
        return { step, outcome: 'done', ...(cluster ? { cluster } : {}) };
      }
      case 'claim':
        return { step, outcome: 'done', cluster: await this.claim(step) };
      case 'tag': {
        // Setting a tag to the same value again, or removing one already gone, changes nothing, so
        // a retried call is safe.
        const removeKeys = step.removeKeys ?? [];
        if (removeKeys.length) await ctx.retry(() => ctx.rds.removeTags(step.arn, removeKeys));
        const tags = Object.fromEntries(step.tags.map((t) => [t.Key, t.Value]));
        if (step.tags.length) await ctx.retry(() => ctx.rds.addTags(step.arn, tags));
        return { step, outcome: 'done' };
      }
    }
  }

  /**
   * Makes a warm clone this request's: its tags first (under the lease: from then on no other request
   * can claim it, and a failure from here on removes it as this request's clone), then its new name.
   */
  private async claim(step: ClaimStep): Promise<DBCluster | undefined> {
    const { ctx } = this;
    const tags = Object.fromEntries(step.tags.map((t) => [t.Key, t.Value]));
    // The warm tag goes first: with the request's tags added, a cluster may not exceed AWS's 50.
    await ctx.retry(() => ctx.rds.removeTags(step.arn, step.removeKeys));
    await ctx.retry(() => ctx.rds.addTags(step.arn, tags));
    this.made.push({ clusterId: step.clusterId });
    ctx.progress({
      clusterId: step.clusterId,
      phase: 'clone',
      status: 'warm clone claimed',
      stage: 'claimed',
    });
    if (!step.newClusterId) return ctx.retry(() => ctx.rds.describeCluster(step.clusterId));
    const newId = step.newClusterId;
    const renamed = await this.rename(step, newId);
    const made = this.made.find((m) => m.clusterId === step.clusterId);
    if (made) made.clusterId = newId;
    return renamed;
  }

  /**
   * Renames the claimed clone and waits until it answers to its new name. Repeating it is harmless: a
   * cluster already under the new name, or renaming towards it, is not renamed again. While it is
   * `renaming`, RDS may answer to either name.
   */
  private async rename(step: ClaimStep, newId: string): Promise<DBCluster | undefined> {
    const { ctx } = this;
    const describe = (id: string) => ctx.rds.describeCluster(id);
    const towardsNew = (c: DBCluster) =>
      c.PendingModifiedValues?.DBClusterIdentifier?.toLowerCase() === newId.toLowerCase();
    await ctx.retry(async () => {
      if (await describe(newId)) return;
      const old = await describe(step.clusterId);
      if (!old) {
        if (await describe(newId)) return;
        throw new ClusterGoneError(`clone ${step.clusterId} went away before its rename to ${newId}`, {
          clusterId: step.clusterId,
        });
      }
      if (towardsNew(old)) return;
      try {
        await ctx.rds.renameCluster(step.clusterId, newId);
      } catch (err) {
        if (!(err instanceof AwsInvalidStateError)) throw err;
        // Not renameable yet (its writer still being made, a modify under way): once it is available.
        await waitUntilUsable(ctx, {
          clusterId: step.clusterId,
          instanceId: step.instanceId,
          phase: 'clone',
        });
        await ctx.rds.renameCluster(step.clusterId, newId);
      }
    });
    let renamed: DBCluster | undefined;
    await waitUntil(
      async () => {
        renamed = await describe(newId);
        if (renamed) return { done: true, status: renamed.Status ?? 'renamed' };
        const old = await describe(step.clusterId);
        // The rename may finish between the two reads: the new name is asked once more.
        renamed = old ? undefined : await describe(newId);
        if (renamed) return { done: true, status: renamed.Status ?? 'renamed' };
        if (!old) {
          throw new ClusterGoneError(`clone ${step.clusterId} went away while being renamed ${newId}`, {
            clusterId: newId,
          });
        }
        return { done: false, status: old.Status ?? 'renaming' };
      },
      {
        clock: ctx.clock,
        minMs: ctx.pollMinMs,
        maxMs: ctx.pollMaxMs,
        timeoutMs: ctx.waitTimeoutMs,
        what: `the rename of ${step.clusterId} to ${newId}`,
        onPoll: (status, elapsedMs) =>
          ctx.progress({ clusterId: newId, phase: 'clone', status: `renaming (${status})`, elapsedMs }),
      },
    );
    return renamed;
  }

  private async waitForCopy(step: Extract<Step, { kind: 'wait-copy' }>): Promise<AppliedStep> {
    const { ctx } = this;
    try {
      if (step.once) {
        const now = await readiness(ctx, step.clusterId);
        if (!now.cluster || now.cluster.Status === 'deleting') return { step, outcome: 'gone' };
        return { step, outcome: now.ready ? 'done' : 'pending', cluster: now.cluster };
      }
      return {
        step,
        outcome: 'done',
        cluster: await waitUntilUsable(ctx, {
          clusterId: step.clusterId,
          phase: 'copy',
          stalledAfterMs: step.stalledAfterMs,
          ...(this.options.whileWaitingForCopy ? { beat: this.options.whileWaitingForCopy } : {}),
        }),
      };
    } catch (err) {
      if (err instanceof ClusterGoneError) return { step, outcome: 'gone' };
      throw err;
    }
  }

  private async password(step: PasswordStep): Promise<AppliedStep> {
    const { ctx } = this;
    const services = passwordServices(ctx);
    if (step.action === 'apply') {
      const cluster = await ctx.rds.describeCluster(step.clusterId);
      if (cluster) await applyPendingPassword(toClusterInfo(cluster), services);
      return { step, outcome: 'done' };
    }
    const password = await preparePassword(
      step.request ?? { setPassword: true },
      { clusterId: step.clusterId, managerId: ctx.managerId, now: ctx.clock.now() },
      services,
    );
    const mine = this.made.find((m) => m.clusterId === step.clusterId);
    if (mine) mine.password = password;
    const tags: Record<string, string> = {
      [TAG.passwordSecret]: password.secretArn,
      [TAG.passwordState]: 'pending',
    };
    if (password.kmsKeyId) tags[TAG.passwordKey] = password.kmsKeyId;
    if (password.keyCreated) tags[TAG.passwordKeyCreated] = 'true';
    try {
      await ctx.retry(() => ctx.rds.addTags(step.arn, tags));
    } catch (err) {
      if (!mine) {
        await cleanupPassword(leftoversOf(password), services).catch(() => undefined);
      }
      throw err;
    }
    return { step, outcome: 'done', password };
  }

  private async delete(step: DeleteStep): Promise<AppliedStep> {
    const target = {
      clusterId: step.clusterId,
      ...(step.passwordSecret ? { secretArn: step.passwordSecret } : {}),
      ...(step.createdKeyId ? { createdKeyId: step.createdKeyId } : {}),
    };
    if (step.purpose === 'requested') {
      return { step, outcome: 'done', deleted: await deleteManaged(this.ctx, target, this.options.deletion) };
    }
    try {
      const options = step.purpose === 'expired' ? { onlyIfExpiredAt: this.ctx.clock.now() } : {};
      const deleted = await deleteManaged(this.ctx, target, options);
      if (deleted.kept) this.ctx.logger.info('clone kept', { clusterId: step.clusterId, why: deleted.kept });
      return { step, outcome: 'done', deleted };
    } catch (err) {
      // A purge or an expiry that fails does not fail the request it rides with; the next run retries.
      this.ctx.logger.warn('deletion failed', { clusterId: step.clusterId, error: errorMessage(err) });
      return { step, outcome: 'done', error: errorMessage(err) };
    }
  }
}
