// Where no shared config file exists (a Lambda function), the settings come from the environment
// without reading anything, and are what resolveAwsConfig resolves with the files read and empty.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { clientConfig, resolveAwsConfig } from '../../src/aws/config.ts';

/** A home directory without ~/.aws: what a Lambda function has. */
const emptyHome = (): NodeJS.ProcessEnv => ({ HOME: mkdtempSync(join(tmpdir(), 'acm-no-aws-')) });

const KEYS = {
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SESSION_TOKEN: 'token',
};

describe('resolveAwsConfig with noSharedFiles', () => {
  it('resolves the Region and the endpoints as it does with the files read, and takes the role’s keys', async () => {
    const environments: NodeJS.ProcessEnv[] = [
      { AWS_REGION: 'eu-west-1' },
      { AWS_DEFAULT_REGION: 'eu-west-2', AWS_ENDPOINT_URL: 'http://127.0.0.1:4510' },
      {
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_RDS: 'http://127.0.0.1:1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:2',
      },
      {
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:2',
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      },
      { AWS_ENDPOINT_URL: 'http://localhost:4566' },
    ];
    for (const env of environments) {
      // Act
      const withFiles = await resolveAwsConfig({}, { ...env, ...emptyHome() });
      const without = await resolveAwsConfig(
        { noSharedFiles: true },
        { ...env, ...KEYS, HOME: '/nonexistent' },
      );
      // Assess
      assert.deepEqual(without, {
        ...withFiles,
        noSharedFiles: true,
        credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
      });
    }
  });

  it('reads the files a profile or a variable names, as without it', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'acm-aws-named-'));
    const file = join(dir, 'config');
    writeFileSync(file, '[profile dev]\nregion = ap-south-1\nendpoint_url = http://127.0.0.1:9\n');
    const env = { AWS_CONFIG_FILE: file, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), ...KEYS };
    // Act
    const byProfile = await resolveAwsConfig({ noSharedFiles: true, profile: 'dev' }, env);
    const byVariable = await resolveAwsConfig({ noSharedFiles: true }, { ...env, AWS_PROFILE: 'dev' });
    // Assess: the profile's settings. A profile given sets the keys aside (the SDK's chain reads the
    // profile's); AWS_PROFILE does not, as for the AWS CLI.
    for (const resolved of [byProfile, byVariable]) {
      assert.equal(resolved.region, 'ap-south-1');
      assert.equal(resolved.endpoints?.RDS, 'http://127.0.0.1:9');
    }
    assert.equal(byProfile.credentials, undefined);
    assert.deepEqual(byVariable.credentials, {
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it('takes an expiry, a scope and an account set beside the keys with them, as the SDK’s chain does', async () => {
    // Act
    const resolved = await resolveAwsConfig(
      { noSharedFiles: true },
      {
        AWS_REGION: 'eu-west-1',
        ...KEYS,
        AWS_CREDENTIAL_EXPIRATION: '2030-01-01T00:00:00Z',
        AWS_CREDENTIAL_SCOPE: 'us-east-1',
        AWS_ACCOUNT_ID: '123456789012',
      },
    );
    // Assess
    const expected = {
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date('2030-01-01T00:00:00Z'),
      credentialScope: 'us-east-1',
      accountId: '123456789012',
    };
    assert.deepEqual(resolved.credentials, expected);
    assert.deepEqual(clientConfig(resolved, 'RDS', {}).credentials, expected);
  });

  it('says what is missing when the environment gives no Region', async () => {
    await assert.rejects(resolveAwsConfig({ noSharedFiles: true }, KEYS), {
      name: 'AwsConfigurationError',
      message: /no AWS Region: set AWS_REGION/,
    });
  });

  it('hands the keys to the clients it builds, which then skip the SDK’s credential chain', async () => {
    // Act
    const resolved = await resolveAwsConfig({ noSharedFiles: true }, { AWS_REGION: 'eu-west-1', ...KEYS });
    // Assess
    assert.deepEqual(clientConfig(resolved, 'DYNAMODB', {}).credentials, {
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });
});
