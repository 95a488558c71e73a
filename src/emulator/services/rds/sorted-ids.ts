// Identifiers kept in the order Describe pages in. A page then starts with a binary search for its
// Marker instead of sorting the whole Region on every request (issue 12: reads were quadratic).

/** The order of identifiers in Describe pages (code units, as RDS's lower-case identifiers compare). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class SortedIds {
  private readonly ids: string[] = [];

  get size(): number {
    return this.ids.length;
  }

  /** The identifier at a position, for walking a page from `firstAfter`. */
  at(index: number): string | undefined {
    return this.ids[index];
  }

  /**
   * Identifiers mostly arrive in order (generated names, timestamps), so the insertion point is
   * usually the end; elsewhere it is one memmove, far cheaper than the sort it replaces.
   */
  insert(id: string): void {
    const i = this.lowerBound(id);
    if (this.ids[i] !== id) this.ids.splice(i, 0, id);
  }

  remove(id: string): void {
    const i = this.lowerBound(id);
    if (this.ids[i] === id) this.ids.splice(i, 1);
  }

  /** Position of the first identifier after `id`, or 0 when there is no `id` (a first page). */
  firstAfter(id: string | undefined): number {
    if (id === undefined) return 0;
    const i = this.lowerBound(id);
    return this.ids[i] === id ? i + 1 : i;
  }

  values(): IterableIterator<string> {
    return this.ids.values();
  }

  /** Position of the first identifier not before `id`. */
  private lowerBound(id: string): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.ids[mid] as string, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
