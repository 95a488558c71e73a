// DB instance classes: db.serverless (Aurora Serverless v2) or db.<family>.<size> such as db.r6g.large,
// db.t4g.medium, db.x2g.16xlarge. Case does not matter to the user; AWS is sent the lower-case form.
import { ValidationError } from '../util/errors.ts';
import { stringValue } from './raw.ts';

const INSTANCE_CLASS = /^db\.(?:serverless|[a-z]+\d+[a-z0-9-]*\.\d*[a-z]+)$/;

export function checkInstanceClass(value: unknown, field: string): string {
  const text = stringValue(value, field);
  const cls = text.trim().toLowerCase();
  if (!INSTANCE_CLASS.test(cls)) {
    throw new ValidationError(
      field,
      `"${text}" is not a DB instance class (e.g. db.r6g.large, db.t4g.medium, db.serverless)`,
    );
  }
  return cls;
}
