// "Did you mean": the closest known name to a mistyped command or flag, when one is close enough to
// be the likely intent (a typo, a swapped pair, a missing or extra letter), else nothing.

/** Edit distance with adjacent transpositions (Damerau–Levenshtein, optimal string alignment). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known name closest to `typed`, if it is within a third of its length (at least 1, at most 3 edits). */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const wanted = typed.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    // A prefix of a longer name (`--instance` for `--instance-class`) is what the user started to type.
    const d = name.startsWith(wanted) && wanted.length >= 3 ? 1 : distance(wanted, name);
    if (d <= limit && (best === undefined || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** " (did you mean X?)" or nothing. */
export function didYouMean(
  typed: string,
  known: readonly string[],
  render: (name: string) => string = (n) => n,
): string {
  const found = closest(typed, known);
  return found === undefined ? '' : `; did you mean ${render(found)}?`;
}
