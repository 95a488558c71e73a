// Where the CLI writes and what it reads from its surroundings. Tests pass a captured Io; the
// binary passes the process's streams and environment.

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  /** stderr is a terminal: progress lines are shown while waiting. */
  stderrIsTTY?: boolean;
  /** Environment for defaults (AWS_ENDPOINT_URL…, ACM_LEASE_TABLE); process.env when absent. */
  env?: NodeJS.ProcessEnv;
  /**
   * On Ctrl-C (or SIGTERM) call `say`, then exit 130. Returns the function that removes the handler.
   * Absent in tests that do not send signals.
   */
  onInterrupt?(say: () => void | Promise<void>): () => void;
}

export function processIo(): Io {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    onInterrupt(say) {
      const handler = (signal: NodeJS.Signals) => {
        const code = signal === 'SIGTERM' ? 143 : 130;
        // A second Ctrl-C does not wait for the first one's clean-up.
        process.once('SIGINT', () => process.exit(code));
        Promise.resolve(say()).finally(() => process.exit(code));
      };
      process.once('SIGINT', handler);
      process.once('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}
