// Sheet row layout: the earlier service's eight columns first (its sheets stay readable), newer optional ones after.
import type { StoredTrade, Trade } from './trade';
import { TICKER_PATTERN, TRADE_LIMITS, tradeSchemaFor } from './trade';
import { canonicalTimestampMillis } from './timestamp-digits';

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

// Bound once: under tsx and jest each read of an imported binding or a global is a property lookup, per cell here.
const NAN = Number.NaN;
const { abs } = Math;
const { maxAmount: MAX_AMOUNT, minPnlSize: MIN_PNL_SIZE, maxQuantity: MAX_QUANTITY, maxNotesLength: MAX_NOTES_LENGTH } = TRADE_LIMITS;
const { maxTags: MAX_TAGS, maxTagLength: MAX_TAG_LENGTH, maxAccountLength: MAX_ACCOUNT_LENGTH } = TRADE_LIMITS;
const WRITTEN_TICKER = TICKER_PATTERN;

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

/** Where each column is in a row (-1: the tab has none), worked out once per layout rather than per cell. */
export type ColumnPositions = Readonly<Record<SheetColumn, number>>;
const positionsOfIndex = new WeakMap<ReadonlyMap<SheetColumn, number>, ColumnPositions>();

export function columnPositions(index: ReadonlyMap<SheetColumn, number>): ColumnPositions {
  let positions = positionsOfIndex.get(index);
  if (!positions) {
    positions = Object.fromEntries(SHEET_COLUMNS.map((column) => [column, index.get(column) ?? -1])) as ColumnPositions;
    positionsOfIndex.set(index, positions);
  }
  return positions;
}

/** A cell's text as written (not trimmed), or undefined when the row has no such cell or only whitespace in it. */
function cellText(row: readonly string[], position: number): string | undefined {
  if (position < 0) return undefined;
  const value = row[position];
  if (value === undefined || value.length === 0) return undefined;
  const first = value.charCodeAt(0);
  // A printable ASCII first character is not whitespace: the cell has text, and only other cells need a trim.
  if (first > 32 && first < 127) return value;
  return value.trim() === '' ? undefined : value;
}

/** A tags cell split into tags (`,` or `;` between them), or undefined when it names none. */
function tagsOf(text: string | undefined): string[] | undefined {
  const tags = text
    ?.split(/[,;]/)
    .map((tag) => tag.trim())
    .filter(Boolean);
  return tags && tags.length > 0 ? tags : undefined;
}

/** A number as `String(number)` writes it; for such text `parseNumberCell` is `Number`, so the fast path reads it so. */
const PLAIN_NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i;
const TAG_FORBIDDEN = /[\n\r|]/;

/** An optional amount cell the schema would accept (blank, or 0 < amount ≤ max), else NaN. */
function optionalAmount(text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = PLAIN_NUMBER.test(text) ? Number(text) : NAN;
  return value > 0 && value <= max ? value : NAN;
}

/**
 * The trade fields of a row as we write them, checked against the same limits as `tradeFieldsSchema`, or undefined
 * when any cell is not in the form we write (a lower-case ticker, `$1,240.50`, a time without offset, a value out of
 * bounds): those rows go through the schema, which also words the error. Accepting a row here means the schema would
 * accept it and give back these very values (a property test holds the two together); reading a 100,000-row journal
 * this way takes a fraction of the schema's time.
 */
export function writtenTradeFields(at: ColumnPositions, row: readonly string[]): Trade | undefined {
  const ticker = cellText(row, at.ticker);
  const positionType = cellText(row, at.position_type);
  const pnlText = cellText(row, at.pnl);
  const entry = cellText(row, at.entry_timestamp);
  const exit = cellText(row, at.exit_timestamp);
  if (ticker === undefined || !WRITTEN_TICKER.test(ticker)) return undefined;
  if (positionType !== 'long' && positionType !== 'short') return undefined;
  if (pnlText === undefined || !PLAIN_NUMBER.test(pnlText) || entry === undefined || exit === undefined) return undefined;
  const pnl = Number(pnlText);
  if (!(pnl >= -MAX_AMOUNT && pnl <= MAX_AMOUNT) || (pnl !== 0 && abs(pnl) < MIN_PNL_SIZE)) return undefined;
  const entryMs = canonicalTimestampMillis(entry);
  const exitMs = canonicalTimestampMillis(exit);
  if (entryMs === undefined || exitMs === undefined || exitMs < entryMs) return undefined;
  const notes = cellText(row, at.notes) ?? '';
  if (notes.length > MAX_NOTES_LENGTH) return undefined;
  const quantity = optionalAmount(cellText(row, at.quantity), MAX_QUANTITY);
  const entryPrice = optionalAmount(cellText(row, at.entry_price), MAX_AMOUNT);
  const exitPrice = optionalAmount(cellText(row, at.exit_price), MAX_AMOUNT);
  const stopLoss = optionalAmount(cellText(row, at.stop_loss), MAX_AMOUNT);
  // NaN is the one value not equal to itself: an amount the schema would refuse.
  if (quantity !== quantity || entryPrice !== entryPrice || exitPrice !== exitPrice || stopLoss !== stopLoss) return undefined;
  const tags = tagsOf(cellText(row, at.tags));
  if (tags && (tags.length > MAX_TAGS || tags.some((tag) => tag.length > MAX_TAG_LENGTH || TAG_FORBIDDEN.test(tag)))) return undefined;
  const account = cellText(row, at.account)?.trim();
  if (account !== undefined && account.length > MAX_ACCOUNT_LENGTH) return undefined;
  return {
    ticker,
    position_type: positionType,
    pnl,
    entry_timestamp: entry,
    exit_timestamp: exit,
    notes,
    quantity,
    entry_price: entryPrice,
    exit_price: exitPrice,
    stop_loss: stopLoss,
    tags,
    account,
  };
}

/** The trade fields of any row, as people and older writers fill cells too, through the trade schema. */
export function schemaTradeFields(at: ColumnPositions, row: readonly string[], timezone: string) {
  const cell = (column: SheetColumn): string | undefined => cellText(row, at[column]);
  return tradeSchemaFor(timezone).safeParse({
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
    tags: tagsOf(cell('tags')),
    account: cell('account'),
  });
}

/**
 * A stored trade as one object literal, its keys always in this order (the schema's, then the row's identity): every
 * trade read from a journal shares one hidden class with its fields inside the object, which the metrics and pattern
 * passes read about twice as fast as copies made by spreading.
 */
function storedTrade(trade: Trade, tradeId: string, userId: string, fileLinks: string, createdAt: string | undefined): StoredTrade {
  const { ticker, position_type, pnl, entry_timestamp, exit_timestamp, notes, quantity, entry_price, exit_price, stop_loss, tags, account } = trade;
  if (createdAt === undefined) {
    // prettier-ignore
    return { ticker, position_type, pnl, entry_timestamp, exit_timestamp, notes, quantity, entry_price, exit_price, stop_loss, tags, account, trade_id: tradeId, user_id: userId, file_links: fileLinks };
  }
  // prettier-ignore
  return { ticker, position_type, pnl, entry_timestamp, exit_timestamp, notes, quantity, entry_price, exit_price, stop_loss, tags, account, trade_id: tradeId, user_id: userId, file_links: fileLinks, created_at: createdAt };
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
  const at = columnPositions(index);
  let trade = writtenTradeFields(at, row);
  if (!trade) {
    const parsed = schemaTradeFields(at, row, timezone);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`).join('; ');
      return { ok: false, problem: { row: rowNumber, reason } };
    }
    trade = parsed.data;
  }
  const tradeId = cellText(row, at.trade_id) ?? `row-${rowNumber}`;
  return { ok: true, trade: storedTrade(trade, tradeId, cellText(row, at.user_id) ?? '', cellText(row, at.file_links) ?? '', cellText(row, at.created_at)) };
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
  const trades: StoredTrade[] = [];
  const problems: RowProblem[] = [];
  for (let i = firstRow - 1; i < rows.length; i++) {
    const row = rows[i]!;
    if (isBlankRow(row)) continue;
    const result = rowToTrade(index, row, i + 1, timezone);
    if (result.ok) trades.push(result.trade);
    else problems.push(result.problem);
  }
  return { trades, problems };
}
