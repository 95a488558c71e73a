// Names of things in AWS that users pass in: cluster identifiers (or their ARNs), the manager id,
// subnet, security and parameter groups.
import { ValidationError } from '../util/errors.ts';
import { identifierProblem } from '../util/identifiers.ts';
import { stringValue } from './raw.ts';

/** arn:aws:rds:REGION:ACCOUNT:cluster:ID (also aws-cn, aws-us-gov). */
export const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:(.*)$/;

/** RDS rules: 1–63 letters, digits or hyphens, first a letter, no `--`, no trailing hyphen. */
export function checkClusterId(value: unknown, field: string): string {
  const id = stringValue(value, field);
  const problem = identifierProblem(id);
  if (problem) throw new ValidationError(field, `"${id}" is not a valid cluster identifier: ${problem}`);
  return id;
}

/** A cluster identifier, or the ARN of one. */
export function checkClusterIdOrArn(value: unknown, field: string): string {
  const text = stringValue(value, field);
  if (!text.startsWith('arn:')) return checkClusterId(text, field);
  const arn = CLUSTER_ARN.exec(text);
  if (!arn) {
    throw new ValidationError(
      field,
      `"${text}" is not a DB cluster ARN (arn:aws:rds:REGION:ACCOUNT:cluster:ID)`,
    );
  }
  const problem = identifierProblem(arn[1]!);
  if (problem) throw new ValidationError(field, `"${text}" names an invalid cluster identifier: ${problem}`);
  return text;
}

/** The cluster identifier an id or ARN names. */
export function clusterIdOf(idOrArn: string): string {
  return CLUSTER_ARN.exec(idOrArn)?.[1] ?? idOrArn;
}

/** The deployment's name; it becomes a tag value on everything the deployment creates. */
export function checkManagerId(value: unknown, field: string): string {
  const id = stringValue(value, field);
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/=+@-]{0,127}$/.test(id)) {
    throw new ValidationError(
      field,
      `"${id}" must be 1–128 letters, digits or ._:/=+@- (starting with a letter or digit; it becomes a tag value)`,
    );
  }
  return id;
}

export function checkSubnetGroupName(value: unknown, field: string): string {
  const name = stringValue(value, field);
  if (!/^[A-Za-z0-9 ._-]{1,255}$/.test(name)) {
    throw new ValidationError(
      field,
      `"${name}" is not a DB subnet group name (1–255 letters, digits, spaces, periods, underscores, hyphens)`,
    );
  }
  return name;
}

export function checkSecurityGroupIds(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new ValidationError(field, 'must be a list of security group ids (sg-…)');
  return value.map((sg, i) => {
    if (typeof sg !== 'string' || !/^sg-[0-9a-f]{8,17}$/.test(sg)) {
      throw new ValidationError(`${field}[${i}]`, `${JSON.stringify(sg)} is not a security group id (sg-…)`);
    }
    return sg;
  });
}

/** DB cluster and DB parameter group names (default ones contain periods: default.aurora-postgresql16). */
export function checkParameterGroupName(value: unknown, field: string): string {
  const name = stringValue(value, field);
  if (!/^[A-Za-z][A-Za-z0-9.-]{0,254}$/.test(name) || name.includes('--') || name.endsWith('-')) {
    throw new ValidationError(
      field,
      `"${name}" is not a parameter group name (1–255 letters, digits, periods or hyphens, first a letter, no "--", no trailing hyphen)`,
    );
  }
  return name;
}
