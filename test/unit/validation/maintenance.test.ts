// The maintenance config and its entries: the same rules as a provision request, every problem named
// by its path in the config (`--config [0].copyInstanceClass`, `<ssm parameter> [2].targetCloneSlots`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MaintenanceSource } from '../../../src/model/api.ts';
import { parseMaintenanceConfig, validateMaintenanceSource } from '../../../src/validation/index.ts';
import { fieldsOf, problem } from './helpers.ts';

const DEFAULTS = { maxClonesPerSource: 15, maxCopyAgeMs: 86_400_000 };

describe('validateMaintenanceSource', () => {
  it('applies the defaults', () => {
    assert.deepEqual(
      validateMaintenanceSource({ clusterId: 'prod', targetCloneSlots: 30 }, DEFAULTS, 'sources[0]'),
      {
        clusterId: 'prod',
        targetCloneSlots: 30,
        maxClonesPerSource: 15,
        maxCopyAgeMs: 86_400_000,
        purgeObsoleteCopies: true,
        deleteExpiredClones: true,
        // Demand decides between the floor and three copies' worth; no warm clones unless asked.
        maxCloneSlots: 45,
        demandWindowMs: 3 * 3_600_000,
        lowWaterSlots: 5,
        warmClones: 0,
        warmCloneTtlMs: 12 * 3_600_000,
        pauseWhenIdle: false,
      },
    );
  });

  it('takes every field the entry sets, db.serverless included', () => {
    const source: MaintenanceSource = {
      clusterId: 'prod',
      targetCloneSlots: 0,
      maxCopyAge: 'PT12H',
      maxClonesPerSource: 4,
      copyInstanceClass: 'db.serverless',
      purgeObsoleteCopies: false,
      deleteExpiredClones: false,
      maxCloneSlots: 20,
      demandWindow: 'PT90M',
      lowWaterSlots: 2,
      warmClones: 3,
      warmCloneTtl: 'PT6H',
      warmCloneInstanceClass: 'db.r6g.large',
      dryRun: true,
    };
    assert.deepEqual(validateMaintenanceSource(source, DEFAULTS, 's'), {
      clusterId: 'prod',
      targetCloneSlots: 0,
      maxClonesPerSource: 4,
      maxCopyAgeMs: 12 * 3_600_000,
      copyInstanceClass: 'db.serverless',
      purgeObsoleteCopies: false,
      deleteExpiredClones: false,
      maxCloneSlots: 20,
      demandWindowMs: 90 * 60_000,
      lowWaterSlots: 2,
      warmClones: 3,
      warmCloneTtlMs: 6 * 3_600_000,
      warmCloneInstanceClass: 'db.r6g.large',
      pauseWhenIdle: false,
    });
  });

  it('refuses a ceiling under the floor, a demand window over a day and more warm clones than it allows, naming the fields', () => {
    const bad = {
      clusterId: 'prod',
      targetCloneSlots: 30,
      maxCloneSlots: 20,
      demandWindow: 'P2D',
      warmClones: 51,
    } as MaintenanceSource;
    assert.deepEqual(
      fieldsOf(() => validateMaintenanceSource(bad, DEFAULTS, 'sources[0]')),
      ['sources[0].demandWindow', 'sources[0].maxCloneSlots', 'sources[0].warmClones'],
    );
    const longWindow = { clusterId: 'prod', targetCloneSlots: 0, demandWindow: '36h' };
    assert.equal(
      problem(() => validateMaintenanceSource(longWindow, DEFAULTS, 'c'), 'c.demandWindow'),
      'c.demandWindow: 1d 12h is longer than a day (P1D): the hours ahead are compared with the same hours of each of the last 7 days',
    );
    const noServerless = { clusterId: 'prod', targetCloneSlots: 0, pauseWhenIdle: true } as MaintenanceSource;
    assert.deepEqual(
      fieldsOf(() => validateMaintenanceSource(noServerless, DEFAULTS, 's')),
      ['s.pauseWhenIdle'],
    );
  });

  it('names each problem by its path, or by the names the edge gives', () => {
    const bad = {
      clusterId: 'prod',
      targetCloneSlots: 301,
      copyInstanceClass: 'r6g.large',
    } as MaintenanceSource;
    assert.deepEqual(
      fieldsOf(() => validateMaintenanceSource(bad, DEFAULTS, 'sources[2]')),
      ['sources[2].copyInstanceClass', 'sources[2].targetCloneSlots'],
    );
    const flags = { targetCloneSlots: '--target-slots', copyInstanceClass: '--copy-instance-class' };
    assert.deepEqual(
      fieldsOf(() => validateMaintenanceSource(bad, DEFAULTS, 'source', flags)),
      ['--copy-instance-class', '--target-slots'],
    );
  });

  it('requires clusterId and targetCloneSlots', () => {
    assert.deepEqual(
      fieldsOf(() => validateMaintenanceSource({} as MaintenanceSource, DEFAULTS, 's')),
      ['s.clusterId', 's.targetCloneSlots'],
    );
  });
});

describe('parseMaintenanceConfig', () => {
  it('returns the entries of a valid config, and is what the engine re-exports', () => {
    const config = [{ clusterId: 'prod', targetCloneSlots: 30, copyInstanceClass: 'db.r6g.large' }];
    assert.deepEqual(parseMaintenanceConfig(config, '--config'), config);
  });

  it('names the path in the style of its source: the flag or the SSM parameter', () => {
    const config = [
      { clusterId: 'a', targetCloneSlots: 1 },
      { clusterId: 'b', targetCloneSlots: 1, copyInstanceClass: 'large' },
    ];
    assert.match(
      problem(
        () => parseMaintenanceConfig(config, '/stack/maintenance-config'),
        '/stack/maintenance-config [1].copyInstanceClass',
      ),
      /"large" is not a DB instance class/,
    );
  });

  it('refuses __proto__, constructor and prototype keys, and unknown keys', () => {
    const proto = JSON.parse('[{"clusterId": "prod", "targetCloneSlots": 1, "__proto__": {"dryRun": true}}]');
    assert.match(
      problem(() => parseMaintenanceConfig(proto, '--config'), '--config [0].__proto__'),
      /is not allowed/,
    );
    for (const key of ['constructor', 'prototype']) {
      assert.match(
        problem(
          () => parseMaintenanceConfig([{ clusterId: 'p', targetCloneSlots: 1, [key]: {} }], '--config'),
          `--config [0].${key}`,
        ),
        /is not allowed as a key/,
      );
    }
    assert.match(
      problem(
        () => parseMaintenanceConfig([{ clusterId: 'p', targetCloneSlots: 1, ttl: 'P1D' }], '--config'),
        '--config [0].ttl',
      ),
      /unknown key \(allowed: clusterId, targetCloneSlots/,
    );
  });

  it('refuses the bad values of the spec with one line each', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ clusterId: 'Bad Id' }, 'clusterId', /not a valid cluster identifier/],
      [{ maxCopyAge: '9999999999w' }, 'maxCopyAge', /longer than 10 years/],
      [{ maxClonesPerSource: 16 }, 'maxClonesPerSource', /from 1 to 15/],
      [{ targetCloneSlots: 1000 }, 'targetCloneSlots', /from 0 to 300/],
      [{ deleteExpiredClones: 'no' }, 'deleteExpiredClones', /must be true or false/],
    ];
    for (const [change, key, why] of cases) {
      const entry = { clusterId: 'prod', targetCloneSlots: 1, ...change };
      assert.match(
        problem(() => parseMaintenanceConfig([entry], 'cfg'), `cfg [0].${key}`),
        why,
      );
    }
  });

  it('counts Prod and prod as the same source listed twice', () => {
    const config = [
      { clusterId: 'prod', targetCloneSlots: 1 },
      { clusterId: 'Prod', targetCloneSlots: 2 },
    ];
    assert.match(
      problem(() => parseMaintenanceConfig(config, 'c'), 'c [1].clusterId'),
      /"Prod" is listed twice/,
    );
  });
});
