// The human form of a plan: what a dry run prints, and what a user reads to learn why the manager
// chose a source or made a copy.

import type { Plan, SourceAssessment, Step } from '../model/plan.ts';
import { formatDuration } from '../util/duration.ts';

/** Rows of cells as left-aligned columns separated by two spaces, without trailing blanks. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function sourceNote(s: SourceAssessment, chosen: string | undefined): string {
  if (s.clusterId === chosen) return 'chosen';
  return s.skipped ?? (s.cloneable ? 'cloneable' : '');
}

function stepLine(step: Step): string {
  const lease = step.underLease ? ' [under the lease]' : '';
  switch (step.kind) {
    case 'copy':
      return `copy ${step.rootClusterId} to ${step.clusterId} (full copy)${lease}`;
    case 'copy-writer':
    case 'clone-writer':
      return `create writer ${step.instanceId} of ${step.clusterId} (${step.instanceClass})${lease}`;
    case 'wait-copy':
      return step.once
        ? `check copy ${step.clusterId}; return if it is not ready yet (the same request key continues)`
        : `wait for copy ${step.clusterId} (holding a slot on it for ${step.cloneId})`;
    case 'clone':
      return `clone ${step.clusterId} from ${step.sourceClusterId}${lease}`;
    case 'password':
      return step.action === 'prepare'
        ? `generate a password for ${step.clusterId} and keep it in a new secret`
        : `set the pending master password of ${step.clusterId}`;
    case 'wait':
      return `wait until ${step.clusterId} and its writer ${step.instanceId} are available`;
    case 'delete': {
      const instances = step.instanceIds.length ? `instances ${step.instanceIds.join(', ')}` : 'no instances';
      return `delete ${step.role} ${step.clusterId} (${instances})`;
    }
    case 'reuse':
      return `reuse ${step.clusterId}`;
    case 'claim':
      return `claim warm clone ${step.clusterId}${step.newClusterId ? ` and rename it ${step.newClusterId}` : ''}${lease}`;
    case 'tag': {
      const changes = [
        ...(step.removeKeys ?? []).map((k) => `remove ${k}`),
        ...step.tags.map((t) => `${t.Key}=${t.Value}`),
      ];
      return `tag ${step.clusterId}: ${changes.join(', ')}${lease}`;
    }
  }
}

/** The plan as text: the sources table, the numbered steps with their reasons, capacity, notes. */
export function formatPlan(plan: Plan): string {
  const out: string[] = [];
  const root = plan.rootClusterId ? ` for ${plan.rootClusterId}` : '';
  out.push(`${plan.operation} plan${root} (made ${plan.createdAt})`);
  if (plan.sources.length > 0) {
    const chosen = plan.steps.find((s) => s.kind === 'clone' && !s.sourceCreatedInPlan);
    const chosenId = chosen?.kind === 'clone' ? chosen.sourceClusterId : undefined;
    const rows = plan.sources.map((s) => [
      s.clusterId,
      s.kind,
      s.status,
      String(s.used),
      String(s.free),
      s.kind === 'root' ? '-' : formatDuration(s.ageMs),
      s.dataTimestamp,
      s.fresh ? 'yes' : 'no',
      sourceNote(s, chosenId),
    ]);
    out.push('');
    out.push('Sources:');
    out.push(
      formatTable(
        ['SOURCE', 'KIND', 'STATUS', 'USED', 'FREE', 'AGE', 'DATA TIMESTAMP', 'FRESH', 'NOTE'],
        rows,
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  out.push('');
  if (plan.steps.length === 0) out.push('Steps: none');
  else {
    out.push('Steps:');
    const width = String(plan.steps.length).length;
    plan.steps.forEach((step, i) => {
      const n = `${String(i + 1).padStart(width)}.`;
      out.push(`  ${n} ${stepLine(step)}`);
      out.push(`  ${' '.repeat(n.length)} why: ${step.reason}`);
    });
  }
  if (plan.capacityBefore !== undefined || plan.capacityAfter !== undefined) {
    out.push('');
    out.push(`Free clone slots: ${plan.capacityBefore ?? '?'} before, ${plan.capacityAfter ?? '?'} after`);
  }
  if (plan.notes.length > 0) {
    out.push('');
    out.push('Notes:');
    for (const note of plan.notes) out.push(`  - ${note}`);
  }
  return `${out.join('\n')}\n`;
}
