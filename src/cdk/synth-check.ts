// Props are checked when the app is synthesised, by the product's own rules (src/validation). A prop
// given as a token (a CfnParameter, Fn.importValue, another resource's attribute) has no value
// before deployment: the function checks it then, so its problems are not reported here.
import { Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { ValidationError } from '../util/errors.ts';
import { Problems } from '../validation/index.ts';
import { InvalidPropsError } from './errors.ts';

export class SynthCheck {
  private readonly problems = new Problems();
  /** Names of fields whose value is known only at deployment. */
  private readonly unresolved = new Set<string>();

  /** Runs one rule (or several, through the Problems it is given); ValidationErrors are kept. */
  run(rule: (problems: Problems) => void): void {
    this.problems.check(() => rule(this.problems));
  }

  add(field: string, problem: string): void {
    this.problems.add(field, problem);
  }

  /** True (and remembered, so the rules' problems about it are dropped) when `value` is a token. */
  isToken(field: string, value: unknown): boolean {
    const token = value !== undefined && Token.isUnresolved(value);
    if (token) this.unresolved.add(field);
    return token;
  }

  get errors(): ValidationError[] {
    return this.problems.list.filter((e) => !this.unresolved.has(e.field));
  }

  /** Throws InvalidPropsError naming `scope` and every problem; nothing to report returns. */
  throwIfAny(kind: string, scope: IConstruct): void {
    const errors = this.errors;
    if (errors.length > 0) throw new InvalidPropsError(kind, scope.node.path, errors);
  }
}
