// Runs the CLI in this process with captured output, as a user would see it (exit code, stdout, stderr).
import assert from 'node:assert/strict';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import type { Io } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `tty` plays a terminal on stderr (progress lines are shown only then). */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}, tty = false): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    stderrIsTTY: tty,
    env,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** stdout must be exactly one JSON document; returns it. */
export function jsonOf(run: CliRun): unknown {
  assert.ok(run.stdout.trim().length > 0, `no JSON on stdout (stderr: ${run.stderr})`);
  return JSON.parse(run.stdout);
}

/** The failure line on stderr: exactly one line, prefixed with the program name. */
export function errorLine(run: CliRun): string {
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${run.stderr}`);
  assert.match(lines[0]!, /^aurora-clone-manager: /);
  return lines[0]!;
}

/** Every cluster id the RDS endpoint knows, sorted (to compare before/after). */
export async function clusterList(endpoint: string): Promise<string[]> {
  const rds = new RDSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const out: string[] = [];
  let marker: string | undefined;
  do {
    const page = await rds.send(new DescribeDBClustersCommand({ Marker: marker, MaxRecords: 100 }));
    for (const c of page.DBClusters ?? []) out.push(c.DBClusterIdentifier ?? '?');
    marker = page.Marker;
  } while (marker);
  rds.destroy();
  return out.sort();
}
