import { readFile } from 'node:fs/promises';
import { maintainPool } from '../../engine/api.ts';
import type { MaintenanceSource } from '../../model/api.ts';
import { formatDuration } from '../../util/duration.ts';
import { ValidationError } from '../../util/errors.ts';
import {
  type FieldNames,
  LIBRARY_DEFAULTS,
  MAX_TARGET_CLONE_SLOTS,
  parseMaintenanceConfig,
  validateMaintenanceSource,
} from '../../validation/index.ts';
import type { Flags } from '../args.ts';
import type { Command } from '../command.ts';
import { formatMaintenanceReports } from '../format.ts';
import type { Io } from '../io.ts';
import { type CommonOptions, commonOptions } from '../options.ts';
import { render } from '../output.ts';
import { watched } from '../progress.ts';

/** How the single-source form names each maintenance field. */
export const MAINTAIN_FIELDS: FieldNames = {
  clusterId: '--source',
  targetCloneSlots: '--target-slots',
  maxCopyAge: '--max-copy-age',
  maxClonesPerSource: '--max-clones-per-source',
  copyInstanceClass: '--copy-instance-class',
  purgeObsoleteCopies: '--no-purge',
  maxCloneSlots: '--max-slots',
  demandWindow: '--demand-window',
  lowWaterSlots: '--low-water-slots',
  warmClones: '--warm-clones',
  warmCloneTtl: '--warm-clone-ttl',
  warmCloneInstanceClass: '--warm-clone-instance-class',
  pauseWhenIdle: '--pause-when-idle',
  dryRun: '--dry-run',
};

/** The single-source flags that are numbers, strings or switches, by their field. */
const NUMBER_FLAGS = {
  maxCloneSlots: 'max-slots',
  lowWaterSlots: 'low-water-slots',
  warmClones: 'warm-clones',
} as const;
const STRING_FLAGS = {
  maxCopyAge: 'max-copy-age',
  copyInstanceClass: 'copy-instance-class',
  demandWindow: 'demand-window',
  warmCloneTtl: 'warm-clone-ttl',
  warmCloneInstanceClass: 'warm-clone-instance-class',
} as const;

export interface MaintainOptions extends CommonOptions {
  sources: MaintenanceSource[];
}

async function readConfig(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ValidationError(
      '--config',
      `cannot read ${path}${code === 'ENOENT' ? ': no such file' : `: ${code ?? err}`}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ValidationError('--config', `${path} is not valid JSON: ${(err as Error).message}`);
  }
}

export async function maintainOptions(flags: Flags, io: Io): Promise<MaintainOptions> {
  const common = commonOptions(flags, io);
  const configPath = flags.string('config');
  const dryRun = flags.bool('dry-run');
  const max = common.manager.maxClonesPerSource;
  let sources: MaintenanceSource[];
  if (configPath !== undefined) {
    const clash = [
      'source',
      'target-slots',
      'no-purge',
      'pause-when-idle',
      ...Object.values(NUMBER_FLAGS),
      ...Object.values(STRING_FLAGS),
    ].find((f) => flags.has(f));
    if (clash)
      throw new ValidationError(`--${clash}`, 'cannot be combined with --config (put it in the config file)');
    sources = parseMaintenanceConfig(await readConfig(configPath), '--config');
  } else {
    const source: MaintenanceSource = {
      clusterId: flags.required('source'),
      targetCloneSlots: flags.wholeNumber('target-slots') ?? missing('target-slots'),
    };
    for (const [field, flag] of Object.entries(STRING_FLAGS)) {
      const v = flags.string(flag);
      if (v !== undefined) source[field as keyof typeof STRING_FLAGS] = v;
    }
    for (const [field, flag] of Object.entries(NUMBER_FLAGS)) {
      // --warm-clones also takes `demand`, which the source's validation reads as such.
      const given = flags.string(flag);
      if (flag === 'warm-clones' && given !== undefined && given !== 'demand' && !/^\d+$/.test(given)) {
        throw new ValidationError('--warm-clones', `"${given}" is not a whole number or "demand"`);
      }
      const v = given === 'demand' ? 'demand' : flags.wholeNumber(flag);
      if (v !== undefined) (source as unknown as Record<string, unknown>)[field] = v;
    }
    if (flags.bool('no-purge')) source.purgeObsoleteCopies = false;
    if (flags.bool('pause-when-idle')) source.pauseWhenIdle = true;
    if (max !== undefined) source.maxClonesPerSource = max;
    validateMaintenanceSource(source, LIBRARY_DEFAULTS, 'source', MAINTAIN_FIELDS);
    sources = [source];
  }
  sources = sources.map((s) => ({
    ...s,
    ...(max !== undefined && s.maxClonesPerSource === undefined ? { maxClonesPerSource: max } : {}),
    ...(dryRun ? { dryRun: true } : {}),
  }));
  return { ...common, sources };
}

function missing(flag: string): never {
  throw new ValidationError(
    `--${flag}`,
    'is required unless --config is given (see aurora-clone-manager maintain --help)',
  );
}

export async function runMaintain(options: MaintainOptions, io: Io): Promise<number> {
  const names = options.sources.map((s) => s.clusterId).join(', ');
  const reports = await watched(
    io,
    `maintenance of ${names}`,
    (current) =>
      `${current ? `${current.phase} ${current.clusterId} was being waited for; ` : ''}what maintenance already asked AWS for (copies, deletions) goes on. See ${['aurora-clone-manager', 'status', '--source', options.sources[0]?.clusterId ?? 'ID', ...options.target].join(' ')}; the next maintenance run carries on.`,
    (onProgress) => maintainPool(options.sources, { ...options.manager, onProgress }),
  );
  await render(io, options.output, { json: reports, table: () => formatMaintenanceReports(reports) });
  const failed = reports.filter((r) => !r.ok);
  if (failed.length === 0) return 0;
  if (options.output !== 'json')
    io.stderr(`aurora-clone-manager: maintenance failed for ${failed.map((r) => r.clusterId).join(', ')}\n`);
  return 1;
}

export const maintainCommand: Command = {
  name: 'maintain',
  summary: 'Keep a pool ready: purge obsolete copies, delete expired clones, make copies up to a target.',
  usage: 'maintain (--source ID --target-slots N | --config FILE) [--dry-run] [options]',
  help: `Run it on a schedule (hourly): full copies take hours, so they are made ahead of demand, sized
by the requests seen in the last week (counted in the lease table).
Each source is maintained on its own; one failing does not stop the others (exit 1 if any failed).

Options:
  --source ID                  the source (root) cluster
  --target-slots N             free clone slots wanted over the root and fresh copies
                               (0 to ${MAX_TARGET_CLONE_SLOTS}: every 15 above the free capacity is a full copy)
  --max-copy-age DURATION      copies older than this are obsolete and purged (default ${formatDuration(3 * 86_400_000)}, P3D)
  --copy-instance-class C      instance class of new copies' instance (default: the root writer's)
  --max-slots N                ceiling of the free slots kept: between --target-slots and this, the
                               busiest --demand-window around the coming hours on the last 7 days
                               decides (default: the target or 45, whichever is more; equal to the
                               target: a fixed target)
  --demand-window DURATION     how far ahead spare slots must last: a full copy's build time plus the
                               time to the next run (default PT3H)
  --low-water-slots N          a clone request leaving fewer free slots starts maintenance (default 5)
  --warm-clones N|demand       clones kept fully made, claimed by requests in seconds (default 0);
                               each is a running instance while it waits. demand: as many as the
                               busiest hour around the coming hours on the last 7 days (at most 50);
                               the extra ones are retired as demand falls
  --warm-clone-ttl DURATION    warm clones older than this are replaced (default PT12H)
  --warm-clone-instance-class C  writer class of warm clones (default: the root writer's)
  --pause-when-idle            db.serverless copies and warm clones go down to 0 ACUs and pause after
                               5 minutes without connections (storage cost only while they wait)
  --no-purge                   keep obsolete copies
  --config FILE                JSON list of sources instead, each
                               {"clusterId", "targetCloneSlots", "maxCopyAge"?, "maxClonesPerSource"?,
                                "copyInstanceClass"?, "purgeObsoleteCopies"?, "deleteExpiredClones"?,
                                "maxCloneSlots"?, "demandWindow"?, "lowWaterSlots"?, "warmClones"?,
                                "warmCloneTtl"?, "warmCloneInstanceClass"?, "dryRun"?}
  --dry-run                    print the plan and why; change nothing

Example:
  aurora-clone-manager maintain --source prod --target-slots 30 --dry-run`,
  options: {
    source: { type: 'string' },
    'target-slots': { type: 'string' },
    'max-copy-age': { type: 'string' },
    'copy-instance-class': { type: 'string' },
    'max-slots': { type: 'string' },
    'demand-window': { type: 'string' },
    'low-water-slots': { type: 'string' },
    'warm-clones': { type: 'string' },
    'warm-clone-ttl': { type: 'string' },
    'warm-clone-instance-class': { type: 'string' },
    'no-purge': { type: 'boolean' },
    'pause-when-idle': { type: 'boolean' },
    config: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  positionals: 0,
  run: async (flags, io) => runMaintain(await maintainOptions(flags, io), io),
};
