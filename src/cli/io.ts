// Where the CLI writes and what it reads from its surroundings. Tests pass a captured Io; the
// binary passes the process's streams and environment.

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  /** stderr is a terminal: progress lines are shown while waiting. */
  stderrIsTTY?: boolean;
  /** Environment for defaults (AWS_ENDPOINT_URL…, ACM_LEASE_TABLE); process.env when absent. */
  env?: NodeJS.ProcessEnv;
}

export function processIo(): Io {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
  };
}
