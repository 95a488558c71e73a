// moto_server, an AWS emulator nobody here wrote, for tests that hold our code (and our emulator) to
// what an independent implementation does.
import { type ChildProcess, spawn } from 'node:child_process';

/** Starts moto_server on a free port (it prints the port it chose); fails clearly when it is not installed. */
export async function startMoto(): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`moto_server did not start within 20 s; it said:\n${output}`)),
      20_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        err.code === 'ENOENT'
          ? new Error("moto_server is not installed: `pip install 'moto[server]'` (.ci/run installs it)")
          : err,
      );
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited with ${code}:\n${output}`));
    });
  });
  // It prints the address just before it serves: wait until it answers.
  for (let i = 0; ; i++) {
    try {
      await fetch(`${url}/moto-api/`);
      break;
    } catch (err) {
      if (i > 50) throw new Error(`moto_server at ${url} does not answer: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, process: child };
}
