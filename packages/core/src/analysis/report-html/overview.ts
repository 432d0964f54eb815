// The top of the report page: what was asked and the answer, then the headline numbers as cards.
import type { AnalysisResult } from '../../domain/analysis-result';
import type { Metrics } from '../../domain/metrics';
import type { Report } from '../../domain/report';
import { formatCount, formatDate, formatDuration, formatMoney, formatPercent, formatR, formatRatio, plural } from '../format';
import { html, join, type SafeHtml } from './html';

type AnalysisPeriod = AnalysisResult['period'];

/** The period as the analysis described it to the coach (`2026-03-01 to 2026-03-31 (UTC)`), so the two read alike. */
export function describePeriod(period: AnalysisPeriod): string {
  const zone = `(${period.timezone})`;
  if (period.start_date && period.end_date) return `${period.start_date} to ${period.end_date} ${zone}`;
  if (period.start_date) return `from ${period.start_date} ${zone}`;
  if (period.end_date) return `until ${period.end_date} ${zone}`;
  return `all trades ${zone}`;
}

export type Tone = 'profit' | 'loss' | 'even';

export const toneOf = (value: number): Tone => (value > 0 ? 'profit' : value < 0 ? 'loss' : 'even');

/** Money with its sign always written (`+12.00`, `-3.50`, `0.00`), so direction never depends on colour. */
export const signedMoney = (value: number): string => (value > 0 ? `+${formatMoney(value)}` : formatMoney(value));

/** A signed amount, coloured by its tone. */
export const money = (value: number): SafeHtml => html`<span class="${toneOf(value)}">${signedMoney(value)}</span>`;

export interface Header {
  title: string;
  period: AnalysisPeriod;
  metrics: Metrics;
  account: string | undefined;
}

export function headerSection({ title, period, metrics, account }: Header): SafeHtml {
  const first = metrics.first_exit === null ? null : formatDate(metrics.first_exit, metrics.timezone);
  const last = metrics.last_exit === null ? null : formatDate(metrics.last_exit, metrics.timezone);
  const span = first === null || last === null ? 'No trades in range.' : first === last ? `Trades closed on ${first}.` : `Trades closed ${first} to ${last}.`;
  return html`<header><h1>${title}</h1><p class="meta"><span class="label">Period:</span> ${describePeriod(period)}${
    account === undefined ? '' : html` · <span class="label">Account:</span> ${account}`
  }</p><p class="meta">${plural(metrics.trade_count, 'closed trade')}. ${span}</p></header>`;
}

/** The trader's question and the coach's answer to it: the overview's summary, then its key points. */
export function answerSection(prompt: string, report: Report): SafeHtml {
  const { summary, key_metrics: points } = report.performance_overview;
  const asked = prompt.trim() !== '';
  return html`<section aria-labelledby="answer-heading"><h2 id="answer-heading">${asked ? 'Question and answer' : 'Summary'}</h2>${
    asked && html`<figure class="question"><blockquote><p>${prompt}</p></blockquote><figcaption>The trader’s question</figcaption></figure>`
  }<p class="answer">${summary}</p>${
    points.length > 0 && html`<h3>Key points</h3><ul>${points.map((point) => html`<li>${point}</li>`)}</ul>`
  }</section>`;
}

interface Card {
  label: string;
  value: SafeHtml | string;
  note?: string;
}

const wordFor = (value: number, profit: string, loss: string): string => (value > 0 ? profit : value < 0 ? loss : 'break-even');

function cards(metrics: Metrics): Card[] {
  const m = metrics;
  if (m.trade_count === 0) return [{ label: 'Trades', value: formatCount(0), note: 'none closed in this period' }];
  const result: Card[] = [
    { label: 'Net P&L', value: money(m.net_pnl), note: wordFor(m.net_pnl, 'net profit', 'net loss') },
    {
      label: 'Trades',
      value: formatCount(m.trade_count),
      note: `${plural(m.win_count, 'win')} · ${plural(m.loss_count, 'loss', 'losses')} · ${formatCount(m.breakeven_count)} break-even`,
    },
    { label: 'Win rate', value: formatPercent(m.win_rate), note: 'wins of all trades' },
    { label: 'Profit factor', value: formatRatio(m.profit_factor), note: m.profit_factor === null ? 'no losing trades' : 'gross profit ÷ gross loss' },
    { label: 'Expectancy', value: money(m.expectancy), note: `${wordFor(m.expectancy, 'profit', 'loss')} per trade` },
    { label: 'Max drawdown', value: formatMoney(m.max_drawdown), note: 'largest fall from a peak' },
    { label: 'Average win', value: formatMoney(m.average_win), note: 'per winning trade' },
    { label: 'Average loss', value: formatMoney(m.average_loss), note: 'per losing trade' },
    { label: 'Payoff ratio', value: formatRatio(m.payoff_ratio), note: m.payoff_ratio === null ? 'no losing trades' : 'average win ÷ average loss' },
    { label: 'Largest win', value: money(m.largest_win) },
    { label: 'Largest loss', value: money(m.largest_loss) },
    { label: 'Gross profit', value: formatMoney(m.gross_profit), note: 'sum of wins' },
    { label: 'Gross loss', value: formatMoney(m.gross_loss), note: 'sum of losses' },
    { label: 'Longest streaks', value: `${formatCount(m.longest_win_streak)} / ${formatCount(m.longest_loss_streak)}`, note: 'wins / losses in a row' },
    { label: 'Average hold', value: formatDuration(m.average_hold_minutes) },
  ];
  if (m.r_trade_count > 0) {
    const over = `over ${plural(m.r_trade_count, 'trade')} with a logged stop`;
    result.push(
      { label: 'Average R', value: formatR(m.average_r), note: over },
      { label: 'Average win / loss in R', value: `${formatR(m.average_win_r)} / ${formatR(m.average_loss_r)}` },
    );
  }
  return result;
}

export function metricsSection(metrics: Metrics): SafeHtml {
  const items = cards(metrics).map(
    (card) => html`<div class="card"><dt>${card.label}</dt><dd>${card.value}${card.note !== undefined && html`<span class="note">${card.note}</span>`}</dd></div>`,
  );
  return html`<section aria-labelledby="metrics-heading"><h2 id="metrics-heading">Key metrics</h2><dl class="cards">${join(items)}</dl></section>`;
}
