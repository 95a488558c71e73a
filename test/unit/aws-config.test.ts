import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { clientConfig, endpointFor, isAwsEndpoint, resolveAwsConfig } from '../../src/aws/config.ts';
import { AwsConfigurationError } from '../../src/util/errors.ts';

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
  });

  it('never guesses a Region for AWS: an unresolved config leaves it to the SDK', () => {
    assert.equal(clientConfig({}, 'RDS', {}).region, undefined);
    assert.equal(clientConfig({ region: 'eu-west-1' }, 'RDS', {}).region, 'eu-west-1');
    assert.equal(clientConfig({ profile: 'dev' }, 'RDS', {}).profile, 'dev');
  });
});

describe('isAwsEndpoint', () => {
  it('knows AWS hosts, VPC endpoints included, from everything else', () => {
    assert.equal(isAwsEndpoint(undefined), true);
    assert.equal(isAwsEndpoint('https://rds.eu-west-1.amazonaws.com'), true);
    assert.equal(isAwsEndpoint('https://vpce-0a1b.rds.eu-west-1.vpce.amazonaws.com'), true);
    assert.equal(isAwsEndpoint('https://rds.cn-north-1.amazonaws.com.cn'), true);
    assert.equal(isAwsEndpoint('http://127.0.0.1:4510'), false);
    assert.equal(isAwsEndpoint('http://emulator.internal:4510'), false);
    assert.equal(isAwsEndpoint('https://amazonaws.com.evil.example'), false);
  });
});

describe('resolveAwsConfig', () => {
  // Prepare: a home with the two files the AWS CLI reads.
  function home(config: string, credentials = ''): NodeJS.ProcessEnv {
    const dir = mkdtempSync(join(tmpdir(), 'acm-aws-'));
    mkdirSync(join(dir, '.aws'));
    writeFileSync(join(dir, '.aws', 'config'), config);
    writeFileSync(join(dir, '.aws', 'credentials'), credentials);
    return { HOME: dir };
  }
  const profiles = `[default]
region = us-west-2

[profile dev]
region = eu-west-1

[profile local]
region = ap-south-1
services = emulator

[services emulator]
rds =
  endpoint_url = http://127.0.0.1:4999
dynamodb =
  endpoint_url = http://127.0.0.1:4998
`;

  it('takes the Region of the profile the AWS CLI would use', async () => {
    const env = home(profiles);
    assert.equal((await resolveAwsConfig({}, env)).region, 'us-west-2');
    assert.equal((await resolveAwsConfig({}, { ...env, AWS_PROFILE: 'dev' })).region, 'eu-west-1');
    assert.equal((await resolveAwsConfig({ profile: 'dev' }, env)).region, 'eu-west-1');
    assert.equal((await resolveAwsConfig({ profile: 'dev' }, env)).profile, 'dev');
  });

  it('takes AWS_DEFAULT_PROFILE over AWS_PROFILE, as the AWS CLI does, and names it when it is not there', async () => {
    const env = home(profiles);
    assert.equal(
      (await resolveAwsConfig({}, { ...env, AWS_DEFAULT_PROFILE: 'dev', AWS_PROFILE: 'local' })).region,
      'eu-west-1',
    );
    await assert.rejects(resolveAwsConfig({}, { ...env, AWS_DEFAULT_PROFILE: 'nope' }), {
      name: 'AwsConfigurationError',
      message: /^AWS_DEFAULT_PROFILE nope: no such profile in /,
    });
  });

  it('refuses an access key without its secret, and keys past their expiry, as the AWS CLI does', async () => {
    const env = { ...home(profiles), AWS_PROFILE: 'dev' };
    await assert.rejects(resolveAwsConfig({}, { ...env, AWS_ACCESS_KEY_ID: 'AKIDONLY' }), {
      name: 'AwsConfigurationError',
      message: /^AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not/,
    });
    const keys = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' };
    await assert.rejects(resolveAwsConfig({}, { ...env, ...keys, AWS_CREDENTIAL_EXPIRATION: 'soon' }), {
      message: /^AWS_CREDENTIAL_EXPIRATION: not a date and time: "soon"/,
    });
    await assert.rejects(
      resolveAwsConfig({}, { ...env, ...keys, AWS_CREDENTIAL_EXPIRATION: '2020-01-01T00:00:00Z' }),
      { message: /^the keys in AWS_ACCESS_KEY_ID expired at 2020-01-01T00:00:00Z/ },
    );
    // --profile sets the keys aside, whatever they are; so do credentials given to the library
    const chosen = await resolveAwsConfig({ profile: 'dev' }, { ...env, AWS_ACCESS_KEY_ID: 'AKIDONLY' });
    assert.equal(chosen.credentials, undefined);
    const given = { accessKeyId: 'AKIDGIVEN', secretAccessKey: 'given' };
    const library = await resolveAwsConfig({ credentials: given }, { ...env, AWS_ACCESS_KEY_ID: 'AKIDONLY' });
    assert.deepEqual(library.credentials, given);
    // A secret alone is not a key: the AWS CLI goes on to the profile, and so does this
    assert.equal(
      (await resolveAwsConfig({}, { ...env, AWS_SECRET_ACCESS_KEY: 'secret' })).credentials,
      undefined,
    );
  });

  it('lets --region, AWS_REGION and AWS_DEFAULT_REGION beat the profile, in that order', async () => {
    const env = { ...home(profiles), AWS_PROFILE: 'dev' };
    assert.equal(
      (await resolveAwsConfig({}, { ...env, AWS_DEFAULT_REGION: 'ca-central-1' })).region,
      'ca-central-1',
    );
    assert.equal(
      (await resolveAwsConfig({}, { ...env, AWS_DEFAULT_REGION: 'ca-central-1', AWS_REGION: 'sa-east-1' }))
        .region,
      'sa-east-1',
    );
    assert.equal(
      (await resolveAwsConfig({ region: 'eu-north-1' }, { ...env, AWS_REGION: 'sa-east-1' })).region,
      'eu-north-1',
    );
  });

  it('refuses to guess a Region for AWS, and names where to set one', async () => {
    await assert.rejects(resolveAwsConfig({}, home('')), (err: Error) => {
      assert.ok(err instanceof AwsConfigurationError);
      assert.match(
        err.message,
        /no AWS Region: give --region, set AWS_REGION, or set region in profile default/,
      );
      return true;
    });
  });

  it('gives a local endpoint the emulator Region when nothing names one', async () => {
    const aws = await resolveAwsConfig({ endpoint: 'http://127.0.0.1:4510' }, home(''));
    assert.equal(aws.region, 'us-east-1');
  });

  it('names a profile that does not exist instead of using the default one', async () => {
    await assert.rejects(
      resolveAwsConfig({ profile: 'prod' }, home(profiles)),
      /--profile prod: no such profile in/,
    );
    await assert.rejects(
      resolveAwsConfig({}, { ...home(profiles), AWS_PROFILE: 'prod' }),
      /AWS_PROFILE prod: no such profile/,
    );
  });

  it("finds each service's endpoint as the SDK does: variables first, then the profile's services section", async () => {
    const env = { ...home(profiles), AWS_PROFILE: 'local' };
    const fromProfile = await resolveAwsConfig({}, env);
    assert.equal(endpointFor(fromProfile, 'RDS'), 'http://127.0.0.1:4999');
    assert.equal(endpointFor(fromProfile, 'DYNAMODB'), 'http://127.0.0.1:4998');
    assert.equal(endpointFor(fromProfile, 'KMS'), undefined);
    const fromEnv = await resolveAwsConfig({}, { ...env, AWS_ENDPOINT_URL_RDS: 'http://127.0.0.1:1' });
    assert.equal(endpointFor(fromEnv, 'RDS'), 'http://127.0.0.1:1');
    const ignored = await resolveAwsConfig({}, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' });
    assert.equal(endpointFor(ignored, 'RDS'), undefined);
    const flag = await resolveAwsConfig({ endpoint: 'http://127.0.0.1:2' }, env);
    assert.equal(endpointFor(flag, 'KMS'), 'http://127.0.0.1:2');
  });
});
