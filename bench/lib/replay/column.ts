// One column of the time-to-clone table as data, so it can be replayed in a process of its own:
// who serves the requests (the product with a setup, or the no-pool baseline) and with what.
import type { Demand } from '../trace.ts';
import type { Account } from './account.ts';
import { noPool } from './no-pool.ts';
import { type ProductSetup, product } from './product.ts';
import { type ReplayFigures, replay } from './replay.ts';
import type { Requester } from './requester.ts';

export type ColumnSpec = {
  name: string;
  /** What the column is, for the notes under the table. */
  explain: string;
} & (
  | { kind: 'no-pool' }
  | {
      kind: 'product';
      setup: ProductSetup;
      /** The stack's MaxCopyAge and MaxClonesPerSource, as the Lambda hands them to the engine. */
      maxCopyAge: string;
      maxClonesPerSource: number;
    }
);

export interface ReplayJob {
  column: ColumnSpec;
  demand: Demand[];
  window: { start: number; end: number };
  sourceSizeGiB: number;
}

function requesterFor(column: ColumnSpec, account: Account): Requester {
  if (column.kind === 'no-pool') return noPool(account);
  const options = {
    ...account.options,
    maxCopyAge: column.maxCopyAge,
    maxClonesPerSource: column.maxClonesPerSource,
  };
  return product({ ...account, options }, column.setup);
}

export function runJob(job: ReplayJob): Promise<ReplayFigures> {
  return replay(job.demand, job.window, job.sourceSizeGiB, (account) => requesterFor(job.column, account));
}
