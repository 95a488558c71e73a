// Amazon RDS (Query protocol, API version 2014-10-31) as an emulator plug-in.

import { QueryInputError, QueryParams, queryError, queryResponse } from '../../protocol/query.ts';
import type { EmulatedService, EmulatorContext, EmulatorRequest, EmulatorResponse } from '../../service.ts';
import { RdsFault } from './errors.ts';
import { RDS_HANDLERS } from './handlers.ts';
import { RdsModel } from './model.ts';
import { type RdsOptionsInput, resolveRdsOptions } from './options.ts';
import { createSourceCluster, type SourceClusterInput } from './source.ts';

export const RDS_NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';
export const RDS_API_VERSION = '2014-10-31';

export class RdsService implements EmulatedService {
  readonly name = 'rds';
  readonly model: RdsModel;
  private readonly ctx: EmulatorContext;
  /** Parameters decoded once per request, shared by matches(), actionOf() and handle(). */
  private readonly parsed = new WeakMap<EmulatorRequest, QueryParams>();

  constructor(ctx: EmulatorContext, options?: RdsOptionsInput) {
    this.ctx = ctx;
    this.model = new RdsModel(ctx.clock, ctx.accountId, ctx.defaultRegion, resolveRdsOptions(options));
  }

  private params(req: EmulatorRequest): QueryParams {
    let p = this.parsed.get(req);
    if (!p) {
      p = QueryParams.fromRequest(req);
      this.parsed.set(req, p);
    }
    return p;
  }

  matches(req: EmulatorRequest): boolean {
    if (req.signingService !== undefined) return req.signingService === 'rds';
    // Unsigned requests: claim Query calls that name RDS's API version.
    if (req.headers['x-amz-target'] !== undefined) return false;
    return this.params(req).version === RDS_API_VERSION;
  }

  actionOf(req: EmulatorRequest): string {
    return this.params(req).action ?? 'Unknown';
  }

  async handle(req: EmulatorRequest): Promise<EmulatorResponse> {
    const requestId = this.ctx.requestId();
    const p = this.params(req);
    const action = p.action;
    const handler = action ? RDS_HANDLERS[action] : undefined;
    if (!action || !handler) {
      return queryError(
        RDS_NAMESPACE,
        requestId,
        'InvalidAction',
        `Could not find operation ${action ?? '(no Action parameter)'} for version ${p.version ?? RDS_API_VERSION}`,
        400,
      );
    }
    try {
      this.model.settle();
      return queryResponse(action, RDS_NAMESPACE, requestId, handler(this.model, req.region, p));
    } catch (err) {
      if (err instanceof RdsFault)
        return queryError(RDS_NAMESPACE, requestId, err.code, err.message, err.status);
      if (err instanceof QueryInputError) {
        return queryError(RDS_NAMESPACE, requestId, 'InvalidParameterValue', err.message, 400);
      }
      throw err;
    }
  }

  errorResponse(code: string, message: string, status: number): EmulatorResponse {
    return queryError(RDS_NAMESPACE, this.ctx.requestId(), code, message, status);
  }

  reset(): void {
    this.model.reset();
  }

  snapshot(): unknown {
    this.model.settle();
    return this.model.snapshot();
  }

  restore(state: unknown): void {
    this.model.restore(state);
  }

  /** For tests, demos and benchmarks: an available cluster with an available writer. */
  createSourceCluster(input: SourceClusterInput) {
    return createSourceCluster(this.model, input);
  }
}
