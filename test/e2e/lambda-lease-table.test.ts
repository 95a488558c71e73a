// Custom::AuroraCloneLeaseTable through the bundle: every stack in an account and Region shares one
// lease table with the CLI; the first stack makes it, a second finds it, deleting either keeps it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { type CfnHarness, REGION, startCfnHarness } from '../helpers/cfn-harness.ts';

const TYPE = 'Custom::AuroraCloneLeaseTable';

describe('the shared lease table resource', () => {
  let h: CfnHarness;
  let tables: () => Promise<string[]>;

  before(async () => {
    h = await startCfnHarness();
    const ddb = new DynamoDBClient({
      endpoint: h.emulator.url,
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    tables = async () => (await ddb.send(new ListTablesCommand({}))).TableNames ?? [];
  });
  after(async () => {
    await h?.stop();
  });

  it('is made by the first stack, found by a second, and kept when either is deleted', async () => {
    // Act
    const first = await h.send(
      'Create',
      { TableName: 'shared-leases' },
      { resourceType: TYPE, logicalResourceId: 'LeaseTable' },
    );
    const second = await h.send(
      'Create',
      { TableName: 'shared-leases' },
      { resourceType: TYPE, logicalResourceId: 'LeaseTable', requestId: 'second-stack' },
    );
    const deleted = await h.send(
      'Delete',
      { TableName: 'shared-leases' },
      { resourceType: TYPE, logicalResourceId: 'LeaseTable', physicalResourceId: 'shared-leases' },
    );
    // Assess
    for (const r of [first, second, deleted]) assert.equal(r.body.Status, 'SUCCESS', r.body.Reason);
    assert.equal(first.body.PhysicalResourceId, 'shared-leases');
    assert.equal(first.body.Data?.TableName, 'shared-leases');
    assert.equal(second.body.PhysicalResourceId, 'shared-leases');
    assert.ok((await tables()).includes('shared-leases'), 'the table outlives the stack');
  });

  it('names a bad or unknown property and makes nothing', async () => {
    const before = await tables();
    const bad = await h.send('Create', { TableName: 'x' }, { resourceType: TYPE });
    const typo = await h.send('Create', { TableName: 'fine-name', Tablename: 'y' }, { resourceType: TYPE });
    assert.equal(bad.body.Status, 'FAILED');
    assert.match(bad.body.Reason ?? '', /^TableName: "x" is not a DynamoDB table name/);
    assert.equal(typo.body.Status, 'FAILED');
    assert.match(typo.body.Reason ?? '', /^Tablename: unknown property/);
    assert.deepEqual(await tables(), before);
  });
});
