// lambda-cold: what a cold Lambda pays to answer its first request, and what `--help` costs the CLI.
// Every row is a fresh Node process; its cost is its CPU time (user + system, every thread, read by
// process.cpuUsage() as it exits), against a bare `node -e ''` measured in the same run. Runs
// alternate, so drift on a noisy machine hits every row alike. The Lambda rows import the bundle
// and hand its handler one CloudFormation request: an invalid Create (answered FAILED before any
// AWS call) and a real Create that provisions a clone through the SDK against the emulator (the
// DynamoDB lease, the RDS inventory read, restore and instance), answered SUCCESS. Both answers
// go to a local ResponseURL. The emulator runs in this process, so its work is not counted. The
// same Create runs again with the settings infra/template.yaml gives the deployed function (info
// logs, and the maintenance config its top-up check reads from SSM): what the deployed function pays.
// Reference rows make the AWS calls that Create made (counted by the emulator) through the adapters
// of src/aws alone — the SDK as the product builds it, without the handler, the engine, the planner
// or the lease — from a bundle built with the Lambda's own esbuild options: none, the first, the
// first to each service, all. They say how much of a cold Create is the SDK's and where its part
// goes, and how much is the product's own code.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { state as sdkState } from '@aws-sdk/core/client';
import { bundleAsTheFunction } from '../scripts/lambda-bundle.mjs';
import { DynamoDbAdapter } from '../src/aws/dynamodb.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { newestSource } from '../test/helpers/built.ts';
import { type Benchmark, median, ms, ratio } from './lib/report.ts';

const BUNDLE_DIR = 'dist/lambda';
const BUNDLE = `${BUNDLE_DIR}/index.js`;
const CLI = 'bin/aurora-clone-manager.js';
const SOURCE = 'bench-source';
const LEASE_TABLE = 'bench-leases';
/** The maintenance config parameter of the stack the `stack` row imitates, holding a new stack's `[]`. */
const MAINTENANCE_CONFIG = '/bench/maintenance-config';
const REGION = 'us-east-1';
/** Targets from the tracker (issue 12): CPU a cold Create may add to bare node, and `--help` vs bare node. */
const CREATE_TARGET_MS = 80;
const HELP_TARGET_RATIO = 2;

// Preloaded into every process, baseline included: the process's CPU time as it exits, on fd 3.
const CPU_AT_EXIT =
  "data:text/javascript,import{writeSync}from'node:fs';process.on('exit',()=>{const u=process.cpuUsage();writeSync(3,String((u.user+u.system)/1000))})";

// The child: import the bundle, hand it one event, exit as soon as the handler has answered.
const PROBE = `
const [bundle, responseUrl, requestId, properties] = process.argv.slice(1);
const m = await import(bundle);
const event = {
  RequestType: 'Create',
  ServiceToken: 'arn:aws:lambda:${REGION}:000000000000:function:bench',
  ResponseURL: responseUrl,
  StackId: 'arn:aws:cloudformation:${REGION}:000000000000:stack/bench/1',
  RequestId: requestId,
  LogicalResourceId: 'Clone',
  ResourceType: 'Custom::AuroraClone',
  ResourceProperties: JSON.parse(properties),
};
const context = { functionName: 'bench', awsRequestId: requestId, getRemainingTimeInMillis: () => 600000 };
await m.handler(event, context);
process.exit(0);
`;

// The reference handler: the AWS calls a Create made (ResourceProperties.Calls, in this order), each
// through the adapter the product uses for it, then the same answer. Anything else it is asked is an error.
const AWS_CALLS_ALONE = `
import { request } from 'node:http';
import { resolveAwsConfig } from './src/aws/config.ts';
import { DynamoDbAdapter } from './src/aws/dynamodb.ts';
import { RdsAdapter } from './src/aws/rds.ts';

export async function handler(event) {
  const p = event.ResourceProperties;
  const table = process.env.LEASE_TABLE;
  // Configured as the function configures its clients (src/lambda/deps.ts, through the engine).
  const aws = await resolveAwsConfig({ noSharedFiles: true });
  const db = new DynamoDbAdapter(aws);
  const rds = new RdsAdapter(aws);
  let engine;
  let updates = 0;
  const calls = {
    DescribeTable: () => db.tableStatus(table),
    GetItem: () => db.getItem(table, { pk: { S: p.ClusterId } }),
    UpdateItem: () =>
      db.tryUpdate({
        table,
        key: { pk: { S: p.ClusterId } },
        update: 'SET #n = :n',
        names: { '#n': 'n' },
        values: { ':n': { N: String(++updates) } },
      }),
    DescribeDBClusters: () => rds.describeAllClusters(),
    DescribeDBInstances: () => rds.describeInstances([{ Name: 'db-cluster-id', Values: [p.SourceClusterId] }]),
    RestoreDBClusterToPointInTime: async () => {
      engine = (await rds.restoreCluster({
        DBClusterIdentifier: p.ClusterId,
        SourceDBClusterIdentifier: p.SourceClusterId,
        RestoreType: 'copy-on-write',
        UseLatestRestorableTime: true,
      })).Engine;
    },
    CreateDBInstance: () =>
      rds.createInstance({
        DBInstanceIdentifier: p.ClusterId + '-writer',
        DBClusterIdentifier: p.ClusterId,
        DBInstanceClass: 'db.r6g.large',
        Engine: engine,
      }),
  };
  for (const name of p.Calls) {
    if (!calls[name]) throw new Error('the reference does not make ' + name);
    await calls[name]();
  }
  const body = JSON.stringify({ Status: 'SUCCESS', RequestId: event.RequestId, PhysicalResourceId: p.ClusterId });
  await new Promise((resolve, reject) => {
    const req = request(event.ResponseURL, { method: 'PUT', headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}
`;

/** The calls the reference can make, in the order it makes them (a Create's order: lease table, reads, lease, restore, writer). */
const REPLAYED = [
  'DescribeTable',
  'GetItem',
  'DescribeDBClusters',
  'DescribeDBInstances',
  'UpdateItem',
  'RestoreDBClusterToPointInTime',
  'CreateDBInstance',
];
const DYNAMODB_CALLS = new Set(['DescribeTable', 'GetItem', 'UpdateItem']);

/** The reference rows: which of the Create's calls (in REPLAYED order) each makes. */
const REFERENCE = {
  none: { what: 'no AWS call (import, answer)', calls: (_all: string[]) => [] },
  first: { what: 'the first call only', calls: (all: string[]) => all.slice(0, 1) },
  firstEach: {
    what: 'the first call to each service',
    calls: (all: string[]) =>
      all.filter((c, i) => all.findIndex((d) => DYNAMODB_CALLS.has(d) === DYNAMODB_CALLS.has(c)) === i),
  },
  all: { what: 'all of them', calls: (all: string[]) => all },
} as const;
type Reference = keyof typeof REFERENCE;

/** The reference bundle, in a folder of its own: built from AWS_CALLS_ALONE with the Lambda's esbuild options. */
async function buildReference(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'acm-aws-calls-alone-'));
  return bundleAsTheFunction({
    contents: AWS_CALLS_ALONE,
    sourcefile: 'aws-calls-alone.ts',
    outdir: dir,
  }).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
}

/** What the emulator counted per action between two snapshots, as one list of names (repeats kept). */
function callsBetween(before: Record<string, { count: number }>, after: Record<string, { count: number }>) {
  return Object.entries(after).flatMap(([action, s]) =>
    Array<string>(s.count - (before[action]?.count ?? 0)).fill(action),
  );
}

function bundleMtime(): number | undefined {
  try {
    return statSync(BUNDLE).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Builds when the bundle is missing, or (full size) older than a source file. */
function ensureBundle(rebuildStale: boolean, log: (l: string) => void): string[] {
  const notes: string[] = [];
  const mtime = bundleMtime();
  const stale = mtime !== undefined && newestSource('src') > mtime;
  if (mtime !== undefined && !(stale && rebuildStale)) {
    if (stale) notes.push(`${BUNDLE} is older than src/ (not rebuilt on a tiny run)`);
    return notes;
  }
  log(`lambda-cold: ${mtime === undefined ? 'no bundle' : 'bundle older than src/'}: npm run build`);
  const r = spawnSync('npm', ['run', 'build'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    notes.push(
      `npm run build failed (${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}); measured the bundle that was there`,
    );
  } else notes.push('bundle rebuilt with npm run build before measuring');
  return notes;
}

/**
 * The bundle's files (the entry and the chunks it imports, statically or on demand, however deep):
 * count, bytes, gzipped bytes. Files an earlier build left beside them are not counted.
 */
function bundleSize(): { files: number; bytes: number; gzipped: number } {
  const js = new Set(['index.js']);
  for (const f of js) {
    const text = readFileSync(join(BUNDLE_DIR, f), 'utf8');
    for (const m of text.matchAll(/\b(?:from|import)\s*\(?\s*["']\.\/([\w.-]+\.js)["']/g))
      if (m[1]) js.add(m[1]);
  }
  const contents = [...js].map((f) => readFileSync(join(BUNDLE_DIR, f)));
  return {
    files: js.size,
    bytes: contents.reduce((n, c) => n + c.length, 0),
    gzipped: contents.reduce((n, c) => n + gzipSync(c).length, 0),
  };
}

/** The CloudFormation answers, by RequestId. */
function responseServer(answers: Map<string, { status: string; reason: string }>): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      try {
        const r = JSON.parse(body) as { RequestId?: string; Status?: string; Reason?: string };
        answers.set(r.RequestId ?? '', { status: r.Status ?? '', reason: r.Reason ?? '' });
      } catch {
        answers.set(`unparsable-${answers.size}`, { status: 'unparsable', reason: body });
      }
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface Measured {
  cpuMs: number;
  wallMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function measure(args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', CPU_AT_EXIT, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const out = ['', '', ''];
    child.stdio.forEach((stream, fd) => {
      stream?.on('data', (d: Buffer) => {
        out[fd - 1] += d.toString('utf8');
      });
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const [stdout = '', stderr = '', cpu = ''] = out;
      resolve({ cpuMs: Number(cpu), wallMs: performance.now() - t0, code, stdout, stderr });
    });
  });
}

/** The emulated account each Create starts from: the source, the lease table and the stack's maintenance config. */
async function freshAccount(emulator: RunningEmulator, ssm: SSMClient): Promise<void> {
  emulator.reset();
  emulator.createSourceCluster({ id: SOURCE });
  await new DynamoDbAdapter({ endpoint: emulator.url, region: REGION }).createTable(LEASE_TABLE);
  await ssm.send(new PutParameterCommand({ Name: MAINTENANCE_CONFIG, Value: '[]', Type: 'String' }));
}

type Row = 'baseline' | 'invalid' | 'create' | 'stack' | Reference | 'help';
const isReference = (row: Row): row is Reference => row in REFERENCE;
/** The rows that make a clone, each on a fresh account. */
const makesAClone = (row: Row) => row === 'create' || row === 'stack' || isReference(row);

/** A row's process: its arguments for run i, the answer it must give, its environment when not the Lambda rows'. */
interface Expected {
  args: (i: number) => string[];
  answer?: string;
  env?: NodeJS.ProcessEnv;
}

export const lambdaCold: Benchmark = {
  name: 'lambda-cold',
  title:
    "Lambda cold start (fresh process: import + one request through the SDK) and CLI --help, CPU vs node -e ''",
  async run({ size, log }) {
    // A tiny run is a smoke run of every row (the test suite runs it): one process each is enough.
    const runs = size === 'tiny' ? 1 : 20;
    const notes = ensureBundle(size === 'full', log);
    const problems: string[] = [];
    const bundle = bundleSize();
    // Built before anything is started, so a failed build leaves nothing running.
    const reference = await buildReference();
    const answers = new Map<string, { status: string; reason: string }>();
    const server = await responseServer(answers);
    const responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cfn-response?X-Amz-Signature=bench`;
    const emulator = await startEmulator({ region: REGION });
    // Its Node.js version notice has nothing to do with the figures (the adapters keep it quiet too).
    sdkState.warningEmitted = true;
    const ssm = new SSMClient({
      endpoint: emulator.url,
      region: REGION,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL: emulator.url,
      LEASE_TABLE,
      MANAGER_ID: 'bench',
      LOG_LEVEL: 'error',
    };
    // What infra/template.yaml gives the function with its defaults: a Create also logs at info and
    // reads the maintenance config (the top-up check), a third SDK client.
    const stackEnv: NodeJS.ProcessEnv = {
      ...env,
      LOG_LEVEL: 'info',
      STACK_NAME: 'bench',
      MAINTENANCE_CONFIG_SSM: MAINTENANCE_CONFIG,
      MAX_COPY_AGE: 'P3D',
      MAX_CLONES_PER_SOURCE: '15',
      DEFAULT_SECRET_PREFIX: '/aurora-clone-manager/',
      EVENT_BUS_NAME: 'default',
    };
    const probe = (id: string, properties: object, bundle = BUNDLE) => [
      '--input-type=module',
      '-e',
      PROBE,
      pathToFileURL(bundle).href,
      responseUrl,
      id,
      JSON.stringify({ ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:bench', ...properties }),
    ];
    // The AWS calls of the latest Create (every Create is alike), which the reference row makes again.
    let createCalls: string[] = [];
    let stackCalls: string[] = [];
    let replayed: string[] = [];
    const callLists = new Set<string>();
    // The Create both Lambda rows send: a clone of the source, answered without waiting for it.
    const create = (row: Row) => (i: number) =>
      probe(`${row}-${i}`, {
        SourceClusterId: SOURCE,
        ClusterId: `bench-clone-${i}`,
        WaitForAvailable: 'false',
      });
    const expected: Record<Row, Expected> = {
      baseline: { args: () => ['-e', ''] },
      invalid: { args: (i) => probe(`invalid-${i}`, {}), answer: 'FAILED' },
      create: { args: create('create'), answer: 'SUCCESS' },
      stack: { args: create('stack'), answer: 'SUCCESS', env: stackEnv },
      ...(Object.fromEntries(
        (Object.keys(REFERENCE) as Reference[]).map((row) => [
          row,
          {
            args: (i: number) =>
              probe(
                `${row}-${i}`,
                {
                  SourceClusterId: SOURCE,
                  ClusterId: `bench-${row}-${i}`,
                  Calls: REFERENCE[row].calls(replayed),
                },
                reference,
              ),
            answer: 'SUCCESS',
          },
        ]),
      ) as Record<Reference, Expected>),
      help: { args: () => [CLI, '--help'] },
    };
    const rows = Object.keys(expected) as Row[];
    const cpu = Object.fromEntries(rows.map((row) => [row, [] as number[]])) as Record<Row, number[]>;
    const wall = Object.fromEntries(rows.map((row) => [row, [] as number[]])) as Record<Row, number[]>;
    try {
      for (let i = 0; i < runs; i++) {
        for (const row of rows) {
          if (makesAClone(row)) await freshAccount(emulator, ssm);
          const before = emulator.stats().actions;
          const r = await measure(expected[row].args(i), expected[row].env ?? env);
          const calls = callsBetween(before, emulator.stats().actions);
          if (row === 'create') {
            createCalls = calls;
            callLists.add(calls.join(' '));
            replayed = REPLAYED.flatMap((name) => calls.filter((c) => c === name));
          }
          const asked = isReference(row) ? REFERENCE[row].calls(replayed) : [];
          if (isReference(row) && calls.sort().join(' ') !== [...asked].sort().join(' '))
            problems.push(`${row} run ${i}: made ${calls.join(', ') || 'no call'}, not ${asked.join(', ')}`);
          cpu[row].push(r.cpuMs);
          wall[row].push(r.wallMs);
          const want = expected[row].answer;
          const got = answers.get(`${row}-${i}`);
          if (r.code !== 0) problems.push(`${row} run ${i}: exit ${r.code}: ${r.stderr.slice(0, 300)}`);
          else if (want && got?.status !== want)
            problems.push(
              `${row} run ${i}: answered ${got?.status ?? 'nothing'} (${got?.reason ?? ''}), not ${want}`,
            );
          // A library prints nothing of its own: no SDK notice, no warning.
          else if (row !== 'help' && r.stderr.trim() !== '')
            problems.push(`${row} run ${i} wrote to stderr: ${r.stderr.slice(0, 300)}`);
          if ((row === 'create' || row === 'stack') && emulator.rds.cluster(`bench-clone-${i}`) === undefined)
            problems.push(`${row} run ${i}: answered without making bench-clone-${i}`);
          if (row === 'stack') stackCalls = calls;
        }
      }
    } finally {
      ssm.destroy();
      server.close();
      await emulator.stop();
      rmSync(join(reference, '..'), { recursive: true, force: true });
    }

    const base = median(cpu.baseline);
    const added = (row: Row) => median(cpu[row]) - base;
    const line = (row: Row, what: string, target: string) => [
      what,
      ms(median(cpu[row])),
      row === 'baseline' ? '–' : `+${ms(added(row))}`,
      ratio(median(cpu[row]), base),
      ms(median(wall[row])),
      target,
    ];
    const createMet = added('create') <= CREATE_TARGET_MS;
    const helpMet = median(cpu.help) <= HELP_TARGET_RATIO * base;
    const counted = new Map<string, number>();
    for (const c of createCalls) counted.set(c, (counted.get(c) ?? 0) + 1);
    const left = createCalls.filter((c) => !REPLAYED.includes(c));
    notes.push(
      `each Create made ${createCalls.length} AWS calls (${[...counted].map(([c, n]) => `${c} ${n}`).join(', ')})${callLists.size > 1 ? `, not the same in every run (${callLists.size} lists)` : ''}; the reference rows make ${left.length ? `them all but ${left.join(', ')}` : 'the same calls'}, in this order: ${replayed.join(', ')}`,
      `of the Create's +${ms(added('create'))}, the same calls alone take +${ms(added('all'))} (the SDK and the adapters, modules loaded on first use): +${ms(added('none'))} without a call, +${ms(added('first') - added('none'))} the first call (the SDK's core and its client), +${ms(added('firstEach') - added('first'))} the first call to the other service, +${ms(added('all') - added('firstEach'))} the other ${replayed.length - REFERENCE.firstEach.calls(replayed).length}; the handler, the engine, the planner and the lease add the other ${ms(added('create') - added('all'))}`,

      `with the settings infra/template.yaml gives the function, the same Create adds +${ms(added('stack'))} (${ms(added('stack') - added('create'))} more): it logs at info and reads the maintenance config for the top-up check (${stackCalls.filter((c) => !createCalls.includes(c)).join(', ') || 'no other call'}), through a third SDK client; no row has TLS, which every call to AWS adds`,
      `${runs} runs of each process, alternating; CPU = user + system time of the whole process (process.cpuUsage() at exit, preloaded into every row alike); wall = spawn to exit`,
      `targets: a cold Create adds at most ${CREATE_TARGET_MS} ms CPU (${createMet ? 'met' : 'NOT met'}); --help costs at most ${HELP_TARGET_RATIO}× bare node (${helpMet ? 'met' : 'NOT met'})`,
      'the bundle is built for nodejs22.x; measured here with the local node (see the machine line)',
    );
    return {
      tables: [
        {
          title: `lambda-cold: ${BUNDLE} and the chunks it loads on demand`,
          columns: ['process', 'CPU', 'added CPU', 'ratio to baseline', 'wall', 'target'],
          rows: [
            line('baseline', "`node -e ''` (baseline)", ''),
            line('invalid', 'Lambda: import + invalid Create, answered FAILED (no AWS call)', ''),
            line(
              'create',
              'Lambda: import + Create through the SDK (lease, read, restore, instance)',
              `+${CREATE_TARGET_MS} ms`,
            ),
            line(
              'stack',
              "Lambda: the same Create with the stack's settings (info logs, maintenance config)",
              '',
            ),
            ...(Object.keys(REFERENCE) as Reference[]).map((row) =>
              line(row, `Reference: the Create's AWS calls alone (src/aws), ${REFERENCE[row].what}`, ''),
            ),
            line('help', 'CLI: aurora-clone-manager --help', `≤ ${HELP_TARGET_RATIO}×`),
          ],
        },
        {
          title: 'lambda-cold: bundle size',
          columns: ['measure', 'value'],
          rows: [
            ['files (entry + chunks)', bundle.files],
            ['size', `${(bundle.bytes / 1024).toFixed(0)} KiB`],
            ['size, each file gzipped', `${(bundle.gzipped / 1024).toFixed(0)} KiB`],
          ],
        },
      ],
      notes,
      problems,
      data: {
        ...bundle,
        runs,
        cpuMs: cpu,
        wallMs: wall,
        createTargetMs: CREATE_TARGET_MS,
        helpTargetRatio: HELP_TARGET_RATIO,
      },
    };
  },
};
