// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JS templates
// Two ways of writing the same deployment, brought to one form so they compare with deepEqual:
// infra/template.yaml with its conditions decided (as the construct decides them from its props), and
// a template synthesised from AuroraCloneManager with the construct's logical ids turned back into the
// template's names and Fn::Sub variables written into the text, as the template writes them.
import type { Stack } from 'aws-cdk-lib';
import { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Json, Obj, Template } from '../infra/cfn.ts';

export interface Comparable {
  Resources: Record<string, Obj>;
  Outputs: Record<string, Obj>;
}

const isObj = (v: Json | undefined): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Drops what the two forms write differently by nature: cfn-lint hints, CDK paths, the code's location. */
function withoutForm(resource: Obj): Obj {
  const { Metadata: _metadata, ...rest } = resource;
  const props = rest['Properties'];
  if (isObj(props) && rest['Type'] === 'AWS::Lambda::Function') {
    const { Code: _code, ...others } = props;
    rest['Properties'] = others;
  }
  return rest;
}

/** Numbers and booleans as the text CloudFormation reads them as (15 and "15" are the same value). */
function scalarsAsText(value: Json): Json {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(scalarsAsText);
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scalarsAsText(v)]));
  return value;
}

/** infra/template.yaml as deployed when each condition has the given value. */
export function decided(template: Template, conditions: Record<string, boolean>): Comparable {
  const holds = (name: string) => {
    if (!(name in conditions)) throw new Error(`no value given for the condition ${name}`);
    return conditions[name]!;
  };
  const NO_VALUE = Symbol('AWS::NoValue');
  const walk = (value: Json): Json | typeof NO_VALUE => {
    if (Array.isArray(value)) {
      return value.map(walk).filter((v): v is Json => v !== NO_VALUE);
    }
    if (!isObj(value)) return value;
    if (value['Ref'] === 'AWS::NoValue') return NO_VALUE;
    if ('Fn::If' in value) {
      const [name, whenTrue, whenFalse] = value['Fn::If'] as [string, Json, Json];
      return walk(holds(name) ? whenTrue : whenFalse);
    }
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      const w = walk(v);
      if (w !== NO_VALUE) out[k] = w;
    }
    return out;
  };
  const keep = (entries: Record<string, Obj>) =>
    Object.fromEntries(
      Object.entries(entries)
        .filter(([, r]) => typeof r['Condition'] !== 'string' || holds(r['Condition']))
        .map(([name, r]) => {
          const { Condition: _condition, ...rest } = r;
          return [name, scalarsAsText(walk(withoutForm(rest)) as Json) as Obj];
        }),
    );
  return {
    Resources: keep(template.Resources as unknown as Record<string, Obj>),
    Outputs: keep(template.Outputs ?? {}),
  };
}

/** The logical id of every element under `scope` → its construct id (the template's name for it). */
export function templateNames(stack: Stack, scope: IConstruct): Map<string, string> {
  const names = new Map<string, string>();
  for (const c of scope.node.findAll()) {
    if (c instanceof CfnElement) names.set(stack.resolve(c.logicalId) as string, c.node.id);
  }
  return names;
}

/** A synthesised template in the template's form: its names, Fn::Sub variables written into the text. */
export function inTemplateForm(synthesised: Json, names: Map<string, string>): Comparable {
  const name = (id: string) => names.get(id) ?? id;
  const subText = (text: string) =>
    text.replace(/\$\{([^}!.]+)(\.[^}]+)?\}/g, (_m, id: string, attr = '') => `\${${name(id)}${attr}}`);
  const inText = (v: Json): string => {
    if (typeof v === 'string') return v.split('${').join('${!');
    if (isObj(v) && typeof v['Ref'] === 'string') return `\${${name(v['Ref'])}}`;
    if (isObj(v) && Array.isArray(v['Fn::GetAtt'])) {
      const [id, attr] = v['Fn::GetAtt'] as [string, string];
      return `\${${name(id)}.${attr}}`;
    }
    throw new Error(`cannot write ${JSON.stringify(v)} into a Fn::Sub text`);
  };
  const walk = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(walk);
    if (!isObj(value)) return value;
    if (typeof value['Ref'] === 'string') return { Ref: name(value['Ref']) };
    if (Array.isArray(value['Fn::GetAtt'])) {
      const [id, attr] = value['Fn::GetAtt'] as [string, string];
      return { 'Fn::GetAtt': [name(id), attr] };
    }
    if ('Fn::Sub' in value) {
      const sub = value['Fn::Sub'];
      if (typeof sub === 'string') return { 'Fn::Sub': subText(sub) };
      const [text, vars] = sub as [string, Obj];
      let out = subText(text);
      for (const [v, val] of Object.entries(vars)) out = out.split(`\${${v}}`).join(inText(walk(val)));
      return { 'Fn::Sub': out };
    }
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === 'DependsOn' ? ([] as Json[]).concat(v as Json).map((d) => name(String(d))) : walk(v);
    }
    return out;
  };
  const template = synthesised as Obj;
  const rename = (entries: Json | undefined) =>
    Object.fromEntries(
      Object.entries((entries ?? {}) as Record<string, Obj>)
        .filter(([, r]) => r['Type'] !== 'AWS::CDK::Metadata')
        .map(([id, r]) => [name(id), scalarsAsText(walk(withoutForm(r))) as Obj]),
    );
  return { Resources: rename(template['Resources']), Outputs: rename(template['Outputs']) };
}
