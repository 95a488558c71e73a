// Aligned plain-text tables for human output: a header row, a rule, one row per item.

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | undefined;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
}

function cell(v: string | number | boolean | undefined): string {
  if (v === undefined || v === '') return '-';
  return String(v);
}

export function formatTable<T>(columns: Column<T>[], rows: readonly T[], indent = ''): string {
  const cells = rows.map((r) => columns.map((c) => cell(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    indent +
    values
      .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ];
  return `${out.join('\n')}\n`;
}

/** Two aligned columns: label and value, for one record (a clone, a report). */
export function formatKeyValues(
  pairs: [string, string | number | boolean | undefined][],
  indent = '  ',
): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${k.padEnd(width)}  ${cell(v)}`.trimEnd()).join('\n') + '\n';
}
