import { ValidationError } from '../../util/errors.ts';
import type { Flags } from '../args.ts';

/** The ID argument of commands about one cluster (`get ID`, `delete ID`, `extend ID`). */
export function requiredPositional(flags: Flags, what: string): string {
  const id = flags.positionals[0];
  if (id === undefined) {
    throw new ValidationError('ID', `${what} is required (aurora-clone-manager ${flags.command} ID)`);
  }
  return id;
}
