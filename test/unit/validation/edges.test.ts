// Each edge runs the same rules and names the field the way its user wrote it: the CLI its flags,
// CloudFormation its properties, the Lambda its environment variables, the maintenance config its
// path. A refused input is one line, exit code 2, and nothing is started or called.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseFlags } from '../../../src/cli/args.ts';
import { cloneCommand, cloneOptions } from '../../../src/cli/commands/clone.ts';
import { emulatorCommand } from '../../../src/cli/commands/emulator.ts';
import { readEnv } from '../../../src/lambda/env.ts';
import { parseProperties } from '../../../src/lambda/properties.ts';
import { errorLine, runCli } from '../../integration/cli-harness.ts';
import { fieldsOf, problem } from './helpers.ts';

const io = { stdout() {}, stderr() {}, env: {} };

/** A port nothing listens on: a command that got past validation would fail with exit 1, not 2. */
const NOWHERE = ['--endpoint-url', 'http://127.0.0.1:9'];

/** The one stderr line of a refused command line (exit 2, nothing on stdout). */
async function refusedLine(argv: string[]): Promise<string> {
  const r = await runCli(argv);
  assert.equal(r.code, 2, `exit code of ${argv.join(' ')}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  return errorLine(r);
}

describe('CLI', () => {
  it('accepts --instance-class db.serverless', () => {
    const flags = parseFlags(
      'clone',
      ['--source', 'prod', '--instance-class', 'db.serverless'],
      cloneCommand.options,
    );
    assert.equal(cloneOptions(flags, io).request.instanceClass, 'db.serverless');
  });

  const cases: [string, string[], RegExp][] = [
    [
      'instance class',
      ['clone', '--source', 'p', '--instance-class', 'large'],
      /^aurora-clone-manager: --instance-class: "large" is not a DB instance class/,
    ],
    ['source id', ['clone', '--source', 'Bad Id'], /: --source: "Bad Id" is not a valid cluster identifier/],
    [
      'huge ttl',
      ['clone', '--source', 'p', '--ttl', '9999999999w'],
      /: --ttl: "9999999999w" is longer than 10 years/,
    ],
    [
      'huge copy age',
      ['clone', '--source', 'p', '--max-copy-age', '9999999999w'],
      /: --max-copy-age: .*longer than 10 years/,
    ],
    [
      'impossible date',
      ['clone', '--source', 'p', '--copy-created-since', '2026-02-30'],
      /: --copy-created-since: "2026-02-30" is not a calendar date/,
    ],
    [
      'reserved tag',
      ['clone', '--source', 'p', '--tag', 'y.aurora.role=copy'],
      /: --tag: key "y.aurora.role" uses the reserved prefix/,
    ],
    [
      'tag characters',
      ['clone', '--source', 'p', '--tag', 'team=a;b'],
      /: --tag: value of "team" may contain only/,
    ],
    ['long owner', ['clone', '--source', 'p', '--owner', 'o'.repeat(257)], /: --owner: .*longer than 256/],
    [
      'request key',
      ['clone', '--source', 'p', '--request-key', 'a|b'],
      /: --request-key: "a\|b" may contain only/,
    ],
    [
      'clone named like its source',
      ['clone', '--source', 'p', '--cluster-id', 'P'],
      /: --cluster-id: must differ from --source/,
    ],
    [
      'clone limit',
      ['clone', '--source', 'p', '--max-clones-per-source', '16'],
      /: --max-clones-per-source: must be a whole number from 1 to 15/,
    ],
    ['manager id', ['status', '--source', 'p', '--manager-id=-x'], /: --manager-id: "-x" must be 1–128/],
    [
      'repeated flag',
      ['clone', '--source', 'a', '--source', 'b'],
      /^aurora-clone-manager: --source: is given more than once \(it takes one value\)$/,
    ],
    [
      'repeated switch',
      ['clone', '--source', 'a', '--wait', '--wait'],
      /: --wait: is given more than once \(it takes one switch\)$/,
    ],
    [
      'target too large',
      ['maintain', '--source', 'p', '--target-slots', '301'],
      /: --target-slots: must be a whole number from 0 to 300 \(every 15 slots/,
    ],
    [
      'maintain source id',
      ['maintain', '--source', 'Bad Id', '--target-slots', '1'],
      /: --source: "Bad Id" is not a valid cluster identifier/,
    ],
    [
      'copy instance class',
      ['maintain', '--source', 'p', '--target-slots', '1', '--copy-instance-class', 'x'],
      /: --copy-instance-class: "x"/,
    ],
    ['delete ARN', ['delete', 'arn:aws:rds:us-east-1:1:cluster:c'], /: ID: ".*" is not a DB cluster ARN/],
  ];
  for (const [name, argv, expected] of cases) {
    it(`refuses a bad ${name}, naming the flag`, async () => {
      assert.match(await refusedLine([...argv, ...NOWHERE]), expected);
    });
  }

  it('reports several bad flags in one line', async () => {
    const line = await refusedLine([
      'clone',
      '--source',
      'p',
      '--instance-class',
      'x',
      '--ttl',
      'soon',
      ...NOWHERE,
    ]);
    assert.match(line, /--instance-class: .*; --ttl: "soon" is not a duration/);
  });

  it('names the config path for a bad entry in a maintenance config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acm-validation-'));
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify([{ clusterId: 'prod', targetCloneSlots: 3, copyInstanceClass: 'big' }]),
    );
    try {
      assert.match(
        await refusedLine(['maintain', '--config', file, ...NOWHERE]),
        /: --config \[0\]\.copyInstanceClass: "big" is not a DB instance class/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('emulator command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acm-emulator-flags-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the command; it must refuse before starting: exit 2, one stderr line, no URL. */
  async function refused(argv: string[]): Promise<string> {
    const out: string[] = [];
    const err: string[] = [];
    const stop = new AbortController();
    stop.abort();
    const code = await emulatorCommand(
      argv,
      { stdout: (s) => out.push(s), stderr: (s) => err.push(s) },
      stop.signal,
    );
    assert.equal(code, 2, err.join(''));
    assert.deepEqual(out, [], 'no URL is printed');
    assert.equal(err.length, 1);
    assert.doesNotMatch(err[0]!.trimEnd(), /\n/);
    return err[0]!;
  }

  it('refuses --state naming a directory', async () => {
    assert.match(
      await refused(['--port', '0', '--state', dir]),
      /^aurora-clone-manager emulator: --state: .* is a directory; give a file in it/,
    );
  });

  it('refuses --state in a directory that does not exist', async () => {
    assert.match(
      await refused(['--port', '0', '--state', join(dir, 'no', 'state.json')]),
      /--state: cannot write .*does not exist/,
    );
  });

  it('refuses a --seed-source that is not a cluster identifier', async () => {
    assert.match(
      await refused(['--port', '0', '--seed-source', 'Bad Id']),
      /^aurora-clone-manager emulator: --seed-source: "Bad Id" is not a valid cluster identifier/,
    );
  });

  it('refuses a flag given twice', async () => {
    assert.match(await refused(['--port', '0', '--port', '1']), /--port is given more than once/);
  });
});

describe('CloudFormation properties', () => {
  it('accepts InstanceClass db.serverless', () => {
    assert.equal(
      parseProperties({ SourceClusterId: 'prod', InstanceClass: 'db.serverless' }).instanceClass,
      'db.serverless',
    );
  });

  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ InstanceClass: 'large' }, 'InstanceClass', /"large" is not a DB instance class/],
    [{ SourceClusterId: 'Bad Id' }, 'SourceClusterId', /not a valid cluster identifier/],
    [
      { CopyCreatedSince: '2026-02-30' },
      'CopyCreatedSince',
      /not a calendar date: February 2026 has 28 days/,
    ],
    [{ TimeToLive: '9999999999w' }, 'TimeToLive', /longer than 10 years/],
    [{ MaxCopyAge: 'soon' }, 'MaxCopyAge', /"soon" is not a duration/],
    [{ MaxClonesPerSource: '16' }, 'MaxClonesPerSource', /from 1 to 15/],
    [{ MaxClonesPerSource: 'ten' }, 'MaxClonesPerSource', /"ten" is not a whole number/],
    [{ Tags: { 'aws:x': '1' } }, 'Tags', /reserved prefix "aws:"/],
    [{ Tags: [{ Key: 'aurora-clone-manager:role', Value: 'copy' }] }, 'Tags', /reserved prefix/],
    [{ SecretpPrefix: 'a b' }, 'SecretpPrefix', /Secrets Manager name/],
    [{ KmsKeyId: 'a b' }, 'KmsKeyId', /not a KMS key/],
    [
      { AccessPrincipalArns: 'arn:aws:iam::111111111111:root,nope' },
      'AccessPrincipalArns[1]',
      /not an IAM role/,
    ],
    [{ ClusterId: 'PROD' }, 'ClusterId', /must differ from SourceClusterId/],
    [
      { SetPassword: 'true', ManageMasterUserPassword: 'true' },
      'ManageMasterUserPassword',
      /SetPassword and ManageMasterUserPassword cannot both be true/,
    ],
    [{ ServiceTimeout: '0' }, 'ServiceTimeout', /from 1 to 3600/],
    [{ constructor: 'x' }, 'constructor', /is not allowed as a property/],
  ];
  for (const [change, field, why] of cases) {
    it(`refuses a bad ${field}, naming the property`, () => {
      assert.match(
        problem(() => parseProperties({ SourceClusterId: 'prod', ...change }), field),
        why,
      );
    });
  }

  it('does not report a property twice when its text could not be read', () => {
    assert.deepEqual(
      fieldsOf(() => parseProperties({ SourceClusterId: { Ref: 'x' } })),
      ['SourceClusterId'],
    );
  });
});

describe('Lambda environment', () => {
  const cases: [NodeJS.ProcessEnv, string, RegExp][] = [
    [{ MAX_CLONES_PER_SOURCE: '16' }, 'MAX_CLONES_PER_SOURCE', /from 1 to 15/],
    [{ MAX_CLONES_PER_SOURCE: 'many' }, 'MAX_CLONES_PER_SOURCE', /"many" is not a whole number/],
    [{ MAX_COPY_AGE: '9999999999w' }, 'MAX_COPY_AGE', /longer than 10 years/],
    [{ LEASE_TABLE: 'x' }, 'LEASE_TABLE', /not a DynamoDB table name/],
    [{ DEFAULT_SECRET_KEY: 'a b' }, 'DEFAULT_SECRET_KEY', /not a KMS key/],
    [{ DEFAULT_SECRET_PREFIX: 'a b' }, 'DEFAULT_SECRET_PREFIX', /Secrets Manager name/],
    [{ STACK_NAME: '-stack' }, 'STACK_NAME', /must be 1–128/],
    [{ WAIT_POLL_MS: '5' }, 'WAIT_POLL_MS', /from 10 to 600000/],
  ];
  for (const [env, field, why] of cases) {
    it(`refuses a bad ${field}, naming the variable`, () => {
      assert.match(
        problem(() => readEnv(env), field),
        why,
      );
    });
  }

  it('reads valid values', () => {
    const env = readEnv({
      MAX_CLONES_PER_SOURCE: '7',
      MAX_COPY_AGE: 'P1D',
      LEASE_TABLE: 'leases',
      WAIT_POLL_MS: '100',
    });
    assert.equal(env.maxClonesPerSource, 7);
    assert.equal(env.maxCopyAge, 'P1D');
    assert.equal(env.leaseTable, 'leases');
    assert.equal(env.waitPollMs, 100);
  });
});
