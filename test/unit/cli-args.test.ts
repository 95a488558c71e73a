import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlags, parseTags } from '../../src/cli/args.ts';
import { commonOptions } from '../../src/cli/options.ts';
import { DEFAULT_LEASE_TABLE } from '../../src/model/api.ts';
import { ValidationError } from '../../src/util/errors.ts';
import { checkEndpointUrl, checkInstanceClass } from '../../src/validation/index.ts';

const OPTIONS = {
  source: { type: 'string' },
  ttl: { type: 'string' },
  since: { type: 'string' },
  n: { type: 'string' },
  wait: { type: 'boolean' },
  tag: { type: 'string', multiple: true },
} as const;

/** The ValidationError a function throws, so tests can check the field and the message. */
function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    return err;
  }
  assert.fail('expected a ValidationError');
}

const io = (env: NodeJS.ProcessEnv = {}) => ({ stdout() {}, stderr() {}, env });

describe('parseFlags', () => {
  it('reads strings, booleans and repeated flags', () => {
    const flags = parseFlags('clone', ['--source', 'prod', '--wait', '--tag', 'a=1', '--tag=b=2'], OPTIONS);
    assert.equal(flags.required('source'), 'prod');
    assert.equal(flags.bool('wait'), true);
    assert.deepEqual(flags.list('tag'), ['a=1', 'b=2']);
  });

  it('names an unknown flag', () => {
    const err = validationError(() => parseFlags('clone', ['--sorce', 'prod'], OPTIONS));
    assert.equal(err.field, '--sorce');
    assert.match(err.message, /^--sorce: unknown option for "clone"/);
  });

  it('names a flag whose value is missing', () => {
    const err = validationError(() => parseFlags('clone', ['--source'], OPTIONS));
    assert.equal(err.message, '--source: expects a value');
  });

  it('names a flag whose value looks like another flag', () => {
    const err = validationError(() => parseFlags('clone', ['--source', '--wait'], OPTIONS));
    assert.equal(err.field, '--source');
    assert.match(err.message, /write --source=VALUE/);
  });

  it('names a boolean flag given a value', () => {
    const err = validationError(() => parseFlags('clone', ['--wait=yes'], OPTIONS));
    assert.equal(err.message, '--wait: does not take a value');
  });

  it('refuses a stray argument, naming it', () => {
    const err = validationError(() => parseFlags('status', ['prod'], OPTIONS));
    assert.match(err.message, /argument "prod"/);
  });

  it('accepts as many positionals as the command takes', () => {
    assert.deepEqual(parseFlags('delete', ['c1'], OPTIONS, 1).positionals, ['c1']);
  });

  it('lets --help through even with stray arguments', () => {
    assert.equal(parseFlags('status', ['x', '--help'], OPTIONS).bool('help'), true);
  });

  it('requires a flag, pointing to the help', () => {
    const flags = parseFlags('clone', [], OPTIONS);
    const err = validationError(() => flags.required('source'));
    assert.equal(err.message, '--source: is required (see aurora-clone-manager clone --help)');
  });

  it('refuses an empty value', () => {
    const err = validationError(() => parseFlags('clone', ['--source='], OPTIONS).string('source'));
    assert.equal(err.message, '--source: must not be empty');
  });

  it('validates identifiers with the rule that failed', () => {
    const cases: [string, RegExp][] = [
      ['1prod', /must start with a letter/],
      ['pro--d', /two consecutive hyphens/],
      ['prod-', /must not end with a hyphen/],
      ['pr_od', /letters, digits and hyphens/],
      ['a'.repeat(64), /at most 63/],
    ];
    for (const [id, why] of cases) {
      const err = validationError(() =>
        parseFlags('clone', ['--source', id], OPTIONS).requiredIdentifier('source'),
      );
      assert.equal(err.field, '--source');
      assert.match(err.message, why);
    }
    assert.equal(parseFlags('clone', ['--source', 'Prod-1'], OPTIONS).requiredIdentifier('source'), 'Prod-1');
  });

  it('parses durations in ISO and short form, refusing anything else', () => {
    assert.equal(parseFlags('clone', ['--ttl', '8h'], OPTIONS).duration('ttl'), 8 * 3_600_000);
    assert.equal(parseFlags('clone', ['--ttl', 'P3D'], OPTIONS).duration('ttl'), 3 * 86_400_000);
    for (const bad of ['8 hours', 'P1Y', '0h', '-1h']) {
      const err = validationError(() => parseFlags('clone', [`--ttl=${bad}`], OPTIONS).duration('ttl'));
      assert.match(err.message, /^--ttl: ".*" is not a duration/);
    }
  });

  it('parses ISO instants, refusing dates that are not', () => {
    const d = parseFlags('clone', ['--since', '2026-11-24T08:00:00Z'], OPTIONS).instant('since');
    assert.equal(d?.toISOString(), '2026-11-24T08:00:00.000Z');
    const err = validationError(() =>
      parseFlags('clone', ['--since', 'yesterday'], OPTIONS).instant('since'),
    );
    assert.match(err.message, /^--since: "yesterday" is not an ISO-8601 instant/);
  });

  it('checks whole numbers and their range', () => {
    assert.equal(parseFlags('x', ['--n', '0'], OPTIONS).integer('n', 0), 0);
    assert.match(
      validationError(() => parseFlags('x', ['--n=-1'], OPTIONS).integer('n', 0)).message,
      /^--n: must be a whole number of at least 0, got -1$/,
    );
    assert.match(
      validationError(() => parseFlags('x', ['--n', '2.5'], OPTIONS).integer('n', 0)).message,
      /not a whole number/,
    );
    assert.match(
      validationError(() => parseFlags('x', ['--n', '16'], OPTIONS).integer('n', 1, 15)).message,
      /^--n: must be a whole number from 1 to 15, got 16$/,
    );
  });
});

describe('parseTags', () => {
  it('turns key=value pairs into a map, values may contain =', () => {
    assert.deepEqual(parseTags('--tag', ['team=data', 'q=a=b', 'empty=']), {
      team: 'data',
      q: 'a=b',
      empty: '',
    });
  });

  it('refuses a pair without =, an empty key, a reserved prefix and a repeated key', () => {
    assert.match(
      validationError(() => parseTags('--tag', ['team'])).message,
      /^--tag: "team" must have the form key=value/,
    );
    assert.match(validationError(() => parseTags('--tag', ['=x'])).message, /key=value/);
    assert.match(
      validationError(() => parseTags('--tag', ['aurora-clone-manager:role=copy'])).message,
      /reserved prefix/,
    );
    assert.match(validationError(() => parseTags('--tag', ['aws:x=1'])).message, /reserved prefix/);
    assert.match(validationError(() => parseTags('--tag', ['a=1', 'a=2'])).message, /given twice/);
  });
});

describe('value checks', () => {
  it('accepts instance classes and refuses others', () => {
    assert.equal(checkInstanceClass('db.r6g.large', '--instance-class'), 'db.r6g.large');
    assert.equal(checkInstanceClass('db.serverless', '--instance-class'), 'db.serverless');
    assert.match(
      validationError(() => checkInstanceClass('r6g.large', '--instance-class')).message,
      /^--instance-class:/,
    );
  });

  it('accepts http(s) endpoint URLs only', () => {
    assert.equal(checkEndpointUrl('http://127.0.0.1:4510/', '--endpoint-url'), 'http://127.0.0.1:4510');
    assert.match(validationError(() => checkEndpointUrl('127.0.0.1:4510', '--endpoint-url')).message, /http/);
    assert.match(
      validationError(() => checkEndpointUrl('not a url', '--endpoint-url')).message,
      /^--endpoint-url:/,
    );
  });
});

describe('commonOptions', () => {
  const parse = (argv: string[]) => parseFlags('status', argv, {});

  it('defaults the lease table to ACM_LEASE_TABLE, then the built-in name', () => {
    assert.equal(commonOptions(parse([]), io()).manager.leaseTable, DEFAULT_LEASE_TABLE);
    assert.equal(
      commonOptions(parse([]), io({ ACM_LEASE_TABLE: 'team-leases' })).manager.leaseTable,
      'team-leases',
    );
    assert.equal(
      commonOptions(parse(['--lease-table', 'mine']), io({ ACM_LEASE_TABLE: 'team-leases' })).manager
        .leaseTable,
      'mine',
    );
    assert.equal(commonOptions(parse(['--lease-table', 'none']), io()).manager.leaseTable, false);
  });

  it('names the environment variable when its table name is invalid', () => {
    const err = validationError(() => commonOptions(parse([]), io({ ACM_LEASE_TABLE: 'x' })));
    assert.equal(err.field, 'ACM_LEASE_TABLE');
  });

  it('passes endpoint, region, manager id and clone limit through', () => {
    const { manager, output } = commonOptions(
      parse([
        '--endpoint-url',
        'http://127.0.0.1:9/',
        '--region',
        'eu-west-1',
        '--manager-id',
        'ci',
        '--max-clones-per-source',
        '5',
        '--json',
      ]),
      io(),
    );
    assert.equal(output, 'json');
    assert.deepEqual(manager.aws, { endpoint: 'http://127.0.0.1:9', region: 'eu-west-1' });
    assert.equal(manager.managerId, 'ci');
    assert.equal(manager.maxClonesPerSource, 5);
  });

  it('refuses a clone limit outside 1–15 and a bad region, naming the flag', () => {
    assert.match(
      validationError(() => commonOptions(parse(['--max-clones-per-source', '16']), io())).message,
      /^--max-clones-per-source: must be a whole number from 1 to 15 \(AWS makes at most 15 clones per clone group\), got 16$/,
    );
    assert.match(
      validationError(() => commonOptions(parse(['--max-clones-per-source', '0']), io())).message,
      /^--max-clones-per-source:/,
    );
    assert.match(
      validationError(() => commonOptions(parse(['--region', 'Europe']), io())).message,
      /^--region:/,
    );
    assert.match(
      validationError(() => commonOptions(parse(['--manager-id', '-x']), io())).message,
      /^--manager-id:/,
    );
  });
});
