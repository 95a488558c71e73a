// The CLI in its own process, as a user's shell runs it: the published command
// (bin/aurora-clone-manager.js on dist/, rebuilt when src/ is newer), its own environment (HOME,
// AWS_PROFILE…), real signals, stdout and stderr as pipes (not a terminal), the exit status.
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI_BIN, ensureBuilt, ROOT } from './built.ts';

export { ROOT };

export interface CliProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment holds only what a test gives it plus PATH and the Node settings: none of the AWS
 * variables of the shell that runs the tests.
 */
export function cliEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('ACM_')),
  );
  return { ...base, AWS_EC2_METADATA_DISABLED: 'true', ...env };
}

export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; done: Promise<CliProcessRun> } {
  ensureBuilt();
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: ROOT,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => {
    stdout += c;
  });
  child.stderr!.on('data', (c) => {
    stderr += c;
  });
  const done = new Promise<CliProcessRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCliProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliProcessRun> {
  return spawnCli(args, env).done;
}
