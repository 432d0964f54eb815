// One row of an unknown CSV → a fill or a closed trade, with the reason when it cannot be read.
import { parseLocalTime, unexcel, type LocalTime } from '../cells';
import { futuresRoot } from '../contracts';
import { addUnits, toUnits, unitsToNumber, UNIT_DIGITS } from '../exact';
import type { AssetClass, ClosedTradeRow, Fill, ParseOptions } from '../import-types';
import { assetClassOf, classifySymbol, type Instrument } from '../instruments';
import { isReason, readIsoTime, readNumber, readPositive, sideOf, type Reading } from '../row-readers';
import { unknownPointValue } from './format-helpers';
import type { ColumnField, ColumnPositions, GenericColumns } from './generic-columns';

/**
 * The cells of the row being read, by field: one per file, moved from row to row (a closure per row cost more than
 * reading the row). It also remembers each symbol's instrument, the same on every row of the file.
 */
export class FieldCells {
  private cells: readonly string[] = [];
  readonly instruments = new Map<string, Instrument>();

  constructor(private readonly at: ColumnPositions) {}

  /** Moves on to the next row. */
  row(cells: readonly string[]): this {
    this.cells = cells;
    return this;
  }

  /** The row's cell for `field`, '' when the file has no such column. */
  get(field: ColumnField): string {
    const position = this.at[field];
    return position === undefined ? '' : unexcel(this.cells[position]);
  }
}

// US-style and ISO-like spellings; the day always follows the month (a `d/M` file needs an explicit format).
const LOCAL_FORMATS = [
  'M/d/yyyy H:mm:ss', 'M/d/yyyy H:mm', 'M/d/yyyy h:mm:ss a', 'M/d/yyyy h:mm a', 'M/d/yyyy H:mm:ss.SSS',
  'M/d/yy H:mm:ss', 'M/d/yy H:mm', 'M/d/yy h:mm:ss a', 'M/d/yy h:mm a',
  'yyyy/M/d H:mm:ss', 'yyyy/M/d H:mm', 'yyyyMMdd HH:mm:ss', 'yyyyMMdd;HHmmss',
  'M/d/yyyy', 'yyyy-MM-dd', 'yyyy/M/d',
];
const SKIPPED_STATUS = /^(cancell?ed|rejected|expired|working|pending)\b/i;

/** ISO 8601 (with or without offset) or one of the US-style spellings, naive times read in `zone`. */
export function readAnyTime(label: string, text: string, zone: string): Reading<LocalTime> {
  const trimmed = text.trim();
  if (trimmed === '') return `${label} is blank`;
  const iso = readIsoTime(trimmed, zone);
  if (iso !== null) return isReason(iso) ? `${label} ${iso}` : iso;
  const local = parseLocalTime(trimmed, LOCAL_FORMATS, zone);
  if (local) return local;
  if (parseLocalTime(trimmed, LOCAL_FORMATS, 'UTC')) return `${label} "${trimmed}" does not exist in ${zone} (clocks skipped it for daylight saving)`;
  return `${label} "${trimmed}" is not a date-time this importer reads (ISO 8601, M/d/yyyy H:mm:ss, M/d/yyyy h:mm:ss AM, yyyy-MM-dd HH:mm:ss)`;
}

/** The time of a fill from a date-time column, a date column, or a date column plus a time-of-day column. */
function fillTime(cell: FieldCells, at: GenericColumns['at'], zone: string): Reading<LocalTime> {
  const time = cell.get('time');
  const date = cell.get('date');
  if (at.time === undefined) return readAnyTime('Date', date, zone);
  // A time-of-day column beside a date column (`09:31:05`) is read as one date-time.
  if (at.date !== undefined && /^\d{1,2}:\d{2}/.test(time)) return readAnyTime('Date + Time', `${date} ${time}`, zone);
  return readAnyTime('Time', time, zone);
}

/** Fees and commission columns, both read as costs: brokers disagree on the sign they print them with. */
function costOf(cell: FieldCells): Reading<number> {
  const fees = readNumber('Fees', cell.get('fees'), false);
  if (isReason(fees)) return fees;
  const commission = readNumber('Commission', cell.get('commission'), false);
  if (isReason(commission)) return commission;
  return addUnits(Math.abs(fees ?? 0), Math.abs(commission ?? 0));
}

export const isSkippedStatus = (status: string): boolean => status !== '' && SKIPPED_STATUS.test(status.trim());

function instrumentOf(symbol: string, cell: FieldCells, options: ParseOptions): Reading<{ asset_class: AssetClass; root: string; multiplier: number }> {
  let classified = cell.instruments.get(symbol);
  if (classified === undefined) {
    classified = classifySymbol(symbol, options.multipliers);
    cell.instruments.set(symbol, classified);
  }
  const stated = assetClassOf(cell.get('asset_class'));
  const assetClass = stated ?? classified.asset_class;
  const root = assetClass === 'future' ? futuresRoot(symbol) : assetClass === classified.asset_class ? classified.root : symbol;
  const column = readNumber('Multiplier', cell.get('multiplier'), false);
  if (isReason(column)) return column;
  if (column !== undefined && column > 0) return { asset_class: assetClass, root, multiplier: column };
  const fallback = assetClass === 'future' ? options.multipliers[root] : assetClass === 'option' ? 100 : 1;
  if (fallback === undefined) return unknownPointValue(root);
  return { asset_class: assetClass, root, multiplier: fallback };
}

/** A numeric side (`1`/`-1`), as some platforms export it. */
function signOf(text: string): Fill['side'] | undefined {
  const value = readNumber('Side', text, false);
  return typeof value !== 'number' || value === 0 ? undefined : value > 0 ? 'buy' : 'sell';
}

/** A fill, or null for a row skipped on purpose (canceled, rejected, never filled). */
export function readFillRow(line: number, cell: FieldCells, columns: GenericColumns, options: ParseOptions): Reading<Fill> | null {
  if (isSkippedStatus(cell.get('status'))) return null;
  const symbol = cell.get('symbol').toUpperCase();
  if (symbol === '') return 'Symbol is blank';
  const signed = readNumber('Quantity', cell.get('quantity'), true);
  if (isReason(signed)) return signed;
  if (signed === 0) return 'Quantity is 0';
  let side: Fill['side'] = signed > 0 ? 'buy' : 'sell';
  if (columns.at.side !== undefined) {
    const text = cell.get('side');
    const named = sideOf(text) ?? signOf(text);
    if (named === undefined) return `Side "${text}" is not buy or sell`;
    if (signed < 0 && named === 'buy') return `Quantity "${cell.get('quantity')}" is negative but the side is "${text}"`;
    side = named;
  }
  const price = readPositive('Price', cell.get('price'));
  if (isReason(price)) return price;
  const instrument = instrumentOf(symbol, cell, options);
  if (isReason(instrument)) return instrument;
  const fees = costOf(cell);
  if (isReason(fees)) return fees;
  const time = fillTime(cell, columns.at, options.timezone);
  if (isReason(time)) return time;
  const fill: Fill = {
    line,
    account: cell.get('account'),
    contract: symbol,
    root: instrument.root,
    asset_class: instrument.asset_class,
    side,
    quantity: Math.abs(signed),
    price,
    multiplier: instrument.multiplier,
    fees,
    timestamp: time.timestamp,
    epoch_ms: time.epoch_ms,
  };
  const currency = cell.get('currency');
  if (currency !== '') fill.currency = currency.toUpperCase();
  const executionId = cell.get('execution_id');
  if (executionId !== '') fill.execution_id = executionId;
  const orderId = cell.get('order_id');
  if (orderId !== '') fill.order_id = orderId;
  return fill;
}

function optionalPositive(label: string, text: string): Reading<number | undefined> {
  return text.trim() === '' ? undefined : readPositive(label, text);
}

/** A closed trade, or null for a row skipped on purpose. `pnl` comes out net of the file's fees. */
export function readClosedRow(line: number, cell: FieldCells, columns: GenericColumns, options: ParseOptions): Reading<ClosedTradeRow> | null {
  if (isSkippedStatus(cell.get('status'))) return null;
  const ticker = cell.get('symbol').toUpperCase();
  if (ticker === '') return 'Symbol is blank';
  const side = sideOf(cell.get('position_type'));
  if (side === undefined) return `Side "${cell.get('position_type')}" is not long or short`;
  const entry = readAnyTime('Entry time', cell.get('entry_time'), options.timezone);
  if (isReason(entry)) return entry;
  const exit = readAnyTime('Exit time', cell.get('exit_time'), options.timezone);
  if (isReason(exit)) return exit;
  if (exit.epoch_ms < entry.epoch_ms) return `Exit time ${exit.timestamp} is before entry time ${entry.timestamp}`;
  const stated = readNumber('P&L', cell.get('pnl'), true);
  if (isReason(stated)) return stated;
  const fees = costOf(cell);
  if (isReason(fees)) return fees;
  const quantity = readNumber('Quantity', cell.get('quantity'), false);
  if (isReason(quantity)) return quantity;
  const entryPrice = optionalPositive('Entry price', cell.get('entry_price'));
  if (isReason(entryPrice)) return entryPrice;
  const exitPrice = optionalPositive('Exit price', cell.get('exit_price'));
  if (isReason(exitPrice)) return exitPrice;
  const row: ClosedTradeRow = {
    line,
    account: cell.get('account'),
    ticker,
    position_type: side === 'buy' ? 'long' : 'short',
    pnl: pnlIsNet(columns.pnlHeader) ? stated : unitsToNumber(toUnits(stated) - toUnits(fees), UNIT_DIGITS, 4),
    fees,
    entry_timestamp: entry.timestamp,
    exit_timestamp: exit.timestamp,
  };
  if (quantity !== undefined && quantity !== 0) row.quantity = Math.abs(quantity);
  if (entryPrice !== undefined) row.entry_price = entryPrice;
  if (exitPrice !== undefined) row.exit_price = exitPrice;
  if (cell.get('currency') !== '') row.currency = cell.get('currency').toUpperCase();
  if (cell.get('execution_id') !== '') row.trade_ref = cell.get('execution_id');
  return row;
}

/** `Net P&L`, `Net Profit`: fees are already out. Any other P&L column is taken as gross of the file's fees. */
export const pnlIsNet = (header: string): boolean => /^net/i.test(header.replace(/[^a-z]/gi, ''));
