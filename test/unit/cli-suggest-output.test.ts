import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envLines, textOf } from '../../src/cli/output.ts';
import { Progress } from '../../src/cli/progress.ts';
import { closest } from '../../src/cli/suggest.ts';

describe('did you mean', () => {
  const commands = ['clone', 'delete', 'status', 'maintain', 'demo', 'list', 'get', 'extend', 'emulator'];

  it('finds typos, swapped letters and the start of a longer name', () => {
    assert.equal(closest('clnoe', commands), 'clone');
    assert.equal(closest('stauts', commands), 'status');
    assert.equal(closest('maintian', commands), 'maintain');
    assert.equal(closest('emulater', commands), 'emulator');
    assert.equal(closest('instance', ['instance-class', 'ttl']), 'instance-class');
  });

  it('suggests nothing when no name is close', () => {
    assert.equal(closest('frobnicate', commands), undefined);
    assert.equal(closest('x', commands), undefined);
  });
});

describe('--output text and env', () => {
  it('prints a record as key<TAB>value lines and a list as one line per record', () => {
    assert.equal(
      textOf({ clusterId: 'a', port: 5432, nested: { x: 1 }, none: undefined }),
      'clusterId\ta\nport\t5432\nnone\t\n',
    );
    assert.equal(
      textOf([
        { id: 'a', n: 1 },
        { id: 'b', n: 2 },
      ]),
      'a\t1\nb\t2\n',
    );
  });

  it('prints KEY=value lines a shell can source, quoting only what needs it', () => {
    assert.equal(
      envLines([
        ['PGHOST', 'c.cluster-x.us-east-1.rds.amazonaws.com'],
        ['PGPORT', 5432],
        ['PGDATABASE', undefined],
        ['ODD', "it's here"],
      ]),
      "PGHOST=c.cluster-x.us-east-1.rds.amazonaws.com\nPGPORT=5432\nODD='it'\\''s here'\n",
    );
  });
});

describe('progress while waiting', () => {
  function capture(tty: boolean) {
    const lines: string[] = [];
    return { lines, io: { stdout: () => {}, stderr: (s: string) => lines.push(s), stderrIsTTY: tty } };
  }

  it('in a log, prints each change once with what is typical on AWS', () => {
    const { lines, io } = capture(false);
    const p = new Progress(io, 'clone of prod', 60_000);
    p.onProgress({ clusterId: 'prod-copy-1', phase: 'copy', status: 'cluster creating', elapsedMs: 0 });
    p.onProgress({ clusterId: 'prod-copy-1', phase: 'copy', status: 'cluster creating', elapsedMs: 5_000 });
    p.onProgress({
      clusterId: 'prod-x',
      phase: 'clone',
      status: 'writer prod-x-writer creating',
      elapsedMs: 1_000,
    });
    assert.equal(lines.length, 2);
    assert.match(
      lines[0]!,
      /^ {2}… copy prod-copy-1: cluster creating \(\d+s elapsed, 0s in this phase; full copy: typically hours on AWS\)\n$/,
    );
    assert.match(
      lines[1]!,
      /clone prod-x: writer prod-x-writer creating .*clone: typically 10-15 min on AWS/,
    );
    assert.equal(p.current?.clusterId, 'prod-x');
  });
});
