// time-to-clone: 30 days of seeded CI demand in virtual time, the real planners deciding, two pool
// policies side by side: (A) the first implementation's nightly top-up to a fixed target, and (B)
// ours, tuned (hourly, target from observed peak demand, copies replaced before they age out,
// top-up when capacity runs low). Runs in seconds: a discrete-event simulation, no HTTP.

import type { Benchmark } from './lib/report.ts';
import { type Cell, hours, minutes, percentile } from './lib/report.ts';
import {
  firstImplementationPolicy,
  LEAD_TIME_MS,
  type SimResult,
  simulate,
  tunedPolicy,
} from './lib/sim/simulate.ts';
import { demandTrace, peakInWindow } from './lib/sim/trace.ts';
import { DURATIONS, SIMULATED_SIZE_GIB } from './lib/sim/world.ts';

const START = new Date('2026-10-26T00:00:00Z'); // a Monday
const SEED = 20261125;
const FIXED_TARGET = 30;
const MARGIN = 1.2;

export const timeToClone: Benchmark = {
  name: 'time-to-clone',
  title: 'time from request to a usable clone over 30 simulated days (7 on a tiny run), pool policy A vs B',
  async run({ size, log }) {
    const days = size === 'tiny' ? 7 : 30;
    const demand = demandTrace({
      start: START,
      days,
      seed: SEED,
      perWeekday: 40,
      burstSize: 15,
      burstWindowMs: 10 * 60_000,
    });
    const times = demand.map((d) => d.at);
    const t0 = performance.now();
    const a = simulate(firstImplementationPolicy(FIXED_TARGET), demand, START.getTime(), days);
    const tA = performance.now() - t0;
    const b = simulate(tunedPolicy(FIXED_TARGET, MARGIN, START.getTime()), demand, START.getTime(), days);
    const tB = performance.now() - t0 - tA;
    log(
      `time-to-clone: ${days} days simulated in ${(tA / 1000).toFixed(2)} s (A) and ${(tB / 1000).toFixed(2)} s (B)`,
    );

    const stat = (r: SimResult) => {
      const l = r.latenciesMs;
      return {
        p50: percentile(l, 50),
        p95: percentile(l, 95),
        max: l[l.length - 1] ?? Number.NaN,
      };
    };
    const sa = stat(a);
    const sb = stat(b);
    const x = (va: number, vb: number) => (vb > 0 ? `${(va / vb).toFixed(2)}×` : va > 0 ? '∞' : '1.00×');
    const rows: Cell[][] = [
      ['requests answered (usable clone)', `${a.usable}/${a.requests}`, `${b.usable}/${b.requests}`, ''],
      ['p50 request → usable', minutes(sa.p50), minutes(sb.p50), x(sa.p50, sb.p50)],
      ['p95 request → usable', minutes(sa.p95), minutes(sb.p95), x(sa.p95, sb.p95)],
      ['max request → usable', minutes(sa.max), minutes(sb.max), x(sa.max, sb.max)],
      [
        'requests that waited for a full copy',
        a.waitedForCopy,
        b.waitedForCopy,
        x(a.waitedForCopy, b.waitedForCopy),
      ],
      ['full copies made', a.copiesMade, b.copiesMade, x(a.copiesMade, b.copiesMade)],
      [
        'copy-hours (cost)',
        hours(a.copyHours * 3_600_000),
        hours(b.copyHours * 3_600_000),
        x(a.copyHours, b.copyHours),
      ],
      [
        'clone-hours (cost)',
        hours(a.cloneHours * 3_600_000),
        hours(b.cloneHours * 3_600_000),
        x(a.cloneHours, b.cloneHours),
      ],
      [
        'all cluster-hours (copies + clones)',
        hours((a.copyHours + a.cloneHours) * 3_600_000),
        hours((b.copyHours + b.cloneHours) * 3_600_000),
        x(a.copyHours + a.cloneHours, b.copyHours + b.cloneHours),
      ],
      ['highest clone count on any source', a.maxClonesOnASource, b.maxClonesOnASource, ''],
      ['accidental full copies (must be 0)', a.accidentalFullCopies, b.accidentalFullCopies, ''],
      [
        'maintenance runs (of which top-ups)',
        `${a.maintenanceRuns} (${a.topUps})`,
        `${b.maintenanceRuns} (${b.topUps})`,
        '',
      ],
      [
        'maintenance target (free slots), lowest–highest',
        `${a.targetMin}–${a.targetMax}`,
        `${b.targetMin}–${b.targetMax}`,
        '',
      ],
    ];
    const problems: string[] = [];
    for (const r of [a, b]) {
      if (r.accidentalFullCopies > 0)
        problems.push(`${r.policy}: ${r.accidentalFullCopies} accidental full copies`);
      if (r.maxClonesOnASource > 15)
        problems.push(`${r.policy}: a source reached ${r.maxClonesOnASource} clones`);
      if (r.refusedRestores > 0)
        problems.push(`${r.policy}: ${r.refusedRestores} restores from a source that was not available`);
      if (r.failed.length > 0)
        problems.push(
          `${r.policy}: ${r.failed.length} request(s) got no clone, e.g. ${r.failed.slice(0, 3).join('; ')}`,
        );
    }
    const weekdayPeak10 = peakInWindow(times, 10 * 60_000);
    return {
      tables: [
        {
          title: `time-to-clone: ${days} days, ${demand.length} requests (seed ${SEED}), A = baseline, ratio = A ÷ B (higher is better for B)`,
          columns: ['measure', 'A: first impl.', 'B: ours, tuned', 'A ÷ B'],
          rows,
        },
      ],
      notes: [
        `trace: weekdays ~40 requests 09:00–18:00 incl. one CI burst of 15 within 10 min (peak measured in the trace: ${weekdayPeak10} in 10 min, ${peakInWindow(times, LEAD_TIME_MS)} in ${minutes(LEAD_TIME_MS)}); weekends 0–3; each clone kept 1–8 h after it is usable, then deleted`,
        `durations (the emulator's AWS_TIMINGS, ${SIMULATED_SIZE_GIB} GiB): clone volume ${minutes(DURATIONS.cloneVolumeMs)}, first instance ${minutes(DURATIONS.firstInstanceMs)}, full copy ${minutes(DURATIONS.fullCopyMs)}, deletion ${minutes(DURATIONS.deleteMs)}; maxCopyAge 3 days, 15 clones per source`,
        "decisions: the real planProvision / planMaintenance over an in-memory inventory tagged with managedTagList; the engine's reservations so requests share a copy being made; the 15-clone rule checked on the simulated AWS side at every restore",
        ...firstImplementationPolicy(FIXED_TARGET).explain,
        ...tunedPolicy(FIXED_TARGET, MARGIN, START.getTime()).explain,
        'cost: copy-hours and clone-hours are cluster-hours within the simulated days (each cluster has one instance)',
        `simulation wall time: A ${(tA / 1000).toFixed(2)} s, B ${(tB / 1000).toFixed(2)} s`,
      ],
      problems,
      data: {
        days,
        seed: SEED,
        requests: demand.length,
        a: { ...a, latenciesMs: undefined, ...sa },
        b: { ...b, latenciesMs: undefined, ...sb },
      },
    };
  },
};
