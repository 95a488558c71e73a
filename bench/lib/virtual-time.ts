// Virtual time for running the real engine against the emulator over days in seconds. The engine,
// the emulator and the benchmark's own actors share one clock whose `sleep` registers a timer in
// virtual time instead of a real one. The driver moves the clock to the next timer only when the
// process is quiet: no SDK command in flight (counted by a middleware on every client the run
// uses) and the microtasks after the last answer drained. So every engine step (a poll, a backoff,
// a lease retry) happens at the virtual instant the engine asked for, and nothing waits in real
// time. Nothing here decides anything for the engine: it only moves the clock.
import type { Clock } from '../../src/util/clock.ts';
import { EventQueue } from './queue.ts';

/** Counts SDK commands in flight; `idle()` resolves once none is. */
export class InFlight {
  private n = 0;
  private waiting: (() => void)[] = [];
  /** Commands started, by name (`RestoreDBClusterToPointInTimeCommand` …), since this counter was made. */
  readonly byCommand = new Map<string, number>();
  /** Commands started since this counter was made. */
  started = 0;

  get count(): number {
    return this.n;
  }

  begin(command = 'unknown'): void {
    this.n++;
    this.started++;
    this.byCommand.set(command, (this.byCommand.get(command) ?? 0) + 1);
  }

  end(): void {
    this.n--;
    if (this.n === 0) {
      const w = this.waiting;
      this.waiting = [];
      for (const wake of w) wake();
    }
  }

  idle(): Promise<void> {
    if (this.n === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /**
   * Counts every command `client` sends, from its first middleware to its answer (the SDK's own
   * retries included). Works for any SDK v3 client.
   */
  watch<C extends { middlewareStack: { add: (...args: never[]) => void } }>(client: C): C {
    const add = client.middlewareStack.add as unknown as (
      mw: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string; priority: 'high' },
    ) => void;
    add.call(
      client.middlewareStack,
      (next, context) => async (args) => {
        this.begin(context.commandName);
        try {
          return await next(args);
        } finally {
          this.end();
        }
      },
      { step: 'initialize', name: 'benchInFlight', priority: 'high' },
    );
    return client;
  }
}

interface Timer {
  wake: () => void;
}

export class VirtualClock implements Clock {
  private t: number;
  private readonly timers = new EventQueue<Timer>();
  /** Clock moves made by run() (each one a batch of timers due at the same instant). */
  steps = 0;

  constructor(start: Date | string | number) {
    this.t = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  get ms(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return this.sleepUntil(this.t + Math.max(0, ms));
  }

  sleepUntil(at: number): Promise<void> {
    return new Promise((wake) => this.timers.push(Math.max(at, this.t), { wake }));
  }

  /**
   * Moves the clock from timer to timer until `done()`; before each move the process must be quiet
   * (see the file's header). `atRest` runs whenever the process is quiet, before the clock moves
   * (and once more at the end): everything due at this instant has happened, so the emulator's
   * records can be read as they stand at it. With no timer left and `done()` still false, work is
   * under way outside the clock (a module loading): it is given real time, at most `stuckMs`.
   */
  async run(
    inFlight: InFlight,
    done: () => boolean,
    { atRest, stuckMs = 10_000 }: { atRest?: (now: number) => void; stuckMs?: number } = {},
  ): Promise<void> {
    let stuckSince: number | undefined;
    for (;;) {
      await quiet(inFlight);
      atRest?.(this.t);
      if (done()) return;
      const next = this.timers.peekAt();
      if (next === undefined) {
        stuckSince ??= performance.now();
        if (performance.now() - stuckSince > stuckMs)
          throw new Error(`virtual time: nothing left to wake and the run is not done (${stuckMs} ms)`);
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      stuckSince = undefined;
      this.t = Math.max(this.t, next);
      this.steps++;
      while (this.timers.peekAt() === next) this.timers.pop()?.event.wake();
    }
  }
}

/** No command in flight, twice in a row after the pending I/O callbacks and microtasks ran. */
async function quiet(inFlight: InFlight): Promise<void> {
  for (let calm = 0; calm < 2; ) {
    await new Promise((resolve) => setImmediate(resolve));
    if (inFlight.count === 0) calm++;
    else {
      calm = 0;
      await inFlight.idle();
    }
  }
}
