// A run as Markdown (one small table per comparison, under the machine and date) and as JSON.
import { isFailure, type BenchRun, type Cell, type Column } from './bench-types';

function formatNumber(value: number, unit: Column['unit']): string {
  if (!Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'req/s':
      return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(value >= 10 ? 1 : 2);
    case 'count':
    case 'µs':
      return Math.round(value).toLocaleString('en-US');
    case 'x':
      return value >= 100 ? `${Math.round(value).toLocaleString('en-US')}×` : `${value.toFixed(value >= 10 ? 1 : 2)}×`;
    case 'MB':
      return value.toFixed(value >= 100 ? 0 : 1);
    case 'KB':
      return Math.round(value).toLocaleString('en-US');
    case 'ms':
    default:
      return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(value >= 10 ? 1 : 2);
  }
}

const formatCell = (cell: Cell, column: Column | undefined): string =>
  typeof cell === 'number' ? formatNumber(cell, column?.unit) : cell.replace(/\|/g, '\\|');

export function machineLine(run: BenchRun): string {
  const { machine } = run;
  return (
    `${run.date.slice(0, 16).replace('T', ' ')} UTC · ${run.mode} run · ${machine.cpus} × ${machine.cpu} · ` +
    `${machine.memory_gb} GB RAM · Node ${machine.node} · ${machine.platform} · load average ${machine.load_average} at start`
  );
}

export function renderMarkdown(run: BenchRun): string {
  const { commit, uncommitted_changes: dirty } = run.revision;
  const lines = [`Bench run: ${machineLine(run)} · code at ${commit}${dirty ? ' plus uncommitted changes' : ''}`, ''];
  for (const section of run.sections) {
    lines.push(`**${section.title}**`, '');
    if (isFailure(section)) {
      lines.push(`Failed: ${section.error}`, '');
      continue;
    }
    const numeric = section.columns.map((column) => column.unit !== undefined);
    lines.push(`| ${section.columns.map((c) => c.title).join(' | ')} |`);
    lines.push(`| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`);
    for (const row of section.rows) lines.push(`| ${row.map((cell, i) => formatCell(cell, section.columns[i])).join(' | ')} |`);
    lines.push('', section.method);
    for (const note of section.notes ?? []) lines.push('', note);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function renderJson(run: BenchRun): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}
