// Emulated SSM Parameter Store (awsJson1.1, target prefix `AmazonSSM`): the manager reads its
// maintenance configuration from a parameter. Parameters are versioned; names are hierarchical
// (`/a/b/c`) and may also be given as ARNs. SecureString values are kept in plain text (test double);
// without WithDecryption they are returned base64-wrapped so a caller that forgets decryption notices.

import {
  AwsServiceError,
  decodePageToken,
  encodePageToken,
  epochSeconds,
  invalidMember,
  type JsonAction,
  type JsonObject,
  optBoolean,
  optNumber,
  optString,
  optStringList,
  RegionalJsonService,
  readTags,
  reqString,
} from '../protocol/json.ts';
import type { EmulatorContext, EmulatorRequest } from '../service.ts';

type ParameterType = 'String' | 'StringList' | 'SecureString';
const TYPES: readonly string[] = ['String', 'StringList', 'SecureString'];

interface Parameter {
  name: string;
  type: ParameterType;
  value: string;
  version: number;
  description?: string;
  keyId?: string;
  tags: [string, string][];
  lastModified: string;
  /** Earlier versions, oldest first, so `name:version` selectors keep working after an overwrite. */
  history?: { version: number; type: ParameterType; value: string; lastModified: string }[];
}

const NAME_PATTERN = /^[A-Za-z0-9_.\-/]{1,2048}$/;
const STANDARD_MAX_BYTES = 4096;
const ADVANCED_MAX_BYTES = 8192;

export class SsmService extends RegionalJsonService<Record<string, Parameter>> {
  constructor(ctx: EmulatorContext) {
    super({ name: 'ssm', targetPrefix: 'AmazonSSM', version: '1.1', ctx });
  }

  protected actions(): Record<string, JsonAction> {
    return {
      PutParameter: (i, r) => this.putParameter(i, r),
      GetParameter: (i, r) => this.getParameter(i, r),
      GetParameters: (i, r) => this.getParameters(i, r),
      DeleteParameter: (i, r) => this.deleteParameter(i, r),
      GetParametersByPath: (i, r) => this.getParametersByPath(i, r),
    };
  }

  protected emptyRegion(): Record<string, Parameter> {
    return {};
  }

  private region(req: EmulatorRequest): Record<string, Parameter> {
    return this.regionState(req.region);
  }

  /** A name as stored: ARNs (`arn:aws:ssm:r:a:parameter/x/y`) are reduced to `/x/y`. */
  private nameOf(raw: string): string {
    const m = /^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(raw);
    if (!m) return raw;
    const rest = m[1]!;
    // `parameter/name` is the ARN of the top-level `name`; `parameter//a/b` is never produced by AWS.
    return rest.split('/').length > 2 ? rest : rest.slice(1);
  }

  private arnOf(req: EmulatorRequest, name: string): string {
    return `arn:aws:ssm:${req.region}:${this.ctx.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
  }

  private validateName(name: string): void {
    const problem = !NAME_PATTERN.test(name)
      ? 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore).'
      : /^\/?(aws|ssm)/i.test(name)
        ? 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).'
        : name.includes('/') && !name.startsWith('/')
          ? 'Parameter name must be a fully qualified name.'
          : undefined;
    if (problem) throw new AwsServiceError('ValidationException', problem);
  }

  /** The tier a value lands in: Intelligent-Tiering picks Advanced only when the value needs it. */
  private tierFor(requested: string | undefined, bytes: number): 'Standard' | 'Advanced' {
    const tier =
      requested === 'Advanced' || (requested === 'Intelligent-Tiering' && bytes > STANDARD_MAX_BYTES)
        ? 'Advanced'
        : 'Standard';
    if (requested !== undefined && !['Standard', 'Advanced', 'Intelligent-Tiering'].includes(requested)) {
      throw invalidMember(
        'Tier',
        requested,
        'Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]',
      );
    }
    if (tier === 'Standard' && bytes > STANDARD_MAX_BYTES) {
      throw new AwsServiceError(
        'ValidationException',
        `Standard tier parameters support a maximum parameter value of ${STANDARD_MAX_BYTES} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.`,
      );
    }
    if (bytes > ADVANCED_MAX_BYTES) {
      throw new AwsServiceError(
        'ValidationException',
        `Advanced tier parameters support a maximum parameter value of ${ADVANCED_MAX_BYTES} characters.`,
      );
    }
    return tier;
  }

  private putParameter(input: JsonObject, req: EmulatorRequest): JsonObject {
    const name = this.nameOf(reqString(input, 'Name'));
    const value = reqString(input, 'Value');
    this.validateName(name);
    if (value.length === 0)
      throw invalidMember('Value', value, 'Member must have length greater than or equal to 1');
    const tier = this.tierFor(optString(input, 'Tier'), Buffer.byteLength(value));
    const type = optString(input, 'Type');
    if (type !== undefined && !TYPES.includes(type)) {
      throw invalidMember(
        'Type',
        type,
        'Member must satisfy enum value set: [SecureString, StringList, String]',
      );
    }
    const overwrite = optBoolean(input, 'Overwrite') ?? false;
    const tags = readTags(input, 'Tags');
    if (overwrite && tags.length > 0) {
      throw new AwsServiceError(
        'ValidationException',
        "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
      );
    }
    const params = this.region(req);
    const existing = params[name];
    if (existing && !overwrite) {
      throw new AwsServiceError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    }
    if (!existing && type === undefined) {
      throw new AwsServiceError(
        'ValidationException',
        'A parameter type is required when you create a parameter.',
      );
    }
    const description = optString(input, 'Description') ?? existing?.description;
    const keyId = optString(input, 'KeyId') ?? existing?.keyId;
    const param: Parameter = {
      name,
      type: (type ?? existing!.type) as ParameterType,
      value,
      version: (existing?.version ?? 0) + 1,
      tags: existing?.tags ?? tags,
      history: existing
        ? [
            ...(existing.history ?? []),
            {
              version: existing.version,
              type: existing.type,
              value: existing.value,
              lastModified: existing.lastModified,
            },
          ]
        : [],
      lastModified: this.ctx.clock.now().toISOString(),
      ...(description !== undefined ? { description } : {}),
      ...(keyId !== undefined ? { keyId } : {}),
    };
    params[name] = param;
    return { Version: param.version, Tier: tier };
  }

  private render(req: EmulatorRequest, p: Parameter, withDecryption: boolean): JsonObject {
    const value =
      p.type === 'SecureString' && !withDecryption
        ? Buffer.from(`encrypted:${p.value}`).toString('base64')
        : p.value;
    return {
      Name: p.name,
      Type: p.type,
      Value: value,
      Version: p.version,
      LastModifiedDate: epochSeconds(new Date(p.lastModified)),
      ARN: this.arnOf(req, p.name),
      DataType: 'text',
    };
  }

  /** `name`, `name:version` or an ARN of either; undefined when the parameter does not exist. */
  private lookup(req: EmulatorRequest, raw: string): Parameter | undefined {
    const name = this.nameOf(raw);
    const m = /^(.*):(\d+)$/.exec(name);
    const p = this.region(req)[m ? m[1]! : name];
    if (!m || !p || p.version === Number(m[2])) return p;
    const old = p.history?.find((h) => h.version === Number(m[2]));
    if (!old) {
      throw new AwsServiceError(
        'ParameterVersionNotFound',
        `Systems Manager could not find version ${m[2]} of ${m[1]}.`,
      );
    }
    return { ...p, ...old };
  }

  private getParameter(input: JsonObject, req: EmulatorRequest): JsonObject {
    const name = reqString(input, 'Name');
    const p = this.lookup(req, name);
    if (!p) throw new AwsServiceError('ParameterNotFound', `Parameter ${name} not found.`);
    return { Parameter: this.render(req, p, optBoolean(input, 'WithDecryption') ?? false) };
  }

  private getParameters(input: JsonObject, req: EmulatorRequest): JsonObject {
    const names = optStringList(input, 'Names');
    if (!names) throw invalidMember('Names', null, 'Member must not be null');
    if (names.length < 1 || names.length > 10) {
      throw invalidMember('Names', names, 'Member must have length less than or equal to 10');
    }
    const withDecryption = optBoolean(input, 'WithDecryption') ?? false;
    const found: JsonObject[] = [];
    const invalid: string[] = [];
    for (const n of names) {
      const p = this.lookup(req, n);
      if (p) found.push(this.render(req, p, withDecryption));
      else invalid.push(n);
    }
    return { Parameters: found, InvalidParameters: invalid };
  }

  private deleteParameter(input: JsonObject, req: EmulatorRequest): JsonObject {
    const raw = reqString(input, 'Name');
    const name = this.nameOf(raw);
    const params = this.region(req);
    if (!params[name]) throw new AwsServiceError('ParameterNotFound', `Parameter ${raw} not found.`);
    delete params[name];
    return {};
  }

  private getParametersByPath(input: JsonObject, req: EmulatorRequest): JsonObject {
    const path = reqString(input, 'Path');
    if (!path.startsWith('/')) {
      throw new AwsServiceError(
        'ValidationException',
        'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".',
      );
    }
    const recursive = optBoolean(input, 'Recursive') ?? false;
    const withDecryption = optBoolean(input, 'WithDecryption') ?? false;
    const maxResults = optNumber(input, 'MaxResults') ?? 10;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 10) {
      throw invalidMember('MaxResults', maxResults, 'Member must have value less than or equal to 10');
    }
    const prefix = path.endsWith('/') ? path : `${path}/`;
    const matching = Object.values(this.region(req))
      .filter((p) => p.name.startsWith(prefix) && (recursive || !p.name.slice(prefix.length).includes('/')))
      .sort((a, b) => a.name.localeCompare(b.name));
    const nextToken = optString(input, 'NextToken');
    const start = nextToken === undefined ? 0 : decodePageToken(nextToken, 'InvalidNextToken');
    const page = matching.slice(start, start + maxResults);
    return {
      Parameters: page.map((p) => this.render(req, p, withDecryption)),
      ...(start + maxResults < matching.length ? { NextToken: encodePageToken(start + maxResults) } : {}),
    };
  }
}
