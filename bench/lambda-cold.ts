// lambda-cold: what a cold Lambda pays to answer its first request, and what `--help` costs the CLI.
// Every row is a fresh Node process; its cost is its CPU time (user + system, every thread, read by
// process.cpuUsage() as it exits), against a bare `node -e ''` measured in the same run. Runs
// alternate, so drift on a noisy machine hits every row alike. The Lambda rows import the bundle
// and hand its handler one CloudFormation request: an invalid Create (answered FAILED before any
// AWS call) and a real Create that provisions a clone through the SDK against the emulator (the
// DynamoDB lease, the RDS inventory read, restore and instance), answered SUCCESS. Both answers
// go to a local ResponseURL. The emulator runs in this process, so its work is not counted.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DynamoDbAdapter } from '../src/aws/dynamodb.ts';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { type Benchmark, median, ms, ratio } from './lib/report.ts';

const BUNDLE_DIR = 'dist/lambda';
const BUNDLE = `${BUNDLE_DIR}/index.js`;
const CLI = 'bin/aurora-clone-manager.js';
const SOURCE = 'bench-source';
const LEASE_TABLE = 'bench-leases';
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

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestSource(p) : s.mtimeMs);
  }
  return newest;
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

/** The bundle's files (the entry and the chunks it loads on demand): count, bytes, gzipped bytes. */
function bundleSize(): { files: number; bytes: number; gzipped: number } {
  const js = readdirSync(BUNDLE_DIR).filter((f) => f.endsWith('.js'));
  const contents = js.map((f) => readFileSync(join(BUNDLE_DIR, f)));
  return {
    files: js.length,
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

/** The emulated account each Create starts from: the source and the lease table, nothing else. */
async function freshAccount(emulator: RunningEmulator): Promise<void> {
  emulator.reset();
  emulator.createSourceCluster({ id: SOURCE });
  await new DynamoDbAdapter({ endpoint: emulator.url, region: REGION }).createTable(LEASE_TABLE);
}

type Row = 'baseline' | 'invalid' | 'create' | 'help';

export const lambdaCold: Benchmark = {
  name: 'lambda-cold',
  title:
    "Lambda cold start (fresh process: import + one request through the SDK) and CLI --help, CPU vs node -e ''",
  async run({ size, log }) {
    const runs = size === 'tiny' ? 3 : 20;
    const notes = ensureBundle(size === 'full', log);
    const problems: string[] = [];
    const bundle = bundleSize();
    const answers = new Map<string, { status: string; reason: string }>();
    const server = await responseServer(answers);
    const responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cfn-response?X-Amz-Signature=bench`;
    const emulator = await startEmulator({ region: REGION });
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
    const bundleUrl = pathToFileURL(BUNDLE).href;
    const probe = (id: string, properties: object) => [
      '--input-type=module',
      '-e',
      PROBE,
      bundleUrl,
      responseUrl,
      id,
      JSON.stringify({ ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:bench', ...properties }),
    ];
    const expected: Record<Row, { args: (i: number) => string[]; answer?: string }> = {
      baseline: { args: () => ['-e', ''] },
      invalid: { args: (i) => probe(`invalid-${i}`, {}), answer: 'FAILED' },
      create: {
        args: (i) =>
          probe(`create-${i}`, {
            SourceClusterId: SOURCE,
            ClusterId: `bench-clone-${i}`,
            WaitForAvailable: 'false',
          }),
        answer: 'SUCCESS',
      },
      help: { args: () => [CLI, '--help'] },
    };
    const cpu: Record<Row, number[]> = { baseline: [], invalid: [], create: [], help: [] };
    const wall: Record<Row, number[]> = { baseline: [], invalid: [], create: [], help: [] };
    try {
      for (let i = 0; i < runs; i++) {
        for (const row of Object.keys(expected) as Row[]) {
          if (row === 'create') await freshAccount(emulator);
          const r = await measure(expected[row].args(i), env);
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
          if (row === 'create' && emulator.rds.cluster(`bench-clone-${i}`) === undefined)
            problems.push(`create run ${i}: answered without making bench-clone-${i}`);
        }
      }
    } finally {
      server.close();
      await emulator.stop();
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
    notes.push(
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
