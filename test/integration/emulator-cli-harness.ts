// The AWS CLI against an emulator: throw-away credentials, no user configuration, no retries, no
// pager. Shared by every test that checks the emulator with the AWS CLI.
import { execFile, spawnSync } from 'node:child_process';

export const hasAwsCli = spawnSync('sh', ['-c', 'command -v aws']).status === 0;

export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `aws --endpoint-url <url> --region us-east-1 --output json <args>`; never rejects. */
export function awsCli(url: string, ...args: string[]): Promise<AwsCliResult> {
  return new Promise((resolve) => {
    execFile(
      'aws',
      ['--endpoint-url', url, '--region', 'us-east-1', '--output', 'json', ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_MAX_ATTEMPTS: '1',
          AWS_PAGER: '',
        },
      },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}
