// The emulator in-process: start it on a free port, talk to it with any AWS client at `url`,
// inspect or drive it directly (stats, faults, reset, the RDS model), stop it. Also the package's
// "./emulator" entry, kept apart from the library so library and Lambda users never load it.

import { type Clock, systemClock } from '../util/clock.ts';
import { type FaultConfig, FaultInjector } from './faults.ts';
import { requireOptional } from './optional-dependency.ts';
import { EmulatorServer, newRequestId } from './server.ts';
import type { EmulatedService, EmulatorContext } from './service.ts';
import type { RdsQuotas, RdsTimings } from './services/rds/options.ts';
import { RdsService } from './services/rds/service.ts';
import type { SourceClusterInput } from './services/rds/source.ts';
import type { AccidentalFullCopy, ClusterRecord, InstanceRecord } from './services/rds/types.ts';
import { loadState } from './state-file.ts';
import { RequestStats, type StatsSnapshot } from './stats.ts';

// One clock for the emulator and the library (ManagerOptions.clock) runs a whole pool in virtual time.
export { type Clock, ManualClock } from '../util/clock.ts';
export type { FaultConfig } from './faults.ts';
export { EmulatorDependencyError } from './optional-dependency.ts';
export type { RdsQuotas, RdsTimings } from './services/rds/options.ts';
export { AWS_TIMINGS, FAST_TIMINGS } from './services/rds/options.ts';
export type { SourceClusterInput } from './services/rds/source.ts';
export type { AccidentalFullCopy, ClusterRecord, InstanceRecord } from './services/rds/types.ts';
export type { ActionStats, StatsSnapshot } from './stats.ts';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the emulator accepts any credentials, so it stays on loopback unless told. */
  host?: string;
  /** Default the system clock; a ManualClock runs every lifecycle in virtual time. */
  clock?: Clock;
  /** Load state from this file at start (if it exists) and write it back, atomically, on every change. */
  statePath?: string;
  /** Override single RDS durations (ms). */
  timings?: Partial<RdsTimings>;
  /** Start from AWS-like durations (minutes; hours for big full copies): for virtual-time simulations. */
  awsTimings?: boolean;
  /** Multiplies every RDS duration. */
  timeScale?: number;
  /** Copy-on-write clones per clone group before a request silently becomes a full copy (default 15). */
  cloneGroupLimit?: number;
  /** The CloneGroupId a full-copy restore reports: `new` (default) or `inherit` its source's. */
  fullCopyCloneGroup?: 'new' | 'inherit';
  /**
   * Which name a cluster answers to while `renaming` (unconfirmed on AWS): the old one until the
   * rename ends (`end`, default) or the new one at once (`start`).
   */
  renameTakesEffect?: 'end' | 'start';
  /** Which engine versions accept a Serverless v2 minimum of 0 ACUs (default the documented ones). */
  serverlessV2MinZero?: 'supported-versions' | 'all-versions';
  /** Whether a `creating` cluster reports its CloneGroupId (unconfirmed on AWS; default shown). */
  cloneGroupIdWhileCreating?: 'shown' | 'hidden';
  /** Whether DeleteDBCluster takes a cluster whose instances are being deleted (unconfirmed; default deleting). */
  deleteClusterWhileInstances?: 'deleting' | 'gone';
  /** Clusters and instances per Region (default 40 each). */
  quotas?: Partial<RdsQuotas>;
  /** Simulated data size of new clusters (drives full-copy durations). */
  defaultSizeGiB?: number;
  faults?: Partial<FaultConfig>;
  /** Default 000000000000. */
  accountId?: string;
  /** Used when a request carries no SigV4 scope, and for in-process calls. Default us-east-1. */
  region?: string;
  /** Seeds fault injection, so a run can be repeated. Default 1. */
  seed?: number;
  /** Where unexpected errors are reported (default stderr). */
  log?: (line: string) => void;
}

export interface EmulatorStats extends StatsSnapshot {
  faults: FaultConfig;
  rds: {
    /** Copy-on-write requests served as full copies (16th clone of a group). Must stay 0 for the product. */
    accidentalFullCopies: number;
    accidentalFullCopyLog: AccidentalFullCopy[];
    clusters: number;
    instances: number;
  };
}

/** Direct access to the emulated RDS account (default Region unless one is given). */
export interface RdsAccess {
  clusters(region?: string): ClusterRecord[];
  instances(region?: string): InstanceRecord[];
  cluster(id: string, region?: string): ClusterRecord | undefined;
  readonly accidentalFullCopies: readonly AccidentalFullCopy[];
  /** Copy-on-write clones currently sharing a cluster's volume (what the limit counts). */
  copyOnWriteMembers(cloneGroupId: string, region?: string): number;
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:45123 — pass as `endpoint` to SDK clients or `--endpoint-url` to the AWS CLI. */
  readonly url: string;
  readonly port: number;
  readonly clock: Clock;
  readonly services: readonly EmulatedService[];
  readonly rds: RdsAccess;
  stats(): EmulatorStats;
  setFaults(faults: Partial<FaultConfig>): void;
  reset(): void;
  /** An `available` cluster with an `available` writer instance, ready to be cloned. */
  createSourceCluster(input: SourceClusterInput): { cluster: ClusterRecord; writer: InstanceRecord };
  /** Saves the state file (if any) and closes the port. */
  stop(): Promise<void>;
}

const KNOWN_OPTIONS = new Set([
  'port',
  'host',
  'clock',
  'statePath',
  'timings',
  'awsTimings',
  'timeScale',
  'cloneGroupLimit',
  'fullCopyCloneGroup',
  'renameTakesEffect',
  'serverlessV2MinZero',
  'cloneGroupIdWhileCreating',
  'deleteClusterWhileInstances',
  'quotas',
  'defaultSizeGiB',
  'faults',
  'accountId',
  'region',
  'seed',
  'log',
]);

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const unknown = Object.keys(options).filter((k) => !KNOWN_OPTIONS.has(k));
  if (unknown.length) throw new Error(`unknown emulator option(s): ${unknown.join(', ')}`);
  const accountId = options.accountId ?? '000000000000';
  if (!/^\d{12}$/.test(accountId)) throw new Error(`accountId must be 12 digits (got ${accountId})`);
  const clock = options.clock ?? systemClock;
  // The services load with the first emulator, not with this module: the CLI imports it for two of
  // its commands, and the DynamoDB service needs dynalite, which may be missing (an optional dependency).
  requireOptional('dynalite');
  const { buildServices } = await import('./services/index.ts');
  const ctx: EmulatorContext = {
    clock,
    accountId,
    defaultRegion: options.region ?? 'us-east-1',
    requestId: newRequestId,
  };
  const services = buildServices(ctx, {
    rds: {
      ...(options.timings ? { timings: options.timings } : {}),
      ...(options.awsTimings !== undefined ? { awsTimings: options.awsTimings } : {}),
      ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
      ...(options.cloneGroupLimit !== undefined ? { cloneGroupLimit: options.cloneGroupLimit } : {}),
      ...(options.fullCopyCloneGroup ? { fullCopyCloneGroup: options.fullCopyCloneGroup } : {}),
      ...(options.renameTakesEffect ? { renameTakesEffect: options.renameTakesEffect } : {}),
      ...(options.serverlessV2MinZero ? { serverlessV2MinZero: options.serverlessV2MinZero } : {}),
      ...(options.cloneGroupIdWhileCreating
        ? { cloneGroupIdWhileCreating: options.cloneGroupIdWhileCreating }
        : {}),
      ...(options.deleteClusterWhileInstances
        ? { deleteClusterWhileInstances: options.deleteClusterWhileInstances }
        : {}),
      ...(options.quotas ? { quotas: options.quotas } : {}),
      ...(options.defaultSizeGiB !== undefined ? { defaultSizeGiB: options.defaultSizeGiB } : {}),
    },
  });
  const rds = services.find((s): s is RdsService => s instanceof RdsService);
  if (!rds) throw new Error('the emulator service list has no RDS service');
  if (options.statePath) loadState(options.statePath, services);

  const faults = new FaultInjector(options.faults ?? {}, options.seed ?? 1);
  const requestStats = new RequestStats(clock.now());
  const rdsStats = (): EmulatorStats['rds'] => {
    const model = rds.model;
    model.settle();
    const regions = Object.values(model.state.regions);
    return {
      accidentalFullCopies: model.accidentalFullCopies.length,
      accidentalFullCopyLog: structuredClone([...model.accidentalFullCopies]),
      clusters: regions.reduce((n, r) => n + Object.keys(r.clusters).length, 0),
      instances: regions.reduce((n, r) => n + Object.keys(r.instances).length, 0),
    };
  };
  const server = new EmulatorServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    ctx,
    services,
    faults,
    stats: requestStats,
    ...(options.statePath ? { statePath: options.statePath } : {}),
    extraStats: () => ({ rds: rdsStats() }),
    ...(options.log ? { log: options.log } : {}),
  });
  await server.listen();

  // Copies, so callers cannot change the emulated account behind the API's back.
  const access: RdsAccess = {
    clusters: (region) => structuredClone(rds.model.clusters(region)),
    instances: (region) => structuredClone(rds.model.instances(region)),
    cluster: (id, region) => {
      rds.model.settle();
      const found = rds.model.findCluster(region ?? ctx.defaultRegion, id);
      return found && structuredClone(found);
    },
    get accidentalFullCopies() {
      return structuredClone([...rds.model.accidentalFullCopies]);
    },
    copyOnWriteMembers: (groupId, region) => {
      rds.model.settle();
      return rds.model.copyOnWriteMembers(rds.model.region(region ?? ctx.defaultRegion), groupId);
    },
  };

  return {
    url: server.url,
    port: server.port,
    clock,
    services,
    rds: access,
    stats: () => server.statsJson() as unknown as EmulatorStats,
    setFaults: (f) => faults.set(f),
    reset: () => server.reset(),
    createSourceCluster: (input) => {
      const made = rds.createSourceCluster(input);
      server.persist();
      return structuredClone(made);
    },
    stop: () => server.close(),
  };
}
