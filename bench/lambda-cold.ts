// lambda-cold: the size of the Lambda bundle, and how long a fresh Node process takes to import it
// and answer one invalid CloudFormation request (a Create without SourceClusterId, whose
// ResponseURL is a local HTTP server here: the handler must PUT a FAILED there), against a fresh
// `node -e ''` as the baseline. Runs alternate, so drift on a noisy machine hits both sides.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Benchmark, median, ms, ratio } from './lib/report.ts';

const BUNDLE = 'dist/lambda/index.js';

// The child: import the bundle, hand it one event, exit as soon as the handler has answered.
const PROBE = `
const m = await import(process.argv[1]);
const event = {
  RequestType: 'Create',
  ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
  ResponseURL: process.argv[2],
  StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/bench/1',
  RequestId: process.argv[3],
  LogicalResourceId: 'Clone',
  ResourceType: 'Custom::AuroraClone',
  ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:bench' },
};
const context = { functionName: 'bench', awsRequestId: process.argv[3], getRemainingTimeInMillis: () => 60000 };
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

interface Answer {
  status: string;
  reason: string;
  contentType: string | undefined;
}

function responseServer(answers: Map<string, Answer>): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      try {
        const r = JSON.parse(body) as { RequestId?: string; Status?: string; Reason?: string };
        answers.set(r.RequestId ?? '', {
          status: r.Status ?? '',
          reason: r.Reason ?? '',
          contentType: req.headers['content-type'],
        });
      } catch {
        answers.set(`unparsable-${answers.size}`, {
          status: 'unparsable',
          reason: body,
          contentType: undefined,
        });
      }
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function timeProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - t0, code, output });
    });
  });
}

export const lambdaCold: Benchmark = {
  name: 'lambda-cold',
  title: "Lambda bundle size and cold start (fresh process answering one invalid request) vs node -e ''",
  async run({ size, log }) {
    const runs = size === 'tiny' ? 3 : 20;
    const notes = ensureBundle(size === 'full', log);
    const problems: string[] = [];
    const bytes = statSync(BUNDLE).size;
    const gzipped = gzipSync(readFileSync(BUNDLE)).length;
    const answers = new Map<string, Answer>();
    const server = await responseServer(answers);
    const port = (server.address() as AddressInfo).port;
    // No real AWS: any SDK call would go to a closed local port and fail fast.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'error',
    };
    const bundleUrl = pathToFileURL(BUNDLE).href;
    const lambda: number[] = [];
    const baseline: number[] = [];
    try {
      for (let i = 0; i < runs; i++) {
        const base = await timeProcess(['--no-warnings', '-e', ''], env);
        baseline.push(base.ms);
        const id = `bench-${i}`;
        const url = `http://127.0.0.1:${port}/cfn-response?X-Amz-Signature=bench`;
        const r = await timeProcess(
          ['--no-warnings', '--input-type=module', '-e', PROBE, bundleUrl, url, id],
          env,
        );
        lambda.push(r.ms);
        const answer = answers.get(id);
        if (r.code !== 0) problems.push(`run ${i}: the process exited ${r.code}: ${r.output.slice(0, 300)}`);
        else if (answer?.status !== 'FAILED')
          problems.push(`run ${i}: no FAILED response was PUT (got ${answer?.status ?? 'nothing'})`);
      }
    } finally {
      server.close();
    }
    const sample = [...answers.values()][0];
    if (sample)
      notes.push(
        `the handler answered FAILED with Reason "${sample.reason}" (content-type "${sample.contentType ?? ''}")`,
      );
    const mLambda = median(lambda);
    const mBase = median(baseline);
    notes.push(
      `${runs} runs each, alternating; time = spawn to exit of the process; the baseline is the same node binary and flags running nothing`,
      'the bundle is built for nodejs22.x; measured here with the local node (see the machine line)',
    );
    return {
      tables: [
        {
          title: `lambda-cold: ${BUNDLE}`,
          columns: ['measure', 'value'],
          rows: [
            ['bundle size', `${(bytes / 1024).toFixed(0)} KiB`],
            ['bundle size, gzipped', `${(gzipped / 1024).toFixed(0)} KiB`],
            ["median fresh `node -e ''` (baseline)", ms(mBase)],
            ['median fresh process: import + answer invalid Create', ms(mLambda)],
            ['cold start added by the bundle (median difference)', ms(mLambda - mBase)],
            ['ratio (ours ÷ baseline)', ratio(mLambda, mBase)],
            ['min / max, ours', `${ms(Math.min(...lambda))} / ${ms(Math.max(...lambda))}`],
            ['min / max, baseline', `${ms(Math.min(...baseline))} / ${ms(Math.max(...baseline))}`],
          ],
        },
      ],
      notes,
      problems,
      data: {
        bytes,
        gzipped,
        runs,
        lambdaMs: lambda,
        baselineMs: baseline,
        medianLambdaMs: mLambda,
        medianBaselineMs: mBase,
      },
    };
  },
};
