// The CLI's contract with scripts: exit codes, one-line messages naming the bad flag, help for every
// command, and --json keeping stdout to one document. None of these reach AWS: they fail or finish
// before the first call (the endpoint points at a port nothing listens on, so a call would fail loudly),
// except the lease-table warnings, which are checked against an emulator.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COMMANDS, main } from '../../src/cli/main.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    env: {},
  });
  return { code, stdout, stderr };
}

const NOWHERE = ['--endpoint-url', 'http://127.0.0.1:9'];

/** Runs argv, expects exit 2 and exactly one stderr line; returns it. */
async function usageError(argv: string[]): Promise<string> {
  const r = await run(argv);
  assert.equal(r.code, 2, `exit code of ${argv.join(' ')} (stderr: ${r.stderr})`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected, got: ${r.stderr}`);
  assert.match(lines[0]!, /^aurora-clone-manager: /);
  return lines[0]!;
}

describe('help and version', () => {
  for (const name of ['clone', 'delete', 'status', 'maintain', 'demo']) {
    it(`${name} --help prints the usage and options and exits 0`, async () => {
      const r = await run([name, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^Usage: aurora-clone-manager ${name}`));
      assert.match(r.stdout, /--json/);
      assert.match(r.stdout, /Exit codes|--help/);
      assert.equal(r.stderr, '');
      // `help <command>` says the same.
      assert.equal((await run(['help', name])).stdout, r.stdout);
    });
  }

  it('every command is listed in the general help', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c.name} `, 'm'));
    assert.match(r.stdout, /^ {2}emulator /m);
  });

  it("help emulator shows the emulator command's own help", async () => {
    const r = await run(['help', 'emulator']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /emulator/);
    assert.match(r.stdout, /--port/);
  });

  it('--help wins over bad values', async () => {
    const r = await run(['clone', '--source', '1bad', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--source ID/);
  });

  it('--version prints the package version', async () => {
    const r = await run(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('no command prints the usage on stderr and exits 2', async () => {
    const r = await run([]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Usage: aurora-clone-manager <command>/);
  });
});

describe('bad usage exits 2 with one line naming the flag or value', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown command', ['clonez'], /unknown command "clonez"/],
    ['unknown flag', ['clone', '--source', 'prod', '--colour'], /--colour: unknown option for "clone"/],
    ['missing --source', ['clone', ...NOWHERE], /--source: is required/],
    [
      'bad source id',
      ['clone', '--source', 'prod_db', ...NOWHERE],
      /--source: "prod_db" is not a valid cluster identifier/,
    ],
    [
      'bad cluster id',
      ['clone', '--source', 'p', '--cluster-id', 'x--y', ...NOWHERE],
      /--cluster-id: .*consecutive hyphens/,
    ],
    [
      'bad duration',
      ['clone', '--source', 'p', '--max-copy-age', '3 days', ...NOWHERE],
      /--max-copy-age: "3 days" is not a duration/,
    ],
    ['bad ttl', ['clone', '--source', 'p', '--ttl', 'soon', ...NOWHERE], /--ttl: "soon" is not a duration/],
    [
      'bad instant',
      ['clone', '--source', 'p', '--copy-created-since', '24/11/2026', ...NOWHERE],
      /--copy-created-since: "24\/11\/2026" is not an ISO-8601 instant/,
    ],
    [
      'bad tag',
      ['clone', '--source', 'p', '--tag', 'team', ...NOWHERE],
      /--tag: "team" must have the form key=value/,
    ],
    [
      'reserved tag',
      ['clone', '--source', 'p', '--tag', 'aurora-clone-manager:role=copy', ...NOWHERE],
      /--tag: .*reserved prefix/,
    ],
    [
      'bad instance class',
      ['clone', '--source', 'p', '--instance-class', 'large', ...NOWHERE],
      /--instance-class: "large"/,
    ],
    [
      'clone limit too high',
      ['status', '--source', 'p', '--max-clones-per-source', '16', ...NOWHERE],
      /--max-clones-per-source: must be a whole number from 1 to 15 \(AWS makes at most 15 clones/,
    ],
    [
      'clone limit not a number',
      ['status', '--source', 'p', '--max-clones-per-source', 'ten', ...NOWHERE],
      /--max-clones-per-source: "ten" is not a whole number/,
    ],
    [
      'bad endpoint',
      ['status', '--source', 'p', '--endpoint-url', 'localhost:4510'],
      /--endpoint-url: "localhost:4510"/,
    ],
    [
      'bad region',
      ['status', '--source', 'p', '--region', 'mars', ...NOWHERE],
      /--region: "mars" is not an AWS region/,
    ],
    ['flag without value', ['status', '--source'], /--source: expects a value/],
    ['boolean with value', ['clone', '--source', 'p', '--wait=yes'], /--wait: does not take a value/],
    ['stray argument', ['status', 'prod', '--source', 'p'], /argument "prod": unexpected/],
    ['delete without id', ['delete', ...NOWHERE], /ID: the cluster to delete is required/],
    [
      'delete bad id',
      ['delete', 'not_an_id', ...NOWHERE],
      /ID: "not_an_id" is not a valid cluster identifier/,
    ],
    ['delete two ids', ['delete', 'a', 'b', ...NOWHERE], /argument "b": unexpected/],
    [
      'negative target',
      ['maintain', '--source', 'p', '--target-slots=-1', ...NOWHERE],
      /--target-slots: must be a whole number from 0 to 300 \(every 15 slots above the free capacity is a billed full copy.*got -1$/,
    ],
    [
      'missing target',
      ['maintain', '--source', 'p', ...NOWHERE],
      /--target-slots: is required unless --config/,
    ],
    [
      'config and source',
      ['maintain', '--config', 'x.json', '--source', 'p', ...NOWHERE],
      /--source: cannot be combined with --config/,
    ],
    [
      'missing config file',
      ['maintain', '--config', '/nonexistent/acm.json', ...NOWHERE],
      /--config: cannot read \/nonexistent\/acm.json: no such file/,
    ],
    ['demo takes no endpoint', ['demo', ...NOWHERE], /--endpoint-url: unknown option for "demo"/],
    ['demo clone count', ['demo', '--clones', '0'], /--clones: must be a whole number from 1 to 30, got 0/],
  ];
  for (const [name, argv, expected] of cases) {
    it(name, async () => {
      assert.match(await usageError(argv), expected);
    });
  }

  it('a maintenance config with a bad entry names its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acm-cli-'));
    const file = join(dir, 'maintenance.json');
    writeFileSync(
      file,
      JSON.stringify([{ clusterId: 'prod', targetCloneSlots: 10, maxCopyAge: 'P1D', extra: 1 }]),
    );
    assert.match(
      await usageError(['maintain', '--config', file, ...NOWHERE]),
      /--config \[0\]\.extra: unknown key/,
    );
    writeFileSync(file, '[{"clusterId": "prod",');
    assert.match(
      await usageError(['maintain', '--config', file, ...NOWHERE]),
      /--config: .* is not valid JSON/,
    );
  });

  it('with --json the error is also one JSON document on stdout', async () => {
    const r = await run(['status', '--json', '--source', 'bad_id', ...NOWHERE]);
    assert.equal(r.code, 2);
    const doc = JSON.parse(r.stdout) as {
      error: { name: string; message: string; exitCode: number; field: string };
    };
    assert.equal(doc.error.name, 'ValidationError');
    assert.equal(doc.error.exitCode, 2);
    assert.equal(doc.error.field, '--source');
    assert.match(r.stderr, /^aurora-clone-manager: --source: /);
  });
});

describe('lease tables', () => {
  // These commands do reach AWS: an emulator answers at once, where the port of NOWHERE would be
  // retried for seconds.
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  after(() => emulator.stop());

  it('warns that a table other than the shared one, or none, is not serialised with the others', async () => {
    const at = ['--endpoint-url', emulator.url];
    const own = await run(['status', '--source', 'prod', '--lease-table', 'my-table', ...at]);
    assert.match(
      own.stderr,
      /^warning: --lease-table my-table: only requests using this table are serialised/m,
    );
    const none = await run(['status', '--source', 'prod', '--lease-table', 'none', ...at]);
    assert.match(none.stderr, /^warning: --lease-table none: the lease is kept in this process only/m);
    const shared = await run(['status', '--source', 'prod', ...at]);
    assert.doesNotMatch(shared.stderr, /warning/);
  });
});
