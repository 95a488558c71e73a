// The CLI acts where the user's own `aws` commands act: the Region of their profile, --profile, the
// profile's endpoints; and it says clearly when none is set or the endpoints would split a request.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startEmulator } from '../../src/emulator/index.ts';
import { cliEnv, runCliProcess } from '../helpers/cli-process.ts';

const execFileAsync = promisify(execFile);

/** A home directory with an AWS config, as `aws configure` leaves it. */
function homeWith(config: string): string {
  const home = mkdtempSync(join(tmpdir(), 'acm-home-'));
  mkdirSync(join(home, '.aws'));
  writeFileSync(join(home, '.aws', 'config'), config);
  writeFileSync(
    join(home, '.aws', 'credentials'),
    '[default]\naws_access_key_id = test\naws_secret_access_key = test\n\n[dev]\naws_access_key_id = test\naws_secret_access_key = test\n',
  );
  return home;
}

/** What the AWS CLI (an independent tool) sees with the same environment. */
async function awsClusterIds(env: NodeJS.ProcessEnv, args: string[] = []): Promise<string[]> {
  // This machine's AWS CLI predates AWS_ENDPOINT_URL: the endpoint is given as a flag.
  const endpoint = env.AWS_ENDPOINT_URL ?? env.AWS_ENDPOINT_URL_RDS;
  if (endpoint) args = ['--endpoint-url', endpoint, ...args];
  const { stdout } = await execFileAsync(
    'aws',
    [
      ...args,
      'rds',
      'describe-db-clusters',
      '--query',
      'DBClusters[].DBClusterIdentifier',
      '--output',
      'json',
    ],
    {
      env: cliEnv(env),
    },
  );
  return (JSON.parse(stdout) as string[]).sort();
}

describe('where the CLI acts', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let home: string;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    // The same source name in two Regions: only the Region decides which one is cloned.
    emulator.createSourceCluster({ id: 'shop', region: 'eu-west-1' });
    emulator.createSourceCluster({ id: 'shop', region: 'us-east-1' });
    home = homeWith(`[default]
region = us-east-1

[profile dev]
region = eu-west-1
`);
  });
  after(async () => {
    await emulator?.stop();
  });

  it('clones in the Region of AWS_PROFILE, where the AWS CLI with that profile finds the clone', async () => {
    const env = { HOME: home, AWS_PROFILE: 'dev', AWS_ENDPOINT_URL: emulator.url };
    const run = await runCliProcess(
      ['clone', '--source', 'shop', '--cluster-id', 'shop-dev-1', '--lease-table', 'none'],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await awsClusterIds(env), ['shop', 'shop-dev-1']);
    assert.deepEqual(await awsClusterIds({ HOME: home, AWS_ENDPOINT_URL: emulator.url }), ['shop']);
  });

  it('--profile chooses the profile, and --region beats it', async () => {
    const env = { HOME: home, AWS_ENDPOINT_URL: emulator.url };
    const byProfile = await runCliProcess(
      [
        'clone',
        '--source',
        'shop',
        '--cluster-id',
        'shop-dev-2',
        '--profile',
        'dev',
        '--lease-table',
        'none',
      ],
      env,
    );
    assert.equal(byProfile.code, 0, byProfile.stderr);
    assert.ok((await awsClusterIds(env, ['--profile', 'dev'])).includes('shop-dev-2'));
    const byRegion = await runCliProcess(
      [
        'clone',
        '--source',
        'shop',
        '--cluster-id',
        'shop-us-1',
        '--profile',
        'dev',
        '--region',
        'us-east-1',
        '--lease-table',
        'none',
      ],
      env,
    );
    assert.equal(byRegion.code, 0, byRegion.stderr);
    assert.ok((await awsClusterIds(env, ['--region', 'us-east-1'])).includes('shop-us-1'));
    assert.ok(!(await awsClusterIds(env, ['--profile', 'dev'])).includes('shop-us-1'));
  });

  it('signs with the keys in the environment over AWS_PROFILE’s, as the AWS CLI does; --profile sets them aside', async () => {
    // Prepare: the emulator behind a proxy that notes the access key of every call; a profile whose
    // keys differ from the ones set in the environment
    const keys: string[] = [];
    const proxy = createServer((req, res) => {
      const key = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1];
      if (key) keys.push(key);
      const upstream = new URL(req.url ?? '/', emulator.url);
      const forward = request(upstream, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(forward);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const profileHome = mkdtempSync(join(tmpdir(), 'acm-home-'));
    mkdirSync(join(profileHome, '.aws'));
    writeFileSync(join(profileHome, '.aws', 'config'), '[profile dev]\nregion = eu-west-1\n');
    writeFileSync(
      join(profileHome, '.aws', 'credentials'),
      '[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n',
    );
    const env = {
      HOME: profileHome,
      AWS_PROFILE: 'dev',
      AWS_ACCESS_KEY_ID: 'AKIDENVIRONMENT',
      AWS_SECRET_ACCESS_KEY: 'environment-secret',
      AWS_ENDPOINT_URL: endpoint,
    };
    /** The access keys the calls of `act` were signed with. */
    const signedWith = async (act: () => Promise<unknown>) => {
      keys.length = 0;
      await act();
      return [...new Set(keys)];
    };
    try {
      // Act
      const aws = await signedWith(() => awsClusterIds(env));
      const ours = await signedWith(async () => {
        const run = await runCliProcess(['status', '--source', 'shop'], env);
        assert.equal(run.code, 0, run.stderr);
      });
      const awsWithProfile = await signedWith(() => awsClusterIds(env, ['--profile', 'dev']));
      const oursWithProfile = await signedWith(async () => {
        const run = await runCliProcess(['status', '--source', 'shop', '--profile', 'dev'], env);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stderr, '', 'a profile chosen beside keys in the environment is not warned about');
      });
      // Assess
      assert.deepEqual(aws, ['AKIDENVIRONMENT']);
      assert.deepEqual(ours, aws);
      assert.deepEqual(awsWithProfile, ['AKIDPROFILE']);
      assert.deepEqual(oursWithProfile, awsWithProfile);
    } finally {
      proxy.close();
    }
  });

  it('names the Region and endpoint it looked in when the source is not there', async () => {
    const run = await runCliProcess(['status', '--source', 'nope', '--profile', 'dev'], {
      HOME: home,
      AWS_ENDPOINT_URL: emulator.url,
    });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      new RegExp(
        `source cluster nope does not exist \\(looked in Region eu-west-1, profile dev, endpoint ${emulator.url.replace(/[.]/g, '\\.')}\\)`,
      ),
    );
  });

  it('refuses to guess a Region for AWS, in one line, exit 2', async () => {
    const empty = homeWith('');
    const run = await runCliProcess(['status', '--source', 'shop'], { HOME: empty });
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      `aurora-clone-manager: no AWS Region: give --region, set AWS_REGION, or set region in profile default (${join(empty, '.aws', 'config')})\n`,
    );
  });

  it('refuses a profile that does not exist', async () => {
    const run = await runCliProcess(['status', '--source', 'shop', '--profile', 'prdo'], {
      HOME: home,
      AWS_ENDPOINT_URL: emulator.url,
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^aurora-clone-manager: --profile prdo: no such profile in /);
  });

  it('refuses to put the clusters on the emulator and the lease in a real account (AWS_ENDPOINT_URL_RDS alone)', async () => {
    const run = await runCliProcess(['clone', '--source', 'shop', '--region', 'eu-west-1'], {
      HOME: home,
      AWS_ENDPOINT_URL_RDS: emulator.url,
    });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /RDS calls go to Region eu-west-1, endpoint http:\/\/127\.0\.0\.1:\d+ but the lease table is in Region eu-west-1: point both at the same place/,
    );
    assert.ok(
      !(await awsClusterIds({ HOME: home, AWS_ENDPOINT_URL: emulator.url, AWS_REGION: 'eu-west-1' })).some(
        (id) => id.startsWith('shop-2'),
      ),
    );
  });

  it('says there are no credentials, and how to get some, when AWS is asked without any (exit 2)', async () => {
    // A home with no AWS files at all.
    const bare = mkdtempSync(join(tmpdir(), 'acm-home-'));
    const run = await runCliProcess(
      ['status', '--source', 'shop', '--region', 'eu-west-1', '--lease-table', 'none'],
      {
        HOME: bare,
      },
    );
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /no AWS credentials found for rds:DescribeDBClusters: run `aws configure` \(or `aws sso login`\)/,
    );
  });

  it('says a web page is not AWS instead of reading it as an empty account or retrying it', async () => {
    const web = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>Bad gateway</body></html>');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    try {
      const run = await runCliProcess(
        ['status', '--source', 'shop', '--endpoint-url', url, '--lease-table', 'none'],
        { HOME: home },
      );
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        new RegExp(`${url.replace(/[.]/g, '\\.')} answered HTTP 502 with a web page, not an AWS response`),
      );
    } finally {
      web.close();
    }
  });

  it('refuses clusters and leases split between AWS and any other host, not only this machine', async () => {
    const rdsElsewhere = await runCliProcess(
      ['clone', '--source', 'shop', '--dry-run', '--region', 'eu-west-1'],
      {
        HOME: home,
        AWS_ENDPOINT_URL_RDS: 'http://emulator.internal:4510',
      },
    );
    assert.equal(rdsElsewhere.code, 2);
    assert.match(
      rdsElsewhere.stderr,
      /RDS calls go to Region eu-west-1, endpoint http:\/\/emulator\.internal:4510 but the lease table is in Region eu-west-1:/,
    );
    const leasesElsewhere = await runCliProcess(
      ['clone', '--source', 'shop', '--dry-run', '--region', 'eu-west-1'],
      {
        HOME: home,
        AWS_ENDPOINT_URL_DYNAMODB: 'http://dynamodb-local:8000',
      },
    );
    assert.equal(leasesElsewhere.code, 2);
    assert.match(
      leasesElsewhere.stderr,
      /but the lease table is in Region eu-west-1, endpoint http:\/\/dynamodb-local:8000/,
    );
  });

  it('takes each endpoint from the profile as the AWS CLI does (services section)', async () => {
    const local = homeWith(`[profile local]
region = eu-west-1
services = emulator

[services emulator]
rds =
  endpoint_url = ${emulator.url}
dynamodb =
  endpoint_url = ${emulator.url}
`);
    const run = await runCliProcess(
      ['status', '--source', 'shop', '--profile', 'local', '--output', 'json'],
      { HOME: local },
    );
    assert.equal(run.code, 0, run.stderr);
    const pool = JSON.parse(run.stdout) as { root: { clusterId: string }; clones: { clusterId: string }[] };
    assert.equal(pool.root.clusterId, 'shop');
    assert.ok(
      pool.clones.some((c) => c.clusterId === 'shop-dev-1'),
      'the eu-west-1 pool, with its clone',
    );
  });
});
