// Where the manager talks to AWS: endpoint, Region, the lease table.
import { ValidationError } from '../util/errors.ts';
import { stringValue } from './raw.ts';

/** An http(s) URL, returned without trailing slashes. */
export function checkEndpointUrl(value: unknown, field: string): string {
  const text = stringValue(value, field);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError(field, `"${text}" is not a URL (e.g. http://127.0.0.1:4510)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(field, `"${text}" must be an http:// or https:// URL`);
  }
  return text.replace(/\/+$/, '');
}

export function checkRegion(value: unknown, field: string): string {
  const region = stringValue(value, field);
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new ValidationError(field, `"${region}" is not an AWS region (e.g. eu-west-1)`);
  }
  return region;
}

/** A profile name of ~/.aws/config: what the AWS CLI accepts in `[profile NAME]`, no spaces or brackets. */
export function checkProfileName(value: unknown, field: string): string {
  const name = stringValue(value, field);
  if (!/^[A-Za-z0-9_.@+=,:/-]{1,128}$/.test(name)) {
    throw new ValidationError(
      field,
      `"${name}" is not a profile name (letters, digits and _ . - @ + = , : /)`,
    );
  }
  return name;
}

export function checkTableName(value: unknown, field: string): string {
  const name = stringValue(value, field);
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(name)) {
    throw new ValidationError(field, `"${name}" is not a DynamoDB table name (3–255 letters, digits, _ . -)`);
  }
  return name;
}
