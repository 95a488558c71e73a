// The dry-run output: what a user reads to learn why the manager chose what it chose.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PLAN_VERSION } from '../../../src/model/plan.ts';
import { formatPlan, formatTable } from '../../../src/planner/explain.ts';
import { planProvision } from '../../../src/planner/provision.ts';
import { clones, copy, inventory, MANAGER_ID, NOW, root } from '../../helpers/builders.ts';
import { provisionPolicy } from './policies.ts';

describe('formatPlan', () => {
  it('prints the sources as aligned columns and the numbered steps with their reasons', () => {
    // Prepare
    const r = root({ id: 'prod' });
    const fresh = copy({ id: 'prod-fresh-copy', of: r, ageHours: 5 });
    const old = copy({ id: 'prod-old', of: r, ageDays: 4 });
    const plan = planProvision({
      inventory: inventory(r, fresh, old, ...clones(15, r), ...clones(2, fresh)),
      request: provisionPolicy(),
      managerId: MANAGER_ID,
      now: NOW,
    });
    // Act
    const text = formatPlan(plan);
    // Assess
    const lines = text.split('\n');
    const header = lines.find((l) => l.includes('SOURCE'));
    assert.ok(header, text);
    const rowFor = (id: string) => lines.find((l) => l.trimStart().startsWith(`${id} `)) ?? '';
    for (const column of ['KIND', 'STATUS', 'USED', 'FREE', 'AGE', 'DATA TIMESTAMP', 'FRESH', 'NOTE']) {
      const at = header.indexOf(column);
      for (const id of ['prod', 'prod-fresh-copy', 'prod-old']) {
        const row = rowFor(id);
        assert.notEqual(row[at], ' ', `${column} of ${id} starts at column ${at}:\n${text}`);
        assert.equal(row[at - 1], ' ', `${column} of ${id} is aligned:\n${text}`);
      }
    }
    assert.match(rowFor('prod'), /no free slot \(15\/15 used\)/);
    assert.match(rowFor('prod-fresh-copy'), / 5h .*chosen$/);
    assert.match(rowFor('prod-old'), /obsolete/);
    assert.match(
      text,
      /\n {2}1\. clone prod-20261125t100000z from prod-fresh-copy \[under the lease\]\n {5}why: /,
    );
    assert.match(
      text,
      /\n {2}2\. create writer prod-20261125t100000z-writer of prod-20261125t100000z \(db\.r6g\.large\)\n {5}why: /,
    );
    assert.match(text, /\n {2}3\. delete copy prod-old \(instances prod-old-instance-1\)\n {5}why: obsolete/);
    assert.match(text, /Free clone slots: 13 before, 12 after/);
  });

  it('says when there is nothing to do', () => {
    const text = formatPlan({
      version: PLAN_VERSION,
      operation: 'delete',
      rootClusterId: '',
      createdAt: NOW.toISOString(),
      sources: [],
      steps: [],
      notes: ['cluster x does not exist (already deleted): nothing to do'],
    });
    assert.match(
      text,
      /^delete plan \(made 2026-11-25T10:00:00.000Z\)\n\nSteps: none\n\nNotes:\n {2}- cluster x/,
    );
  });
});

describe('formatTable', () => {
  it('pads every column to its widest cell and trims line ends', () => {
    assert.equal(
      formatTable(
        ['A', 'BB'],
        [
          ['xxx', 'y'],
          ['z', ''],
        ],
      ),
      'A    BB\nxxx  y\nz',
    );
  });
});
