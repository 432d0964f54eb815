// Behavioural patterns on the report page: each with its numbers and the trades that show it.
import type { PatternTrade } from '../../domain/analysis-result';
import type { EquityPoint } from '../../domain/metrics';
import type { BehaviouralPattern } from '../../domain/pattern';
import { formatCount, formatDate, formatDuration, formatMoney, formatPercent, formatQuantity, formatR, formatRatio } from '../format';
import { columnHeader, html, join, scrollingTable, type SafeHtml } from './html';
import { money } from './overview';

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

interface TradeLookup {
  points: ReadonlyMap<string, EquityPoint>;
  trades: ReadonlyMap<string, PatternTrade>;
}

function tradesTable(pattern: BehaviouralPattern, id: string, lookup: TradeLookup, timezone: string): SafeHtml {
  const { points } = lookup;
  const caption = pattern.trade_ids.length === 1 ? 'The trade that shows it' : 'The trades that show it';
  // Results stored with their pattern trades show each trade as the trader knows it: when, what, which way, how much.
  if (pattern.trade_ids.every((tradeId) => lookup.trades.has(tradeId))) {
    const rows = pattern.trade_ids.map((tradeId) => {
      const trade = lookup.trades.get(tradeId)!;
      const point = points.get(tradeId);
      return html`<tr><th scope="row">${formatDate(trade.exit_timestamp, timezone)}</th><td>${trade.ticker}</td><td>${trade.position_type}</td><td class="num">${money(trade.pnl)}</td><td class="num">${point ? formatR(point.r) : '—'}</td></tr>`;
    });
    return scrollingTable(
      `${id}-trades`,
      caption,
      [columnHeader('Exit date'), columnHeader('Ticker'), columnHeader('Side'), columnHeader('P&L', true), columnHeader('Result in R', true)],
      rows,
    );
  }
  const rows = pattern.trade_ids.map((tradeId) => {
    const point = points.get(tradeId);
    const date = point ? formatDate(point.exit_timestamp, timezone) : '—';
    return html`<tr><th scope="row">${tradeId}</th><td>${date}</td><td class="num">${point ? formatR(point.r) : '—'}</td></tr>`;
  });
  return scrollingTable(`${id}-trades`, caption, [columnHeader('Trade'), columnHeader('Exit date'), columnHeader('Result in R', true)], rows);
}

function patternArticle(pattern: BehaviouralPattern, index: number, lookup: TradeLookup, timezone: string): SafeHtml {
  const id = `pattern-${String(index + 1)}`;
  const evidence = Object.entries(pattern.evidence).map(
    ([key, value]) => html`<div><dt>${evidenceLabel(key)}</dt><dd>${formatEvidence(key, value)}</dd></div>`,
  );
  return join([
    html`<article class="pattern" aria-labelledby="${id}"><h3 id="${id}">${pattern.title}</h3><p>${pattern.description}</p>`,
    evidence.length > 0 && html`<dl class="evidence">${evidence}</dl>`,
    pattern.trade_ids.length > 0 && tradesTable(pattern, id, lookup, timezone),
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
  trades: readonly PatternTrade[] = [],
): SafeHtml {
  const lookup: TradeLookup = { points: new Map(curve.map((point) => [point.trade_id, point])), trades: new Map(trades.map((trade) => [trade.trade_id, trade])) };
  const lines = coachLines.filter((line) => !patterns.some((pattern) => line.includes(pattern.description)));
  const empty = lines.length === 0 && patterns.length === 0;
  return join([
    html`<section aria-labelledby="patterns-heading"><h2 id="patterns-heading">Behavioural patterns</h2>`,
    empty && html`<p>No behavioural pattern met its detection rule.</p>`,
    lines.length > 0 && html`<ul>${lines.map((line) => html`<li>${line}</li>`)}</ul>`,
    patterns.map((pattern, index) => patternArticle(pattern, index, lookup, timezone)),
    html`</section>`,
  ]);
}
