// Every problem of one input is collected in one pass and reported together, so a user fixes them
// all at once instead of one per run. Rules throw ValidationError; the collector catches them.
import { ValidationError, ValidationErrors } from '../util/errors.ts';

export class Problems {
  private readonly errors: ValidationError[] = [];

  add(field: string, problem: string): void {
    this.errors.push(new ValidationError(field, problem));
  }

  /** Runs one rule; a ValidationError (or several) it throws is kept and undefined returned instead. */
  check<T>(rule: () => T): T | undefined {
    try {
      return rule();
    } catch (err) {
      if (err instanceof ValidationErrors) this.errors.push(...err.errors);
      else if (err instanceof ValidationError) this.errors.push(err);
      else throw err;
      return undefined;
    }
  }

  /**
   * Like check, but keeps only problems of fields not reported yet: a later stage (the rules) does
   * not repeat, say, "is required" for a field an earlier stage (the raw shape) already refused.
   */
  checkUnreported<T>(rule: () => T): T | undefined {
    const before = this.errors.length;
    const known = new Set(this.errors.map((e) => e.field));
    const result = this.check(rule);
    const added = this.errors.splice(before);
    this.errors.push(...added.filter((e) => !known.has(e.field)));
    return result;
  }

  /** Whether a problem was already reported for this field (so a follow-up rule does not repeat it). */
  has(field: string): boolean {
    return this.errors.some((e) => e.field === field);
  }

  get list(): readonly ValidationError[] {
    return this.errors;
  }

  /** One problem throws a ValidationError, several a ValidationErrors; none returns. */
  throwIfAny(): void {
    if (this.errors.length === 1) throw this.errors[0]!;
    if (this.errors.length > 1) throw new ValidationErrors([...this.errors]);
  }
}
