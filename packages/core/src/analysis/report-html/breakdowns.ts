// The breakdown tables: results by ticker, side, weekday, hour, tag and (when the result has it) account.
import { z } from 'zod';
import { breakdownRowSchema, type BreakdownRow, type Metrics } from '../../domain/metrics';
import { formatCount, formatHour, formatPercent } from '../format';
import { columnHeader, html, join, scrollingTable, type SafeHtml } from './html';
import { money } from './overview';

const rowsSchema = z.array(breakdownRowSchema);

/**
 * `by_account` is newer than some stored results: read it only when it is there and has the row shape, so an older
 * (or odd) result renders without that table instead of failing.
 */
export function accountRows(metrics: Metrics): BreakdownRow[] | null {
  const parsed = rowsSchema.safeParse((metrics as { by_account?: unknown }).by_account);
  return parsed.success ? parsed.data : null;
}

interface Breakdown {
  id: string;
  caption: string;
  column: string;
  rows: readonly BreakdownRow[];
  keyText?: (key: string) => string;
}

export function breakdownTable({ id, caption, column, rows, keyText = (key) => key }: Breakdown): SafeHtml {
  const head = [columnHeader(column), columnHeader('Trades', true), columnHeader('Net P&L', true), columnHeader('Win rate', true)];
  const body = rows.map((row) =>
    join([
      html`<tr><th scope="row">${keyText(row.key)}</th><td class="num">${formatCount(row.trade_count)}</td>`,
      html`<td class="num">${money(row.net_pnl)}</td><td class="num">${formatPercent(row.win_rate)}</td></tr>`,
    ]),
  );
  return scrollingTable(id, caption, head, body);
}

export function breakdownsSection(metrics: Metrics): SafeHtml {
  const zone = metrics.timezone;
  const accounts = accountRows(metrics);
  const tables: Breakdown[] = [
    { id: 'by-ticker', caption: 'By ticker', column: 'Ticker', rows: metrics.by_ticker },
    { id: 'by-side', caption: 'By side', column: 'Side', rows: metrics.by_position_type },
    { id: 'by-weekday', caption: `By weekday of exit (${zone})`, column: 'Weekday', rows: metrics.by_weekday },
    { id: 'by-hour', caption: `By hour of entry (${zone})`, column: 'Entry hour', rows: metrics.by_hour, keyText: formatHour },
    { id: 'by-tag', caption: 'By tag (a trade counts under each of its tags)', column: 'Tag', rows: metrics.by_tag },
    ...(accounts === null ? [] : [{ id: 'by-account', caption: 'By account', column: 'Account', rows: accounts }]),
  ];
  const shown = tables.filter((table) => table.rows.length > 0);
  return html`<section aria-labelledby="breakdowns-heading"><h2 id="breakdowns-heading">Breakdowns</h2>${
    shown.length === 0 ? html`<p>No trades in range, so there is nothing to break down.</p>` : join(shown.map(breakdownTable))
  }</section>`;
}
