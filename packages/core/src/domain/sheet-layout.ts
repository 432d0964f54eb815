// Sheet row layout: the earlier service's eight columns first (its sheets stay readable), newer optional ones after.
import type { StoredTrade, Trade } from './trade';
import { tradeFieldsSchema, tradeSchemaFor } from './trade';

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

const CANONICAL_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:Z|([+-])(\d{2}):(\d{2}))$/;
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * The instant of a timestamp already in the form the trade schema writes (`2026-03-02T10:15:00Z`,
 * `…T10:15:00-05:00`: seconds, no fraction, an offset that is `Z` or not zero), or undefined for any other text. For
 * such text the schema's parse-and-format gives the text back in every timezone, so it need not run.
 */
export function canonicalTimestampMillis(text: string): number | undefined {
  const m = CANONICAL_TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offset = m[7] === undefined ? 0 : (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  // `+00:00` is written back as `Z`; years before 1000 are outside what Date.UTC maps one to one.
  if (m[7] !== undefined && (offset === 0 || Number(m[9]) > 59 || Math.abs(offset) > MAX_OFFSET_MINUTES)) return undefined;
  if (year < 1000 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second) - offset * 60_000;
}

/**
 * The trade schema's result for a row whose timestamps are canonical (every row we write), without its costly part:
 * the fields are checked by the same zod schema, the timestamps by `canonicalTimestampMillis`. Undefined sends the row
 * through the full schema, which also words every error.
 */
function canonicalTrade(candidate: unknown): Trade | undefined {
  const fields = tradeFieldsSchema.safeParse(candidate);
  if (!fields.success) return undefined;
  const entry = canonicalTimestampMillis(fields.data.entry_timestamp);
  const exit = canonicalTimestampMillis(fields.data.exit_timestamp);
  if (entry === undefined || exit === undefined || exit < entry) return undefined;
  return fields.data;
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
 * the row predates the trade_id column. A row that no longer validates is reported, not guessed at. Rows as we write
 * them take a fast path; anything else (hand-edited cells, times without offset) goes through the trade schema.
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
  const fast = canonicalTrade(candidate);
  const parsed = fast ? { success: true as const, data: fast } : tradeSchemaFor(timezone).safeParse(candidate);
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

export interface TabLayout {
  /** Where each known column is. */
  index: ReadonlyMap<SheetColumn, number>;
  /** Sheet row number of the first trade row: 2 under a header, 1 in a tab the earlier service wrote. */
  firstRow: number;
}

/**
 * How a tab is laid out, from its row 1: a header when it names the ticker and P&L columns; otherwise the tab is one the
 * earlier service wrote (it wrote no header) and every row is data, read by position.
 */
export function tabLayout(firstRow: readonly string[] | undefined): TabLayout {
  const named = headerIndex(firstRow ?? []);
  return named.has('ticker') && named.has('pnl') ? { index: named, firstRow: 2 } : { index: POSITIONAL_INDEX, firstRow: 1 };
}

/** A row with no text in any cell: skipped, not reported. */
export function isBlankRow(row: readonly string[]): boolean {
  return row.every((cell) => cell.trim() === '');
}

/** Every readable trade of a tab's rows (row 1 first); unreadable rows are reported with their sheet row number. */
export function readTrades(rows: readonly (readonly string[])[], timezone: string): { trades: StoredTrade[]; problems: RowProblem[] } {
  const [first] = rows;
  if (!first) return { trades: [], problems: [] };
  const { index, firstRow } = tabLayout(first);
  const body = rows.slice(firstRow - 1);
  const trades: StoredTrade[] = [];
  const problems: RowProblem[] = [];
  body.forEach((row, i) => {
    if (isBlankRow(row)) return;
    const result = rowToTrade(index, row, i + firstRow, timezone);
    if (result.ok) trades.push(result.trade);
    else problems.push(result.problem);
  });
  return { trades, problems };
}
