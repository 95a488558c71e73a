// example/github-actions/clone-per-pr.yml as GitHub would run it for pull request 42: its `run:`
// steps as printed, in bash -eo pipefail as on GitHub's runners, with GITHUB_ENV carried from step
// to step, against the emulator. Replaced: `npx aurora-clone-manager` runs the CLI from source; the
// `${{ … }}` expressions get test values; configure-aws-credentials gives dummy credentials for its
// Region, plus AWS_ENDPOINT_URL of the emulator. What the steps did is checked through the AWS SDK.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { DBClusterNotFoundFault, DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { parse } from 'yaml';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { TAG } from '../../src/model/tags.ts';
import { CLI_BIN, ensureBuilt } from '../helpers/built.ts';
import { cliEnv, ROOT } from '../helpers/cli-process.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number>;
  env?: Record<string, string>;
}
interface Job {
  if: string;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: { pull_request: { types: string[] } };
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

// The SDK's notice about Node 20 (supported here, as by the CLI) would precede this file's results.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const execFileAsync = promisify(execFile);
const WORKFLOW_PATH = 'example/github-actions/clone-per-pr.yml';
const workflow = parse(readFileSync(join(ROOT, WORKFLOW_PATH), 'utf8')) as Workflow;
const CLONE_ID = 'pr-42';
/** Test values of the expressions the workflow uses; an expression without one fails the test. */
const EXPRESSIONS: Record<string, string> = {
  'github.event.number': '42',
  'vars.ACM_SOURCE_CLUSTER': 'prod',
  'secrets.SOURCE_DB_PASSWORD': 'not-used-here',
};
/** `run:` steps that do not call the CLI, and why they do not run here. */
const NOT_RUN_HERE: Record<string, string> = {
  'npm ci': "installs the repository's dependencies, the CLI among them: here the CLI runs from source",
  'Test against the clone':
    'connects to PostgreSQL at PGHOST: the emulator serves the AWS APIs, not databases',
};

const substitute = (text: string) =>
  text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    const value = EXPRESSIONS[expression];
    assert.ok(value !== undefined, `no test value for \${{ ${expression} }}`);
    return value;
  });
const substituted = (env: Record<string, string> = {}) =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, substitute(String(v))]));
const callsCli = (step: Step) => step.run?.includes('aurora-clone-manager') ?? false;
const stepName = (step: Step) => step.name ?? step.run?.replace(/\s*#.*$/s, '') ?? step.uses ?? '?';

/** `KEY=value` lines as GitHub reads $GITHUB_ENV: the value is everything after the first `=`. */
function githubEnvOf(path: string): Record<string, string> {
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  for (const line of lines) {
    // A shell would unquote 'x' where GitHub keeps the quotes: only values both read alike.
    assert.match(
      line,
      /^[A-Z_]+=[^'"\s]+$/,
      `a $GITHUB_ENV line GitHub and a shell would read differently: ${line}`,
    );
  }
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe(WORKFLOW_PATH, () => {
  let emulator: RunningEmulator;
  let rds: RDSClient;
  let work: string;
  let region: string;
  let cli: string;
  let runs = 0;

  before(async () => {
    const configure = workflow.jobs['clone']?.steps.find((s) =>
      s.uses?.startsWith('aws-actions/configure-aws-credentials'),
    );
    region = String(configure?.with?.['aws-region']);
    // Every RDS change at once: the commands wait on nothing but their own start and first check.
    emulator = await startEmulator({ port: 0, timeScale: 0 });
    emulator.createSourceCluster({ id: 'prod', region });
    rds = new RDSClient({
      endpoint: emulator.url,
      region,
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    });
    work = mkdtempSync(join(tmpdir(), 'acm-gha-'));
    // What `npx aurora-clone-manager` runs in the repository: its bin, on the build `npm ci` made.
    ensureBuilt();
    cli = `'${process.execPath}' '${CLI_BIN}'`;
  });
  after(async () => {
    rds?.destroy();
    await emulator?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Runs a job's steps in order as the runner would; returns what its steps appended to $GITHUB_ENV. */
  async function runJob(id: string): Promise<Record<string, string>> {
    const job = workflow.jobs[id]!;
    let env: NodeJS.ProcessEnv = cliEnv({
      HOME: work,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      ...substituted(workflow.env),
      ...substituted(job.env),
    });
    let appended: Record<string, string> = {};
    for (const step of job.steps) {
      if (step.uses?.startsWith('aws-actions/configure-aws-credentials')) {
        assert.match(String(step.with?.['role-to-assume']), /^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/);
        const stepRegion = String(step.with?.['aws-region']);
        env = {
          ...env,
          AWS_REGION: stepRegion,
          AWS_DEFAULT_REGION: stepRegion,
          AWS_ACCESS_KEY_ID: 'ASIATEST',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_SESSION_TOKEN: 'test',
          AWS_ENDPOINT_URL: emulator.url,
        };
      }
      if (!callsCli(step)) continue;
      const githubEnv = join(work, `github-env-${++runs}`);
      writeFileSync(githubEnv, '');
      const script = join(work, `step-${runs}.sh`);
      writeFileSync(script, substitute(step.run!).replace(/\bnpx aurora-clone-manager\b/g, cli));
      const run = await bash(script, {
        ...env,
        ...appended,
        ...substituted(step.env),
        GITHUB_ENV: githubEnv,
      });
      assert.equal(run.code, 0, `step "${stepName(step)}" failed:\n${run.stdout}\n${run.stderr}`);
      appended = { ...appended, ...githubEnvOf(githubEnv) };
    }
    return appended;
  }

  const describeClone = async () => {
    const found = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLONE_ID }));
    const cluster = found.DBClusters?.[0];
    assert.ok(cluster);
    return { cluster, tags: Object.fromEntries((cluster.TagList ?? []).map((t) => [t.Key, t.Value])) };
  };
  const hoursFromNow = (iso: string | undefined) => (Date.parse(iso ?? '') - Date.now()) / 3_600_000;

  test('clones on opened, synchronize and reopened, deletes on closed, one run per pull request at a time', (t) => {
    assert.deepEqual(workflow.on.pull_request.types, ['opened', 'synchronize', 'reopened', 'closed']);
    assert.match(workflow.jobs['clone']!.if, /github\.event\.action != 'closed'/);
    assert.match(workflow.jobs['delete']!.if, /github\.event\.action == 'closed'/);
    assert.match(workflow.concurrency.group, /\$\{\{ github\.event\.number \}\}/);
    assert.equal(workflow.concurrency['cancel-in-progress'], false);
    assert.equal(workflow.permissions['id-token'], 'write', 'OIDC needs an id token');
    // Every expression has a test value (`if:` conditions are bare expressions, checked above).
    substitute(readFileSync(join(ROOT, WORKFLOW_PATH), 'utf8'));
    const skipped: string[] = [];
    for (const [id, job] of Object.entries(workflow.jobs)) {
      assert.ok(job.steps.some(callsCli), `job ${id} calls the CLI`);
      for (const step of job.steps.filter((s) => s.run !== undefined && !callsCli(s))) {
        const why = NOT_RUN_HERE[stepName(step)];
        assert.ok(
          why,
          `job ${id}: step "${stepName(step)}" neither calls the CLI nor says why it is not run here`,
        );
        skipped.push(`${id}: ${stepName(step)}: ${why}`);
      }
    }
    t.diagnostic(`run steps not run here:\n${skipped.join('\n')}`);
  });

  test('opened: the clone step makes pr-42 and hands its endpoint to the steps after it', async () => {
    const appended = await runJob('clone');
    const { cluster, tags } = await describeClone();
    assert.equal(appended['PGHOST'], cluster.Endpoint);
    assert.equal(appended['PGPORT'], String(cluster.Port));
    assert.equal(appended['PGUSER'], cluster.MasterUsername);
    assert.equal(appended['ACM_CLUSTER_ID'], CLONE_ID);
    assert.equal(appended['ACM_CLUSTER_ARN'], cluster.DBClusterArn);
    assert.equal(cluster.Status, 'available', 'the step ends when the clone is usable');
    assert.equal(tags[TAG.request], CLONE_ID);
    assert.equal(tags[TAG.owner], 'github-actions');
    assert.equal(tags[TAG.manager], 'aurora-clone-manager');
    assert.ok(
      Math.abs(hoursFromNow(tags[TAG.expiresAt]) - 48) < 0.1,
      `expires in 2 days: ${tags[TAG.expiresAt]}`,
    );
  });

  test('synchronize: the same step again returns the same clone, and its expiry moves to 2 days from now', async () => {
    const before = await describeClone();
    const appended = await runJob('clone');
    const { cluster, tags } = await describeClone();
    assert.equal(appended['ACM_CLUSTER_ARN'], before.cluster.DBClusterArn);
    assert.equal(appended['PGHOST'], before.cluster.Endpoint);
    const all = (await rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? [];
    assert.deepEqual(all.map((c) => c.DBClusterIdentifier).sort(), [CLONE_ID, 'prod'], 'no second clone');
    assert.equal(cluster.ClusterCreateTime?.getTime(), before.cluster.ClusterCreateTime?.getTime());
    assert.ok(Date.parse(tags[TAG.expiresAt]!) > Date.parse(before.tags[TAG.expiresAt]!), 'extended');
  });

  test('closed: the delete step removes the clone, and closing again (after a reopen) is still a success', async () => {
    await runJob('delete');
    await assert.rejects(
      rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLONE_ID })),
      DBClusterNotFoundFault,
    );
    await runJob('delete');
  });

  test('the excerpts in README.md and docs/clone-per-pull-request.md are its clone step', () => {
    const step = workflow.jobs['clone']!.steps.find(callsCli);
    for (const doc of ['README.md', 'docs/clone-per-pull-request.md']) {
      const excerpts = [...readFileSync(join(ROOT, doc), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
        .map((m) => m[1]!)
        .filter((text) => text.includes('npx aurora-clone-manager'));
      assert.equal(excerpts.length, 1, `${doc} shows the clone step once`);
      assert.deepEqual(parse(excerpts[0]!), [step], `${doc}: the excerpt differs from ${WORKFLOW_PATH}`);
    }
  });
});

/** A `run:` script as GitHub runs it on Linux; its exit status and output. */
function bash(script: string, env: NodeJS.ProcessEnv) {
  return execFileAsync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { env, cwd: ROOT }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}
