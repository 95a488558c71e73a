// Runs a ReplayJob in a child process (bench/lib/replay/child.ts) and returns its figures.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ReplayJob } from './column.ts';
import type { ReplayFigures } from './replay.ts';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

export function replayInChild(job: ReplayJob): Promise<ReplayFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`the replay of ${job.column.name} exited ${code}: ${err.slice(-2000)}`));
        return;
      }
      try {
        resolve(JSON.parse(out) as ReplayFigures);
      } catch (e) {
        reject(
          new Error(`the replay of ${job.column.name} answered no JSON: ${String(e)}; ${err.slice(-500)}`),
        );
      }
    });
    child.stdin.end(JSON.stringify(job));
  });
}
