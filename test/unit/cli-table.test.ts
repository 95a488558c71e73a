import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatKeyValues, formatTable } from '../../src/cli/table.ts';

describe('formatTable', () => {
  it('aligns every column to its widest cell, numbers to the right', () => {
    // Prepare
    const rows = [
      { id: 'demo-prod', used: 15 },
      { id: 'c', used: 3 },
    ];
    // Act
    const out = formatTable(
      [
        { header: 'SOURCE', value: (r: (typeof rows)[number]) => r.id },
        { header: 'USED', value: (r: (typeof rows)[number]) => r.used, align: 'right' },
      ],
      rows,
    );
    // Assess
    assert.equal(out, 'SOURCE     USED\n---------  ----\ndemo-prod    15\nc             3\n');
  });

  it('shows a dash for missing values and indents every line', () => {
    const out = formatTable([{ header: 'OWNER', value: (r: { owner?: string }) => r.owner }], [{}], '  ');
    assert.deepEqual(out.split('\n'), ['  OWNER', '  -----', '  -', '']);
  });

  it('prints only the header when there are no rows', () => {
    const out = formatTable([{ header: 'A', value: () => 'x' }], []);
    assert.equal(out, 'A\n-\n');
  });
});

describe('formatKeyValues', () => {
  it('aligns the values after the longest label', () => {
    const out = formatKeyValues([
      ['endpoint', 'x.example'],
      ['port', 3306],
      ['reader endpoint', undefined],
    ]);
    assert.equal(out, '  endpoint         x.example\n  port             3306\n  reader endpoint  -\n');
  });
});
