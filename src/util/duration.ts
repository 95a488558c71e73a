// ISO-8601 durations (P3D, PT8H, P1DT12H) and the CLI's short forms (8h, 30m, 3d, 2w).

const ISO =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const SHORT = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Milliseconds, or undefined when the text is not a duration (years and months are refused: their length varies). */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  const iso = ISO.exec(t);
  if (iso && t.length > 1 && !/T$/i.test(t)) {
    const [, w, d, h, m, s] = iso.map((x) => (x === undefined ? 0 : Number(x)));
    const ms =
      (w ?? 0) * UNIT_MS.w +
      (d ?? 0) * UNIT_MS.d +
      (h ?? 0) * UNIT_MS.h +
      (m ?? 0) * UNIT_MS.m +
      (s ?? 0) * UNIT_MS.s;
    return ms > 0 ? ms : undefined;
  }
  const short = SHORT.exec(t);
  if (short) {
    const ms = Number(short[1]) * UNIT_MS[short[2]!.toLowerCase() as keyof typeof UNIT_MS];
    return ms > 0 ? ms : undefined;
  }
  return undefined;
}

/** A short human form: 2d 3h, 45m, 12s. */
export function formatDuration(ms: number): string {
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = d ? [`${d}d`, h ? `${h}h` : ''] : h ? [`${h}h`, m ? `${m}m` : ''] : m ? [`${m}m`] : [`${s}s`];
  return (neg ? '-' : '') + parts.filter(Boolean).join(' ');
}

/** ISO-8601 instant, strictly parsed (date, or date and time with optional zone; no zone means UTC). */
export function parseInstant(text: string): Date | undefined {
  const t = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(t))
    return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(t) && t.length > 10;
  const d = new Date(
    t.length === 10 ? `${t}T00:00:00Z` : hasZone ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`,
  );
  return Number.isNaN(d.getTime()) ? undefined : d;
}
