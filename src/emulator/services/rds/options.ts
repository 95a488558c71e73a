// Tunables of the emulated RDS: how long each lifecycle phase takes, the clone-group limit and the
// account quotas. The defaults keep tests and the demo quick; `AWS_TIMINGS` replays AWS-like
// durations for simulations that run in virtual time (ManualClock).

export interface RdsTimings {
  /** CreateDBCluster: an empty cluster volume. */
  createClusterMs: number;
  /** RestoreDBClusterToPointInTime with copy-on-write: independent of the data size on AWS. */
  cloneVolumeMs: number;
  /** A full copy (full-copy restore, or a copy-on-write request over the group limit): base + per GiB. */
  fullCopyBaseMs: number;
  fullCopyPerGiBMs: number;
  /** CreateDBInstance, counted from when the cluster volume is available. */
  createInstanceMs: number;
  deleteInstanceMs: number;
  deleteClusterMs: number;
  /** ModifyDBCluster that changes the password: modifying → available. */
  modifyMs: number;
  /** ModifyDBCluster NewDBClusterIdentifier applied: renaming → available. */
  renameMs: number;
}

export const FAST_TIMINGS: RdsTimings = {
  createClusterMs: 300,
  cloneVolumeMs: 300,
  fullCopyBaseMs: 1500,
  fullCopyPerGiBMs: 0,
  createInstanceMs: 400,
  deleteInstanceMs: 200,
  deleteClusterMs: 200,
  modifyMs: 200,
  renameMs: 200,
};

const MINUTE = 60_000;

/** AWS-like: clone volume ~5 min, first instance ~8 min, full copy 20 min + 1 h per 100 GiB. */
export const AWS_TIMINGS: RdsTimings = {
  createClusterMs: 5 * MINUTE,
  cloneVolumeMs: 5 * MINUTE,
  fullCopyBaseMs: 20 * MINUTE,
  fullCopyPerGiBMs: (60 * MINUTE) / 100,
  createInstanceMs: 8 * MINUTE,
  deleteInstanceMs: 5 * MINUTE,
  deleteClusterMs: 2 * MINUTE,
  modifyMs: 1 * MINUTE,
  renameMs: 1 * MINUTE,
};

export interface RdsQuotas {
  /** DB clusters per account and Region (AWS default 40). */
  clusters: number;
  /** DB instances per account and Region (AWS default 40). */
  instances: number;
}

export interface RdsOptions {
  timings: RdsTimings;
  /** Multiplies every duration: 0.001 replays AWS_TIMINGS in real time a thousand times faster. */
  timeScale: number;
  /** Copy-on-write clones per clone group before AWS silently makes a full copy instead (15 on AWS). */
  cloneGroupLimit: number;
  /**
   * The CloneGroupId a full-copy restore reports (unconfirmed on AWS): `new`, a group of its own, or
   * `inherit`, its source's, as AWS documents for point-in-time restores. Either way the copy is a new
   * volume, so its clones count towards its own 15, not its source's.
   */
  fullCopyCloneGroup: 'new' | 'inherit';
  quotas: RdsQuotas;
  /** Simulated data size of a new cluster, which drives full-copy durations. */
  defaultSizeGiB: number;
  /**
   * When a renamed cluster starts answering to its new identifier (unconfirmed on AWS): `end`, when
   * `renaming` ends (until then the old identifier answers, with PendingModifiedValues naming the
   * new one, as scripts that wait out a rename observe), or `start`, at the request.
   */
  renameTakesEffect: 'end' | 'start';
  /**
   * Which engine versions take a Serverless v2 MinCapacity of 0 (auto-pause): `supported-versions`,
   * those AWS lists (see AUTO_PAUSE_VERSIONS; the exact minors are unconfirmed), or `all-versions`.
   */
  serverlessV2MinZero: 'supported-versions' | 'all-versions';
  /**
   * Whether a cluster still `creating` reports its CloneGroupId (and matches the clone-group-id
   * filter): `shown` (default) or `hidden` until it is available. Unconfirmed on AWS.
   */
  cloneGroupIdWhileCreating: 'shown' | 'hidden';
  /**
   * Whether DeleteDBCluster takes a cluster whose instances are all being deleted (`deleting`, as
   * AWS's message "still contains DB instances in non-deleting state" suggests; default) or only
   * once they are gone (`gone`). Unconfirmed on AWS.
   */
  deleteClusterWhileInstances: 'deleting' | 'gone';
}

export const DEFAULT_RDS_OPTIONS: RdsOptions = {
  timings: FAST_TIMINGS,
  timeScale: 1,
  cloneGroupLimit: 15,
  fullCopyCloneGroup: 'new',
  quotas: { clusters: 40, instances: 40 },
  defaultSizeGiB: 10,
  renameTakesEffect: 'end',
  serverlessV2MinZero: 'supported-versions',
  cloneGroupIdWhileCreating: 'shown',
  deleteClusterWhileInstances: 'deleting',
};

export interface RdsOptionsInput {
  timings?: Partial<RdsTimings>;
  /** Start from AWS_TIMINGS instead of FAST_TIMINGS (`timings` still overrides single values). */
  awsTimings?: boolean;
  timeScale?: number;
  cloneGroupLimit?: number;
  fullCopyCloneGroup?: 'new' | 'inherit';
  quotas?: Partial<RdsQuotas>;
  defaultSizeGiB?: number;
  renameTakesEffect?: 'end' | 'start';
  serverlessV2MinZero?: 'supported-versions' | 'all-versions';
  cloneGroupIdWhileCreating?: 'shown' | 'hidden';
  deleteClusterWhileInstances?: 'deleting' | 'gone';
}

export function resolveRdsOptions(input: RdsOptionsInput = {}): RdsOptions {
  const base = input.awsTimings ? AWS_TIMINGS : FAST_TIMINGS;
  const options: RdsOptions = {
    timings: { ...base, ...input.timings },
    timeScale: input.timeScale ?? DEFAULT_RDS_OPTIONS.timeScale,
    cloneGroupLimit: input.cloneGroupLimit ?? DEFAULT_RDS_OPTIONS.cloneGroupLimit,
    fullCopyCloneGroup: input.fullCopyCloneGroup ?? DEFAULT_RDS_OPTIONS.fullCopyCloneGroup,
    quotas: { ...DEFAULT_RDS_OPTIONS.quotas, ...input.quotas },
    defaultSizeGiB: input.defaultSizeGiB ?? DEFAULT_RDS_OPTIONS.defaultSizeGiB,
    renameTakesEffect: input.renameTakesEffect ?? DEFAULT_RDS_OPTIONS.renameTakesEffect,
    serverlessV2MinZero: input.serverlessV2MinZero ?? DEFAULT_RDS_OPTIONS.serverlessV2MinZero,
    cloneGroupIdWhileCreating:
      input.cloneGroupIdWhileCreating ?? DEFAULT_RDS_OPTIONS.cloneGroupIdWhileCreating,
    deleteClusterWhileInstances:
      input.deleteClusterWhileInstances ?? DEFAULT_RDS_OPTIONS.deleteClusterWhileInstances,
  };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(options.timings)) {
    if (!Number.isFinite(value) || value < 0) problems.push(`timings.${key} must be a number ≥ 0`);
  }
  if (!(options.timeScale >= 0)) problems.push('timeScale must be ≥ 0');
  if (!Number.isInteger(options.cloneGroupLimit) || options.cloneGroupLimit < 0)
    problems.push('cloneGroupLimit must be an integer ≥ 0');
  if (options.fullCopyCloneGroup !== 'new' && options.fullCopyCloneGroup !== 'inherit')
    problems.push(`fullCopyCloneGroup must be new or inherit (got ${String(options.fullCopyCloneGroup)})`);
  if (!Number.isInteger(options.quotas.clusters) || options.quotas.clusters < 0)
    problems.push('quotas.clusters must be an integer ≥ 0');
  if (!Number.isInteger(options.quotas.instances) || options.quotas.instances < 0)
    problems.push('quotas.instances must be an integer ≥ 0');
  if (!(options.defaultSizeGiB >= 0)) problems.push('defaultSizeGiB must be ≥ 0');
  if (options.renameTakesEffect !== 'end' && options.renameTakesEffect !== 'start')
    problems.push(`renameTakesEffect must be end or start (got ${String(options.renameTakesEffect)})`);
  if (options.serverlessV2MinZero !== 'supported-versions' && options.serverlessV2MinZero !== 'all-versions')
    problems.push(
      `serverlessV2MinZero must be supported-versions or all-versions (got ${String(options.serverlessV2MinZero)})`,
    );
  if (options.cloneGroupIdWhileCreating !== 'shown' && options.cloneGroupIdWhileCreating !== 'hidden')
    problems.push(
      `cloneGroupIdWhileCreating must be shown or hidden (got ${String(options.cloneGroupIdWhileCreating)})`,
    );
  if (options.deleteClusterWhileInstances !== 'deleting' && options.deleteClusterWhileInstances !== 'gone')
    problems.push(
      `deleteClusterWhileInstances must be deleting or gone (got ${String(options.deleteClusterWhileInstances)})`,
    );
  if (problems.length) throw new Error(`invalid RDS emulator options: ${problems.join('; ')}`);
  return options;
}
