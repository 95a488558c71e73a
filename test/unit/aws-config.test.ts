import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientConfig } from '../../src/aws/config.ts';

describe('clientConfig', () => {
  it('prefers the explicit endpoint, then the service variable, then the general one', () => {
    const env = { AWS_ENDPOINT_URL_RDS: 'http://127.0.0.1:1', AWS_ENDPOINT_URL: 'http://127.0.0.1:2' };
    assert.equal(clientConfig({ endpoint: 'http://127.0.0.1:3' }, 'RDS', env).endpoint, 'http://127.0.0.1:3');
    assert.equal(clientConfig({}, 'RDS', env).endpoint, 'http://127.0.0.1:1');
    assert.equal(clientConfig({}, 'SSM', env).endpoint, 'http://127.0.0.1:2');
  });

  it('treats an empty service variable as unset instead of falling back to AWS', () => {
    const env = { AWS_ENDPOINT_URL_RDS: '', AWS_ENDPOINT_URL: 'http://127.0.0.1:2' };
    assert.equal(clientConfig({}, 'RDS', env).endpoint, 'http://127.0.0.1:2');
  });

  it('gives local endpoints throwaway credentials and leaves AWS to the default chain', () => {
    assert.deepEqual(clientConfig({ endpoint: 'http://localhost:4510' }, 'RDS', {}).credentials, {
      accessKeyId: 'test',
      secretAccessKey: 'test',
    });
    assert.equal(clientConfig({}, 'RDS', {}).credentials, undefined);
    assert.equal(clientConfig({}, 'RDS', {}).region, 'us-east-1');
    assert.equal(clientConfig({}, 'RDS', { AWS_REGION: 'eu-west-1' }).region, 'eu-west-1');
  });
});
