// Reading CloudFormation templates in tests: YAML with the short intrinsic tags (!Ref, !Sub, …)
// turned into their long JSON forms, and small helpers to walk policies.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const INTRINSICS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
  'Length',
] as const;

function cfnTags(): Tags {
  const tags: Tags = [
    { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
    { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  ];
  for (const name of INTRINSICS) {
    const key = `Fn::${name}`;
    tags.push({
      tag: `!${name}`,
      // !GetAtt Resource.Attribute is the scalar form of [Resource, Attribute].
      resolve: (value: string) => ({ [key]: name === 'GetAtt' ? value.split(/\.(.*)/s).slice(0, 2) : value }),
    });
    const collection = (node: YAMLMap | YAMLSeq) => ({ [key]: node.toJSON() });
    tags.push({ tag: `!${name}`, collection: 'seq', resolve: collection });
    tags.push({ tag: `!${name}`, collection: 'map', resolve: collection });
  }
  return tags;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Obj = { [key: string]: Json };

export interface Template {
  Parameters?: Record<string, Obj>;
  Conditions?: Record<string, Json>;
  Resources: Record<
    string,
    { Type: string; Condition?: string; Properties?: Obj; [k: string]: Json | undefined }
  >;
  Outputs?: Record<string, Obj>;
  [key: string]: unknown;
}

export function parseTemplate(text: string): Template {
  const doc = parse(text, { customTags: cfnTags(), strict: true, prettyErrors: true }) as Template;
  if (!doc || typeof doc !== 'object' || !doc.Resources) throw new Error('not a CloudFormation template');
  return doc;
}

export function loadTemplate(relativePath: string): Template {
  return parseTemplate(readFileSync(`${repoRoot}${relativePath}`, 'utf8'));
}

export function resourcesOfType(template: Template, type: string) {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

export function theResource(template: Template, type: string) {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: Json;
  NotResource?: Json;
  Principal?: Json;
  Condition?: Record<string, Record<string, Json>>;
}

/** The statements of a policy document, with `!If [cond, statement, AWS::NoValue]` unwrapped. */
export function statementsOf(document: Json | undefined): Statement[] {
  if (!document || typeof document !== 'object' || Array.isArray(document)) return [];
  const raw = document['Statement'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const out: Statement[] = [];
  for (const s of list) {
    if (s && typeof s === 'object' && !Array.isArray(s) && 'Fn::If' in s) {
      const [, whenTrue, whenFalse] = s['Fn::If'] as Json[];
      for (const branch of [whenTrue, whenFalse]) {
        if (branch && typeof branch === 'object' && !Array.isArray(branch) && !('Ref' in branch)) {
          out.push(branch as unknown as Statement);
        }
      }
    } else {
      out.push(s as unknown as Statement);
    }
  }
  return out;
}

export const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A resource element as text: `!Sub` strings as written, `!GetAtt X.Arn` as `GetAtt:X.Arn`, `!Ref X` as `Ref:X`. */
export function resourceText(value: Json): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if ('Fn::Sub' in value) {
      const sub = value['Fn::Sub'];
      return typeof sub === 'string' ? sub : String((sub as Json[])[0]);
    }
    if ('Fn::GetAtt' in value) return `GetAtt:${(value['Fn::GetAtt'] as string[]).join('.')}`;
    if ('Ref' in value) return `Ref:${String(value['Ref'])}`;
  }
  return JSON.stringify(value);
}

/** The environment variables of the template's one Lambda function. */
export function functionEnv(template: Template): Record<string, Json> {
  const [, fn] = theResource(template, 'AWS::Lambda::Function');
  const environment = fn.Properties?.['Environment'] as { Variables?: Record<string, Json> } | undefined;
  return environment?.Variables ?? {};
}
