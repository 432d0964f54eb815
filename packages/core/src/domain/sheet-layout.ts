// Sheet row layout: the earlier service's eight columns first (its sheets stay readable), newer optional ones after.
import type { StoredTrade, Trade } from './trade';
import { tradeSchemaFor } from './trade';

export const LEGACY_COLUMNS = ['user_id', 'ticker', 'position_type', 'pnl', 'entry_timestamp', 'exit_timestamp', 'notes', 'file_links'] as const;
export const EXTRA_COLUMNS = ['trade_id', 'quantity', 'entry_price', 'exit_price', 'stop_loss', 'tags', 'account', 'created_at'] as const;
export const SHEET_COLUMNS = [...LEGACY_COLUMNS, ...EXTRA_COLUMNS] as const;
export type SheetColumn = (typeof SHEET_COLUMNS)[number];

const TAG_SEPARATOR = ', ';

const numberCell = (value: number | undefined): string => (value === undefined ? '' : String(value));

/** The cells of one trade, in `SHEET_COLUMNS` order. */
export function tradeToRow(trade: StoredTrade): string[] {
  const cells: Record<SheetColumn, string> = {
    user_id: trade.user_id,
    ticker: trade.ticker,
    position_type: trade.position_type,
    pnl: String(trade.pnl),
    entry_timestamp: trade.entry_timestamp,
    exit_timestamp: trade.exit_timestamp,
    notes: trade.notes,
    file_links: trade.file_links,
    trade_id: trade.trade_id,
    quantity: numberCell(trade.quantity),
    entry_price: numberCell(trade.entry_price),
    exit_price: numberCell(trade.exit_price),
    stop_loss: numberCell(trade.stop_loss),
    tags: trade.tags?.join(TAG_SEPARATOR) ?? '',
    account: trade.account ?? '',
    created_at: trade.created_at ?? '',
  };
  return SHEET_COLUMNS.map((column) => cells[column]);
}

/** Reads a money or quantity cell as written by people too: `$1,240.50`, `-450`, `(90)`. */
export function parseNumberCell(cell: string | undefined): number | undefined {
  if (cell === undefined) return undefined;
  let text = cell.trim().replace(/[$€£,\s]/g, '');
  if (text === '') return undefined;
  let sign = 1;
  if (/^\(.*\)$/.test(text)) {
    sign = -1;
    text = text.slice(1, -1);
  }
  const value = Number(text);
  return Number.isFinite(value) ? sign * value : Number.NaN;
}

export interface RowProblem {
  row: number;
  reason: string;
}

export type ReadRowResult = { ok: true; trade: StoredTrade } | { ok: false; problem: RowProblem };

/** Index of each known column in a header row, matched by name (case and spacing forgiven). */
export function headerIndex(header: readonly string[]): Map<SheetColumn, number> {
  const index = new Map<SheetColumn, number>();
  header.forEach((name, i) => {
    const key = name.trim().toLowerCase().replace(/[\s-]+/g, '_') as SheetColumn;
    if ((SHEET_COLUMNS as readonly string[]).includes(key) && !index.has(key)) index.set(key, i);
  });
  return index;
}

/**
 * Maps a sheet row back to a trade by header name. `rowNumber` is the 1-based sheet row, used as the trade id when
 * the row predates the trade_id column. A row that no longer validates is reported, not guessed at.
 */
export function rowToTrade(
  index: ReadonlyMap<SheetColumn, number>,
  row: readonly string[],
  rowNumber: number,
  timezone: string,
): ReadRowResult {
  const cell = (column: SheetColumn): string | undefined => {
    const i = index.get(column);
    const value = i === undefined ? undefined : row[i];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  const tags = cell('tags')
    ?.split(/[,;]/)
    .map((t) => t.trim())
    .filter(Boolean);
  const candidate = {
    ticker: cell('ticker'),
    position_type: cell('position_type'),
    pnl: parseNumberCell(cell('pnl')),
    entry_timestamp: cell('entry_timestamp'),
    exit_timestamp: cell('exit_timestamp'),
    notes: cell('notes') ?? '',
    quantity: parseNumberCell(cell('quantity')),
    entry_price: parseNumberCell(cell('entry_price')),
    exit_price: parseNumberCell(cell('exit_price')),
    stop_loss: parseNumberCell(cell('stop_loss')),
    tags: tags && tags.length > 0 ? tags : undefined,
    account: cell('account'),
  };
  const parsed = tradeSchemaFor(timezone).safeParse(candidate);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`).join('; ');
    return { ok: false, problem: { row: rowNumber, reason } };
  }
  const trade: Trade = parsed.data;
  const createdAt = cell('created_at');
  return {
    ok: true,
    trade: {
      ...trade,
      trade_id: cell('trade_id') ?? `row-${rowNumber}`,
      user_id: cell('user_id') ?? '',
      file_links: cell('file_links') ?? '',
      ...(createdAt ? { created_at: createdAt } : {}),
    },
  };
}

/** Columns by position, for a tab without a header row: the earlier service's order, then ours. */
const POSITIONAL_INDEX: ReadonlyMap<SheetColumn, number> = new Map(SHEET_COLUMNS.map((column, i) => [column, i]));

/**
 * Every readable trade of a tab's rows; unreadable rows are reported with their sheet row number. Row 1 is a header
 * when it names the ticker and P&L columns; otherwise the tab is one the earlier service wrote (it wrote no header)
 * and every row is data, read by position.
 */
export function readTrades(rows: readonly (readonly string[])[], timezone: string): { trades: StoredTrade[]; problems: RowProblem[] } {
  const [first] = rows;
  if (!first) return { trades: [], problems: [] };
  const named = headerIndex(first);
  const hasHeader = named.has('ticker') && named.has('pnl');
  const index = hasHeader ? named : POSITIONAL_INDEX;
  const body = hasHeader ? rows.slice(1) : rows;
  const firstRow = hasHeader ? 2 : 1;
  const trades: StoredTrade[] = [];
  const problems: RowProblem[] = [];
  body.forEach((row, i) => {
    if (row.every((cell) => cell.trim() === '')) return;
    const result = rowToTrade(index, row, i + firstRow, timezone);
    if (result.ok) trades.push(result.trade);
    else problems.push(result.problem);
  });
  return { trades, problems };
}
