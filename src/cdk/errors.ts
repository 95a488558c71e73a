// A construct's props that fail their rules: every problem at once, each named by the prop as the CDK
// user wrote it, the construct's path in front so the app's author finds which one.
import { type ValidationError, ValidationErrors } from '../util/errors.ts';

export class InvalidPropsError extends ValidationErrors {
  /** The construct's path in the app, e.g. `CloneStack/Clone`. */
  readonly path: string;
  constructor(kind: string, path: string, errors: ValidationError[]) {
    super(errors);
    this.path = path;
    this.message = `${kind} ${path}: ${errors.map((e) => e.message).join('; ')}`;
    this.context['path'] = path;
  }
}
