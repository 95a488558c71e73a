// RDS identifier rules: 1–63 letters, digits or hyphens; first a letter; no `--`; no trailing hyphen.

export const MAX_IDENTIFIER_LENGTH = 63;

/** Why `id` is not a valid RDS identifier, or undefined when it is. */
export function identifierProblem(id: string): string | undefined {
  if (id.length === 0) return 'must not be empty';
  if (id.length > MAX_IDENTIFIER_LENGTH)
    return `must be at most ${MAX_IDENTIFIER_LENGTH} characters (got ${id.length})`;
  if (!/^[A-Za-z]/.test(id)) return 'must start with a letter';
  if (!/^[A-Za-z0-9-]+$/.test(id)) return 'may contain only letters, digits and hyphens';
  if (id.includes('--')) return 'must not contain two consecutive hyphens';
  if (id.endsWith('-')) return 'must not end with a hyphen';
  return undefined;
}

/** A UTC timestamp usable inside an identifier: 20261125t102513z. */
export function idTimestamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'z')
    .toLowerCase();
}

/** `<base>-<suffix>`, with the base shortened so the whole stays within 63 characters and valid. */
export function joinIdentifier(base: string, suffix: string): string {
  const room = MAX_IDENTIFIER_LENGTH - suffix.length - 1;
  const trimmed = base.slice(0, Math.max(1, room)).replace(/-+$/, '');
  return `${trimmed}-${suffix}`.toLowerCase().replace(/-{2,}/g, '-');
}
