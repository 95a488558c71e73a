// A replay in a process of its own: reads one ReplayJob (JSON) on stdin, writes its ReplayFigures
// (JSON) on stdout. The columns of time-to-clone are independent and measured in virtual time, so
// they run side by side, one process each, instead of one after the other.
import { runJob } from './column.ts';

process.removeAllListeners('warning');
let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
runJob(JSON.parse(input)).then(
  (figures) => {
    process.stdout.write(JSON.stringify(figures), () => process.exit(0));
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
