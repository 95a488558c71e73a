// build.sh with the real AWS CLI against moto_server's S3: `aws cloudformation package` finds the
// bundle folder the template names, uploads it, and the rendered template that lands in the bucket
// points at the uploaded code and still passes cfn-lint.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BASH, type Fixture, makeFixture } from './build-fixture.ts';
import { parseTemplate } from './cfn.ts';

let fx: Fixture;
let moto: ChildProcess | undefined;
let endpoint: string;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`moto_server did not start at ${url}`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

before(async () => {
  fx = makeFixture('acm-build-package-');
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  await waitForHttp(endpoint, 15_000);
});

after(() => {
  moto?.kill('SIGTERM');
  rmSync(fx.work, { recursive: true, force: true });
});

const awsEnv = () => ({
  HOME: fx.work,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: endpoint,
  AWS_CONFIG_FILE: join(fx.work, 'no-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(fx.work, 'no-aws-credentials'),
});

function aws(...args: string[]) {
  const r = spawnSync('aws', args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...awsEnv() } });
  assert.equal(r.status, 0, `aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('package and upload with the real AWS CLI: the stored template points at the uploaded bundle', {
  timeout: 60_000,
}, () => {
  aws('s3api', 'create-bucket', '--bucket', 'acme-artifacts');
  const r = spawnSync(BASH, [join(fx.repo, 'build.sh')], {
    cwd: fx.work,
    encoding: 'utf8',
    timeout: 45_000,
    env: {
      // The npm stand-in first: the real aws comes from the rest of PATH.
      PATH: `${fx.npmOnly}:${process.env.PATH}`,
      CALLS_LOG: join(fx.work, 'calls.log'),
      LAMBDA_S3_BUCKET: 'acme-artifacts',
      LAMBDA_S3_PREFIX: 'lambdas',
      ...awsEnv(),
    },
  });
  assert.equal(r.status, 0, `build.sh failed:\n${r.stdout}\n${r.stderr}`);

  const key = `lambdas/aurora-clone-manager/${fx.sha}/stack.yaml`;
  const stored = join(fx.work, 'stored-stack.yaml');
  aws('s3', 'cp', `s3://acme-artifacts/${key}`, stored);
  const template = parseTemplate(readFileSync(stored, 'utf8'));
  const code = template.Resources['ManagerFunction']?.Properties?.['Code'] as {
    S3Bucket: string;
    S3Key: string;
  };
  assert.equal(code.S3Bucket, 'acme-artifacts');
  assert.ok(code.S3Key.startsWith(`lambdas/aurora-clone-manager/${fx.sha}/`), code.S3Key);
  // The code object exists and is a zip with index.js and the ESM marker at its root.
  const zip = join(fx.work, 'code.zip');
  aws('s3', 'cp', `s3://acme-artifacts/${code.S3Key}`, zip);
  const listing = spawnSync(
    'python3',
    ['-c', 'import sys,zipfile;print("\\n".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))', zip],
    {
      encoding: 'utf8',
    },
  );
  assert.deepEqual(listing.stdout.trim().split('\n'), ['index.js', 'package.json']);

  // What will be deployed still lints clean (and W3002 is gone now that Code is in S3).
  writeFileSync(join(fx.work, 'rendered.yaml'), readFileSync(stored, 'utf8'));
  const lint = spawnSync('cfn-lint', ['--', join(fx.work, 'rendered.yaml')], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal((lint.status ?? 1) & 3, 0, `cfn-lint on the rendered template:\n${lint.stdout}${lint.stderr}`);
});
