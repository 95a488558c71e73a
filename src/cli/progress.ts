// What a waiting command shows. On a terminal one line ticks every second; anywhere else (a CI log)
// a line on every change and at least one a minute, so CI systems that kill a silent step do not,
// and the log says what is typical. It also remembers what is being created, for Ctrl-C.
import { releaseIdleLeases } from '../engine/api.ts';
import type { ProgressEvent } from '../model/api.ts';
import { formatDuration } from '../util/duration.ts';
import type { Io } from './io.ts';

/** How long each phase typically takes on AWS (the emulator is faster unless --aws-timings). */
const TYPICAL: Record<string, string> = {
  copy: 'full copy: typically hours on AWS',
  clone: 'clone: typically 10-15 min on AWS (~5 for the volume, ~8 for its writer)',
  delete: 'delete: typically 5-10 min on AWS',
};

export const DEFAULT_HEARTBEAT_MS = 60_000;

export class Progress {
  private last: ProgressEvent | undefined;
  /** When `last` came: a heartbeat adds the time since to the phase's time. */
  private lastAt = Date.now();
  /** The last stage each cluster reached (the wait's events do not repeat it). */
  private readonly stages = new Map<string, NonNullable<ProgressEvent['stage']>>();
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;

  constructor(
    private readonly io: Io,
    /** What the command is doing before the first event, e.g. "clone of prod". */
    private readonly task: string,
    private readonly heartbeatMs = heartbeatFrom(io.env ?? process.env),
  ) {}

  /** The cluster being created or deleted when the user interrupts, if known, with its last stage. */
  get current(): ProgressEvent | undefined {
    if (!this.last) return undefined;
    const stage = this.stages.get(this.last.clusterId);
    return stage ? { ...this.last, stage } : this.last;
  }

  start(): this {
    const every = this.io.stderrIsTTY ? 1_000 : this.heartbeatMs;
    this.timer = setInterval(() => this.show(false), every);
    this.timer.unref();
    return this;
  }

  readonly onProgress = (event: ProgressEvent): void => {
    if (event.stage) this.stages.set(event.clusterId, event.stage);
    this.lastAt = Date.now();
    const changed =
      !this.last ||
      this.last.clusterId !== event.clusterId ||
      this.last.phase !== event.phase ||
      this.last.status !== event.status;
    this.last = event;
    if (changed) this.show(true);
  };

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    // The result printed next says where things stand; the ticking line has done its job.
    if (this.drawn) this.io.stderr('\r\x1b[K');
    this.drawn = false;
  }

  private show(changed: boolean): void {
    const line = this.describe();
    if (this.io.stderrIsTTY) {
      // One line, redrawn in place; a change of phase keeps the finished line above it.
      if (changed && this.drawn) this.io.stderr('\n');
      this.io.stderr(`\r\x1b[K  … ${line}`);
      this.drawn = true;
    } else {
      this.io.stderr(`  … ${changed ? '' : 'still working: '}${line}\n`);
    }
  }

  private describe(): string {
    const total = formatDuration(Date.now() - this.started);
    const e = this.last;
    if (!e) return `${this.task}: ${total} elapsed`;
    // The phase's time as of the last event, plus the time since: heartbeats do not repeat a stale value.
    const inPhase = e.elapsedMs !== undefined ? e.elapsedMs + (Date.now() - this.lastAt) : undefined;
    const phase = inPhase !== undefined ? `, ${formatDuration(inPhase)} in this phase` : '';
    const typical = TYPICAL[e.phase];
    return `${e.phase} ${e.clusterId}: ${e.status ?? 'waiting'} (${total} elapsed${phase}${typical ? `; ${typical}` : ''})`;
  }
}

/** ACM_HEARTBEAT_SECONDS shortens the non-terminal heartbeat (tests, chatty CI logs). */
function heartbeatFrom(env: NodeJS.ProcessEnv): number {
  const s = Number(env.ACM_HEARTBEAT_SECONDS);
  return Number.isFinite(s) && s > 0 ? s * 1000 : DEFAULT_HEARTBEAT_MS;
}

/**
 * Runs a command's AWS work with progress shown, and on Ctrl-C prints what is still going on in AWS
 * (`interrupted` says it from the last thing seen) before exiting 130.
 */
export async function watched<T>(
  io: Io,
  task: string,
  interrupted: (current: ProgressEvent | undefined, leases: { released: number; kept: number }) => string,
  run: (onProgress: (event: ProgressEvent) => void) => Promise<T>,
): Promise<T> {
  const progress = new Progress(io, task).start();
  const off = io.onInterrupt?.(async () => {
    progress.stop();
    // Others need not wait out the TTL of a lease this process holds while it sends nothing.
    const leases = await Promise.race([
      releaseIdleLeases(),
      new Promise<{ released: number; kept: number }>((r) =>
        setTimeout(() => r({ released: 0, kept: 0 }), 3_000),
      ),
    ]);
    io.stderr(`\ninterrupted: ${interrupted(progress.current, leases)}\n`);
  });
  try {
    return await run(progress.onProgress);
  } finally {
    progress.stop();
    off?.();
  }
}
