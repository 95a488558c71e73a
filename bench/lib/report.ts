// What every benchmark hands back to the runner: tables of measured figures, notes that explain
// them, and problems (an invariant that must be 0 and was not, a failure mode worth a bug report).

export type Cell = string | number;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
}

export interface BenchReport {
  name: string;
  title: string;
  /** Wall time of the whole benchmark, ms. */
  elapsedMs: number;
  tables: Table[];
  notes: string[];
  /** Violated invariants and suspected bugs; the runner exits 1 when any benchmark has one. */
  problems: string[];
  /**
   * The invariants every benchmark that drives the product checks, counted over the whole run: the
   * runner prints them and reports any that is not 0 as a problem. Absent: the benchmark made no
   * restore and answered no request (it cannot break them).
   */
  checks?: Checks;
  /** Raw figures for --json consumers. */
  data: Record<string, unknown>;
}

export interface Checks {
  /** Copy-on-write restores AWS (the emulator) served as full copies, from its own records. */
  accidentalFullCopies: number;
  /** Requests of the product that failed (provisions, deletions, maintenance runs). */
  failedRequests: number;
}

/** The checks as problems: each that is not 0. */
export function checkProblems(checks: Checks | undefined): string[] {
  if (!checks) return [];
  const out: string[] = [];
  if (checks.accidentalFullCopies !== 0)
    out.push(`check failed: ${checks.accidentalFullCopies} accidental full copies (must be 0)`);
  if (checks.failedRequests !== 0)
    out.push(`check failed: ${checks.failedRequests} failed requests (must be 0)`);
  return out;
}

export type Size = 'tiny' | 'full';

export interface BenchContext {
  size: Size;
  /** Progress lines (stderr), so stdout stays one table stream or one JSON document. */
  log: (line: string) => void;
}

export interface Benchmark {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<Omit<BenchReport, 'name' | 'title' | 'elapsedMs'>>;
}

/** A table as aligned text: numbers right-aligned, text left-aligned. */
export function formatTable(table: Table): string {
  const cells = [table.columns, ...table.rows.map((r) => r.map(String))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const numeric = table.columns.map((_, i) =>
    table.rows.every(
      (r) => typeof r[i] === 'number' || /^[-+]?[\d.,]+\s*(ms|s|%|×|x|KiB|MiB|h|min)?$/.test(String(r[i])),
    ),
  );
  const line = (r: readonly Cell[]) =>
    r
      .map((c, i) => (numeric[i] ? String(c).padStart(widths[i] ?? 0) : String(c).padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [table.title, line(table.columns), rule, ...table.rows.map(line)].join('\n');
}

export function formatReport(r: BenchReport): string {
  const out = [`== ${r.name}: ${r.title} (${(r.elapsedMs / 1000).toFixed(1)} s) ==`, ''];
  for (const t of r.tables) out.push(formatTable(t), '');
  if (r.checks)
    out.push(
      `checked: ${r.checks.accidentalFullCopies} accidental full copies, ${r.checks.failedRequests} failed requests (each must be 0)`,
    );
  for (const n of r.notes) out.push(`note: ${n}`);
  for (const p of r.problems) out.push(`PROBLEM: ${p}`);
  return out.join('\n').trimEnd();
}

// Number formatting shared by the benchmarks, so every table reads the same way.
export const ms = (v: number): string => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
export const ratio = (baseline: number, ours: number): string =>
  ours > 0 ? `${(baseline / ours).toFixed(ours > 0 && baseline / ours >= 10 ? 0 : 1)}×` : 'n/a';
export const minutes = (v: number): string => `${(v / 60_000).toFixed(1)} min`;
export const hours = (v: number): string => `${(v / 3_600_000).toFixed(1)} h`;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
