// `aurora-clone-manager demo`: the whole product in under a minute, with no AWS account. It starts
// the embedded emulator in this process, makes a source cluster and walks through the pool's life,
// saying what happens and why at each step. It uses only the public library API.

import { deleteClone, describePool, maintainPool, provisionClone } from '../../engine/api.ts';
import type { ManagerOptions, ProvisionResult } from '../../model/api.ts';
import { AcmError } from '../../util/errors.ts';
import { jsonLogger } from '../../util/log.ts';
import type { Flags } from '../args.ts';
import type { Command } from '../command.ts';
import { formatMaintenanceReports, formatPoolStatus } from '../format.ts';
import type { Io } from '../io.ts';
import { outputFormat } from '../output.ts';
import { formatTable } from '../table.ts';

export const DEMO_SOURCE = 'demo-prod';

export interface DemoOptions {
  json: boolean;
  verbose: boolean;
  /** Clones to make; the first 15 fit on the root, the rest need a copy. */
  clones: number;
  /** Free clone slots the maintenance run is asked to reach. */
  targetSlots: number;
}

export interface DemoSummary {
  source: string;
  /** copyMade: a full copy of the root was made for this clone (the first clone of each new copy). */
  clones: { clusterId: string; sourceClusterId: string; copyMade: boolean }[];
  copiesMade: number;
  maintenance: { created: string[]; deleted: string[]; capacityBefore?: number; capacityAfter?: number };
  deleted: string[];
  rootDeleteRefused: string;
  freeCapacity: number;
  accidentalFullCopies: number;
}

export function demoOptions(flags: Flags): DemoOptions {
  return {
    json: outputFormat(flags, []) === 'json',
    verbose: flags.bool('verbose'),
    clones: flags.integer('clones', 1, 30) ?? 20,
    targetSlots: flags.integer('target-slots', 0, 60) ?? 20,
  };
}

export async function runDemo(options: DemoOptions, io: Io): Promise<number> {
  // Narration is the product of the demo; with --json it goes to stderr so stdout holds one document.
  const say = (text = '') => (options.json ? io.stderr : io.stdout)(`${text}\n`);
  const step = (n: number, title: string) => say(`\n== ${n}. ${title}`);

  say('Aurora Clone Manager demo: a local Aurora emulator, one source cluster, and the manager at work.');
  // Loaded here, not at start: only the commands that run an emulator load it (and dynalite).
  const { startEmulator } = await import('../../emulator/index.ts');
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1' });
  try {
    say(
      `Emulator listening on ${emulator.url} (it speaks the RDS API; clusters take about a second to create).`,
    );
    await emulator.createSourceCluster({ id: DEMO_SOURCE });
    say(`Created the source cluster "${DEMO_SOURCE}" with a writer instance: think of it as production.`);

    const manager: ManagerOptions = {
      aws: { endpoint: emulator.url },
      // The same per-root lease a deployment uses, in the emulator's DynamoDB (the table is made on first use).
      leaseTable: 'demo-leases',
      managerId: 'demo',
      pollMinMs: 100,
      pollMaxMs: 500,
      ...(options.verbose ? { logger: jsonLogger('debug', io.stderr) } : {}),
    };

    step(1, `Provision ${options.clones} clones of ${DEMO_SOURCE}`);
    say('AWS allows 15 copy-on-write clones per source; a 16th request quietly becomes a slow, fully billed');
    say('full copy. The manager counts slots, and when the root is full it makes one full copy itself and');
    say('clones that copy: every copy opens 15 more slots.');
    const made: ProvisionResult[] = [];
    // The demo starts with no copies, so a source seen for the first time is a copy made for that request.
    const copiesSeen = new Set<string>();
    const newCopyFor = new Set<string>();
    for (let i = 1; i <= options.clones; i++) {
      const clusterId = `demo-clone-${String(i).padStart(2, '0')}`;
      const r = await provisionClone(
        { sourceClusterId: DEMO_SOURCE, clusterId, owner: 'demo', ttl: 'PT8H' },
        manager,
      );
      made.push(r);
      const fromCopy = r.sourceClusterId !== DEMO_SOURCE;
      if (fromCopy && (r.copyMade || !copiesSeen.has(r.sourceClusterId))) newCopyFor.add(r.clusterId);
      if (fromCopy) copiesSeen.add(r.sourceClusterId);
      const from = fromCopy ? `copy ${r.sourceClusterId}` : 'the root';
      const note = newCopyFor.has(r.clusterId)
        ? '  <- root full: the manager made this copy first, then cloned it'
        : '';
      say(`  ${clusterId}  from ${from}${note}`);
    }

    step(2, 'The pool at a glance (aurora-clone-manager status)');
    say(formatPoolStatus(await describePool(DEMO_SOURCE, manager)).trimEnd());

    step(
      3,
      `Maintenance: keep ${options.targetSlots} free clone slots ready (aurora-clone-manager maintain)`,
    );
    say('Full copies take hours on AWS, so a scheduled job makes them ahead of demand. First a dry run,');
    say('which only prints the plan and why, then the real run:');
    const target = { clusterId: DEMO_SOURCE, targetCloneSlots: options.targetSlots };
    const planned = await maintainPool([{ ...target, dryRun: true }], manager);
    say(formatMaintenanceReports(planned).trimEnd());
    const reports = await maintainPool([target], manager);
    say('');
    say(formatMaintenanceReports(reports).trimEnd());
    const failed = reports.find((r) => !r.ok);
    if (failed)
      throw new AcmError(`maintenance of ${failed.clusterId} failed: ${failed.error ?? 'unknown error'}`);

    step(4, 'Delete clones (aurora-clone-manager delete)');
    const toDelete = made.slice(0, Math.min(5, made.length)).map((r) => r.clusterId);
    for (const clusterId of toDelete) {
      await deleteClone({ clusterId }, manager);
      say(`  deleted ${clusterId} (its slot on ${DEMO_SOURCE} is free again)`);
    }
    let refused = '';
    try {
      await deleteClone({ clusterId: DEMO_SOURCE }, manager);
    } catch (err) {
      if (!(err instanceof AcmError)) throw err;
      refused = err.message;
    }
    if (!refused) throw new AcmError(`the manager deleted the root ${DEMO_SOURCE}: that must never happen`);
    say(`  delete ${DEMO_SOURCE}: refused, as it must be: "${refused}"`);

    step(5, 'Final state');
    const pool = await describePool(DEMO_SOURCE, manager);
    say(formatPoolStatus(pool).trimEnd());
    const accidental = emulator.stats().rds.accidentalFullCopies;
    say('');
    say(
      formatTable(
        [
          { header: 'RESULT', value: (r: [string, string | number]) => r[0] },
          { header: 'VALUE', value: (r: [string, string | number]) => r[1], align: 'right' },
        ],
        [
          ['clones provisioned', made.length],
          ['full copies made on purpose', newCopyFor.size + reports.flatMap((r) => r.created).length],
          ['accidental full copies (16th clones)', accidental],
          ['free clone slots now', pool.freeCapacity],
        ],
      ).trimEnd(),
    );
    if (accidental !== 0) {
      say(`\nThe emulator saw ${accidental} accidental full copies: that is a bug in the manager.`);
    } else {
      say('\nNo clone request became an accidental full copy. To try the commands yourself:');
      say('  aurora-clone-manager emulator --seed-source prod        # in one terminal');
      say('  export AWS_ENDPOINT_URL=http://127.0.0.1:4510           # in another');
      say('  aurora-clone-manager clone --source prod --wait');
      say('  aurora-clone-manager status --source prod');
    }
    if (options.json) {
      const summary: DemoSummary = {
        source: DEMO_SOURCE,
        clones: made.map((r) => ({
          clusterId: r.clusterId,
          sourceClusterId: r.sourceClusterId,
          copyMade: newCopyFor.has(r.clusterId),
        })),
        copiesMade: newCopyFor.size,
        maintenance: {
          created: reports.flatMap((r) => r.created),
          deleted: reports.flatMap((r) => r.deleted),
          capacityBefore: reports[0]?.capacityBefore,
          capacityAfter: reports[0]?.capacityAfter,
        },
        deleted: toDelete,
        rootDeleteRefused: refused,
        freeCapacity: pool.freeCapacity,
        accidentalFullCopies: accidental,
      };
      io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    }
    return accidental === 0 ? 0 : 1;
  } finally {
    await emulator.stop();
  }
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Watch the manager work on an embedded emulator: clones, a copy, status, maintenance, deletes.',
  usage: 'demo [--clones N] [--target-slots N] [--json]',
  help: `Needs no AWS account: an Aurora emulator runs inside this process and stops at the end.
Takes well under a minute.

Options:
  --clones N                   clones to provision (1-30, default 20: 15 from the root, the rest from a copy)
  --target-slots N             free clone slots the maintenance run keeps ready (default 20)`,
  options: {
    clones: { type: 'string' },
    'target-slots': { type: 'string' },
  },
  positionals: 0,
  aws: false,
  run: (flags, io) => runDemo(demoOptions(flags), io),
};
