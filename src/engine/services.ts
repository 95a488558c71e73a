// The Lambda's other needs, through the engine's adapters: its maintenance config in SSM, events
// on the bus, and handing a request on to a fresh invocation of itself.
import type { EventEntry, PutEventsResult } from '../aws/events.ts';
import { ensureLeaseTable as makeLeaseTable } from '../lease/dynamodb-lease.ts';
import type { MaintenanceSource, ManagerOptions } from '../model/api.ts';
import { errorMessage, ValidationError } from '../util/errors.ts';
import { parseMaintenanceConfig } from '../validation/index.ts';
import { engineContext } from './context.ts';

export type { EventEntry, PutEventsResult };

/** The maintenance config kept as JSON in an SSM parameter, validated (every problem with its path). */
export async function loadMaintenanceConfig(
  parameter: string,
  options: ManagerOptions = {},
): Promise<MaintenanceSource[]> {
  const ctx = await engineContext({ ...options, leaseTable: false });
  const text = await ctx.adapters.ssm.getParameter(parameter);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(parameter, `is not JSON: ${errorMessage(err)}`);
  }
  // A stack starts with `[]`: its scheduled run has nothing to do, which is not a failure.
  return parseMaintenanceConfig(data, parameter, { allowEmpty: true });
}

export async function publishEvents(
  entries: EventEntry[],
  options: ManagerOptions = {},
): Promise<PutEventsResult> {
  const ctx = await engineContext({ ...options, leaseTable: false });
  return ctx.adapters.events.putEvents(entries);
}

/**
 * Makes sure the lease table exists (created when missing), for the stack's lease-table resource and
 * a one-time setup: the one table every deployment and CLI user of the account and Region shares.
 */
export async function ensureLeaseTable(
  table: string,
  options: ManagerOptions = {},
): Promise<{ tableName: string }> {
  const ctx = await engineContext({ ...options, leaseTable: false });
  await makeLeaseTable(ctx.adapters.dynamodb, table, { create: true, clock: ctx.clock, logger: ctx.logger });
  return { tableName: table };
}

/** Invokes `functionName` asynchronously with `payload` (Lambda retries it if it crashes). */
export async function invokeAsync(
  functionName: string,
  payload: unknown,
  options: ManagerOptions = {},
): Promise<{ statusCode: number }> {
  const ctx = await engineContext({ ...options, leaseTable: false });
  return ctx.adapters.lambda.invokeAsync(functionName, payload);
}
