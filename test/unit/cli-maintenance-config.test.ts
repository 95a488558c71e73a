import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AcmError } from '../../src/util/errors.ts';
import { parseMaintenanceConfig } from '../../src/validation/index.ts';

function problem(data: unknown): string {
  try {
    parseMaintenanceConfig(data, '--config');
  } catch (err) {
    assert.ok(err instanceof AcmError);
    assert.equal(err.exitCode, 2);
    return err.message;
  }
  assert.fail('expected the config to be refused');
}

describe('parseMaintenanceConfig', () => {
  it('accepts a list of sources with every known field', () => {
    const config = [
      { clusterId: 'prod', targetCloneSlots: 30 },
      {
        clusterId: 'staging',
        targetCloneSlots: 0,
        maxCopyAge: 'P2D',
        maxClonesPerSource: 10,
        copyInstanceClass: 'db.r6g.large',
        purgeObsoleteCopies: false,
        deleteExpiredClones: true,
        dryRun: true,
      },
    ];
    assert.deepEqual(parseMaintenanceConfig(config, '--config'), config);
  });

  it('refuses anything but a non-empty list', () => {
    assert.match(problem({ clusterId: 'prod' }), /^--config: must be a JSON list/);
    assert.match(problem([]), /^--config: lists no sources/);
    assert.match(problem(['prod']), /^--config \[0\]: must be an object/);
  });

  it('names an unknown key with its path, so a typo fails loudly', () => {
    assert.match(
      problem([{ clusterId: 'prod', targetCloneSlots: 3, maxCopyAgee: 'P1D' }]),
      /^--config \[0\]\.maxCopyAgee: unknown key/,
    );
  });

  it('reports every bad field at once, each with its path', () => {
    const message = problem([
      { clusterId: 'prod', targetCloneSlots: 1 },
      { clusterId: '9lives', targetCloneSlots: -1, maxCopyAge: 'three days', maxClonesPerSource: 16 },
    ]);
    assert.match(
      message,
      /--config \[1\]\.clusterId: "9lives" is not a valid cluster identifier: must start with a letter/,
    );
    assert.match(
      message,
      /--config \[1\]\.targetCloneSlots: must be a whole number from 0 to 300 .*, got -1/,
    );
    assert.match(message, /--config \[1\]\.maxCopyAge: "three days" is not a duration/);
    assert.match(message, /--config \[1\]\.maxClonesPerSource: must be a whole number from 1 to 15/);
    assert.doesNotMatch(message, /\[0\]/);
    assert.doesNotMatch(message, /\n/);
  });

  it('requires clusterId and targetCloneSlots, and refuses wrong types', () => {
    assert.match(problem([{ targetCloneSlots: 1 }]), /\[0\]\.clusterId: is required/);
    assert.match(problem([{ clusterId: 'prod' }]), /\[0\]\.targetCloneSlots: is required/);
    assert.match(
      problem([{ clusterId: 'prod', targetCloneSlots: '3' }]),
      /targetCloneSlots: must be a whole number/,
    );
    assert.match(
      problem([{ clusterId: 'prod', targetCloneSlots: 3, dryRun: 'yes' }]),
      /dryRun: must be true or false/,
    );
  });

  it('refuses the same source listed twice', () => {
    assert.match(
      problem([
        { clusterId: 'prod', targetCloneSlots: 1 },
        { clusterId: 'prod', targetCloneSlots: 2 },
      ]),
      /\[1\]\.clusterId: "prod" is listed twice/,
    );
  });
});
