// npm run bench [-- NAME…] [--size tiny|full] [--json]
// Runs the benchmarks one after the other (they measure wall time, so never in parallel), prints one
// table block per benchmark as it finishes (or one JSON document with --json), and exits 1 when a
// benchmark reports a problem: an invariant that must be 0 was not (accidental full copies, failed
// requests, sources over their limit), or the benchmark itself failed.
import { cpus } from 'node:os';
import { apiCalls } from './api-calls.ts';
import { concurrency } from './concurrency.ts';
import { emulatorReads } from './emulator-reads.ts';
import { lambdaCold } from './lambda-cold.ts';
import { type Benchmark, type BenchReport, checkProblems, formatReport, type Size } from './lib/report.ts';
import { soak } from './soak.ts';
import { timeToClone } from './time-to-clone.ts';
import { warmClaim } from './warm-claim.ts';

// The SDK's notice that it will need Node 22 next year is noise between tables; other warnings still print.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'NodeVersionSupportWarning') process.stderr.write(`${w.name}: ${w.message}\n`);
});

const BENCHMARKS: readonly Benchmark[] = [
  apiCalls,
  timeToClone,
  lambdaCold,
  concurrency,
  soak,
  emulatorReads,
  warmClaim,
];

const USAGE = `usage: npm run bench -- [NAME…] [--size tiny|full] [--json]
  NAME      one or more of: ${BENCHMARKS.map((b) => b.name).join(', ')} (default: all)
  --size    tiny: a smoke run of a few seconds; full (default): the figures for docs/benchmarks.md
  --json    one JSON document on stdout instead of tables`;

interface Args {
  names: string[];
  size: Size;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args | { error: string } | { help: true } {
  const out: Args = { names: [], size: 'full', json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--help' || a === '-h') return { help: true };
    if (a === '--json') out.json = true;
    else if (a === '--size' || a.startsWith('--size=')) {
      const v = a === '--size' ? argv[++i] : a.slice('--size='.length);
      if (v !== 'tiny' && v !== 'full')
        return { error: `--size must be tiny or full, got ${v ?? 'nothing'}` };
      out.size = v;
    } else if (a === '--tiny') out.size = 'tiny';
    else if (a.startsWith('-')) return { error: `unknown option ${a}` };
    else if (!BENCHMARKS.some((b) => b.name === a)) return { error: `unknown benchmark ${a}` };
    else if (!out.names.includes(a)) out.names.push(a);
  }
  return out;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if ('help' in args) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if ('error' in args) {
    process.stderr.write(`${args.error}\n${USAGE}\n`);
    return 2;
  }
  const selected = args.names.length ? BENCHMARKS.filter((b) => args.names.includes(b.name)) : BENCHMARKS;
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const machine = {
    date: new Date().toISOString(),
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  if (!args.json) {
    process.stdout.write(
      `aurora-clone-manager benchmarks, size ${args.size}, ${machine.date}, ${machine.cores} cores (${machine.cpu}), Node ${machine.node}\n\n`,
    );
  }
  const started = performance.now();
  const reports: BenchReport[] = [];
  for (const b of selected) {
    log(`${b.name}: start`);
    const t0 = performance.now();
    let report: BenchReport;
    try {
      const r = await b.run({ size: args.size, log });
      report = {
        name: b.name,
        title: b.title,
        elapsedMs: performance.now() - t0,
        ...r,
        // A benchmark that lets a broken invariant through still fails the run.
        problems: [...r.problems, ...checkProblems(r.checks)],
      };
    } catch (err) {
      report = {
        name: b.name,
        title: b.title,
        elapsedMs: performance.now() - t0,
        tables: [],
        notes: [],
        problems: [
          `the benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        ],
        data: {},
      };
    }
    reports.push(report);
    log(`${b.name}: done in ${(report.elapsedMs / 1000).toFixed(1)} s`);
    if (!args.json) process.stdout.write(`${formatReport(report)}\n\n`);
  }
  const totalMs = performance.now() - started;
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ size: args.size, machine, totalMs, benchmarks: reports }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(`total: ${(totalMs / 1000).toFixed(1)} s for ${reports.length} benchmark(s)\n`);
  }
  return reports.some((r) => r.problems.length > 0) ? 1 : 0;
}

// Servers and SDK sockets may linger; the exit code is the answer.
main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
