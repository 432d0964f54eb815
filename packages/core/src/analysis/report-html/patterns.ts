// Behavioural patterns on the report page: each with its numbers and the trades that show it.
import type { EquityPoint } from '../../domain/metrics';
import type { BehaviouralPattern } from '../../domain/pattern';
import { formatCount, formatDate, formatDuration, formatMoney, formatPercent, formatQuantity, formatR, formatRatio } from '../format';
import { columnHeader, html, join, scrollingTable, type SafeHtml } from './html';

/** An evidence value printed as the detectors' own descriptions print it, chosen by the key's suffix. */
export function formatEvidence(key: string, value: number | string): string {
  if (typeof value === 'string') return value;
  if (/(?:^|_)win_rate$|_rate$/.test(key)) return formatPercent(value);
  if (/_minutes$/.test(key)) return formatDuration(value);
  if (/_ratio$|_multiple$/.test(key)) return formatRatio(value);
  if (/_quantity$/.test(key)) return formatQuantity(value);
  if (/(?:^|_)r$/.test(key)) return formatR(value);
  if (/(?:^|_)(?:pnl|loss|win|profit|drawdown|expectancy)$/.test(key)) return formatMoney(value);
  return Number.isInteger(value) ? formatCount(value) : formatQuantity(value);
}

/** `revenge_net_pnl` → `Revenge net P&L`. */
export function evidenceLabel(key: string): string {
  const words = key
    .split('_')
    .filter((word) => word !== '')
    .map((word) => (word === 'pnl' ? 'P&L' : word === 'r' ? 'R' : word));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function tradesTable(pattern: BehaviouralPattern, id: string, points: ReadonlyMap<string, EquityPoint>, timezone: string): SafeHtml {
  const rows = pattern.trade_ids.map((tradeId) => {
    const point = points.get(tradeId);
    const date = point ? formatDate(point.exit_timestamp, timezone) : '—';
    return html`<tr><th scope="row">${tradeId}</th><td>${date}</td><td class="num">${point ? formatR(point.r) : '—'}</td></tr>`;
  });
  const caption = pattern.trade_ids.length === 1 ? 'The trade that shows it' : 'The trades that show it';
  return scrollingTable(`${id}-trades`, caption, [columnHeader('Trade'), columnHeader('Exit date'), columnHeader('Result in R', true)], rows);
}

function patternArticle(pattern: BehaviouralPattern, index: number, points: ReadonlyMap<string, EquityPoint>, timezone: string): SafeHtml {
  const id = `pattern-${String(index + 1)}`;
  const evidence = Object.entries(pattern.evidence).map(
    ([key, value]) => html`<div><dt>${evidenceLabel(key)}</dt><dd>${formatEvidence(key, value)}</dd></div>`,
  );
  return join([
    html`<article class="pattern" aria-labelledby="${id}"><h3 id="${id}">${pattern.title}</h3><p>${pattern.description}</p>`,
    evidence.length > 0 && html`<dl class="evidence">${evidence}</dl>`,
    pattern.trade_ids.length > 0 && tradesTable(pattern, id, points, timezone),
    html`</article>`,
  ]);
}

/**
 * The coach's reading of the patterns, then each detected pattern with its evidence. A coach line that only repeats a
 * pattern's own description (the local coach writes `title — description`) is not printed twice.
 */
export function patternsSection(
  coachLines: readonly string[],
  patterns: readonly BehaviouralPattern[],
  curve: readonly EquityPoint[],
  timezone: string,
): SafeHtml {
  const points = new Map(curve.map((point) => [point.trade_id, point]));
  const lines = coachLines.filter((line) => !patterns.some((pattern) => line.includes(pattern.description)));
  const empty = lines.length === 0 && patterns.length === 0;
  return join([
    html`<section aria-labelledby="patterns-heading"><h2 id="patterns-heading">Behavioural patterns</h2>`,
    empty && html`<p>No behavioural pattern met its detection rule.</p>`,
    lines.length > 0 && html`<ul>${lines.map((line) => html`<li>${line}</li>`)}</ul>`,
    patterns.map((pattern, index) => patternArticle(pattern, index, points, timezone)),
    html`</section>`,
  ]);
}
