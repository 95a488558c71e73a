// The Lambda bundle registers only the SDK errors src/aws/sdk/ names (scripts/lambda-bundle.mjs):
// every other AWS fault reaches its adapters unmodeled. They must name it as the library does.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { bundleAsTheFunction } from '../../scripts/lambda-bundle.mjs';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { ROOT } from '../helpers/built.ts';

// What the adapters make of faults the emulator answers as AWS does (some modeled with a wire code
// other than their SDK name, like DBInstanceAlreadyExists), and of the absences they hide.
const SCENARIOS = `
import { DynamoDbAdapter } from './src/aws/dynamodb.ts';
import { RdsAdapter } from './src/aws/rds.ts';

export async function outcomes(endpoint) {
  const aws = { endpoint, region: 'us-east-1', maxAttempts: 1 };
  const rds = new RdsAdapter(aws);
  const db = new DynamoDbAdapter(aws);
  const writer = (id, cluster) => ({ DBInstanceIdentifier: id, DBClusterIdentifier: cluster, DBInstanceClass: 'db.r6g.large', Engine: 'aurora-postgresql' });
  const restore = (id, source) => ({ DBClusterIdentifier: id, SourceDBClusterIdentifier: source, RestoreType: 'copy-on-write', UseLatestRestorableTime: true });
  const lease = { table: 'leases', key: { pk: { S: 'k' } }, update: 'SET #o = :o', names: { '#o': 'o' } };
  const cases = {
    'writer of a missing cluster': () => rds.createInstance(writer('w1', 'missing')),
    'instance that exists': async () => { await rds.createInstance(writer('w2', 'source')); return rds.createInstance(writer('w2', 'source')); },
    'restore from a missing source': () => rds.restoreCluster(restore('c1', 'missing')),
    'restore onto a cluster that exists': () => rds.restoreCluster(restore('source', 'source')),
    'delete of a missing instance': () => rds.deleteInstance('missing'),
    'delete of a missing cluster': () => rds.deleteCluster('missing'),
    'a missing cluster': () => rds.describeCluster('missing'),
    'a missing instance': () => rds.describeInstance('missing'),
    'a missing table': () => db.tableStatus('missing'),
    'an item of a missing table': () => db.getItem('missing', { pk: { S: 'k' } }),
    'the lease table': () => db.createTable('leases'),
    'the lease table again': () => db.createTable('leases'),
    'an update whose condition fails': async () => {
      await db.tryUpdate({ ...lease, values: { ':o': { S: 'a' } } });
      return db.tryUpdate({ ...lease, condition: '#o = :x', values: { ':o': { S: 'b' }, ':x': { S: 'z' } }, seeOnFailure: true });
    },
    'an update of a missing table': () => db.tryUpdate({ ...lease, table: 'missing', values: { ':o': { S: 'a' } } }),
  };
  const out = {};
  for (const [name, run] of Object.entries(cases)) {
    try {
      out[name] = { value: await run() ?? null };
    } catch (err) {
      // The product's error class follows from awsCode (src/aws/call.ts); class names are minified.
      out[name] = { message: err.message, awsCode: err.awsCode, action: err.action, retryable: err.retryable };
    }
  }
  return out;
}
`;

type Outcomes = (endpoint: string) => Promise<Record<string, unknown>>;

describe('the Lambda bundle’s SDK errors', () => {
  let emulator: RunningEmulator;
  let dir: string;
  before(async () => {
    emulator = await startEmulator({ region: 'us-east-1' });
    dir = mkdtempSync(join(tmpdir(), 'acm-bundle-errors-'));
  });
  after(async () => {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The scenarios' outcomes on a fresh account with one source cluster (they make the table). */
  async function run(outcomes: Outcomes) {
    emulator.reset();
    emulator.createSourceCluster({ id: 'source' });
    return outcomes(emulator.url);
  }

  it('name every fault and absence as the library’s adapters do', async () => {
    // Prepare: the scenarios bundled as the Lambda is, and as the library runs them.
    const entry = await bundleAsTheFunction({
      contents: SCENARIOS,
      sourcefile: 'scenarios.ts',
      outdir: dir,
      root: ROOT,
    });
    writeFileSync(join(dir, 'library.ts'), SCENARIOS.replaceAll("'./src/", `'${ROOT}/src/`));
    const bundled = (await import(pathToFileURL(entry).href)) as { outcomes: Outcomes };
    const library = (await import(pathToFileURL(join(dir, 'library.ts')).href)) as { outcomes: Outcomes };
    // Act
    const fromBundle = await run(bundled.outcomes);
    const fromLibrary = await run(library.outcomes);
    // Assess
    assert.deepEqual(fromBundle, fromLibrary);
    // Among them a fault the bundle leaves unregistered whose wire code is not its SDK name.
    assert.ok(
      Object.values(fromLibrary).some(
        (o) => (o as { awsCode?: string }).awsCode === 'DBInstanceAlreadyExists',
      ),
    );
  });
});
