// The shapes shared by the broker-file parsers and the round-trip engine: a fill, a parsed file, a round trip.
import type { PositionType } from '../domain/trade';

export const IMPORT_FORMATS = ['ibkr-flex', 'thinkorswim', 'tradovate', 'ninjatrader', 'webull', 'tradenote', 'generic'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export type AssetClass = 'stock' | 'future' | 'option' | 'forex' | 'crypto' | 'other';

/** One CSV record with the 1-based line of the file it started on (what `rejected_rows` report). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** One execution (or one order's aggregated executions, for files that only list orders). */
export interface Fill {
  /** 1-based line in the file; also the tie-breaker after time (file order). */
  line: number;
  /** Broker account; '' when the file names none (the importer's `account` option then applies). */
  account: string;
  /** Exact contract, the key positions are kept on: `MESH6`, `/ESH26`, `NQ 03-26`, `AAPL`, an OCC option symbol. */
  contract: string;
  /** What the journal's `ticker` gets: the futures root (`ES`), the stock symbol, the option's underlying. */
  root: string;
  asset_class: AssetClass;
  side: 'buy' | 'sell';
  /** Units filled, > 0 (shares, contracts). */
  quantity: number;
  /** Price per unit as quoted, > 0. */
  price: number;
  /** Money per 1.0 of price per unit: 1 for stocks, 100 for US equity options, the point value for futures. */
  multiplier: number;
  /** Every commission and fee charged on this fill, as a cost (> 0); a rebate is negative. */
  fees: number;
  /** Execution time, ISO 8601 with its offset (read in the import's time zone when the file has none). */
  timestamp: string;
  /** The same instant in epoch milliseconds, for ordering. */
  epoch_ms: number;
  currency?: string;
  /** The broker's execution id (IBKR TradeID, NinjaTrader ID…), stable across exports: the idempotency key. */
  execution_id?: string;
  order_id?: string;
  /** Execution order among fills of the same second, when it differs from file order (set by `readBrokerFile`). */
  sequence?: number;
  /**
   * True when the file says this fill closes a position (IBKR `C`, thinkorswim `TO CLOSE`, TradeNote `S`/`BC`, NinjaTrader `Exit`). A
   * closing fill with nothing open closes what was opened before the file began: it is left out, not read as a new
   * position in the other direction.
   */
  closes?: boolean;
}

export interface RejectedRow {
  line: number;
  reason: string;
}

/** A closed trade read directly from a file that lists round trips (the generic importer's closed-trades mode). */
export interface ClosedTradeRow {
  line: number;
  account: string;
  ticker: string;
  position_type: PositionType;
  quantity?: number;
  entry_price?: number;
  exit_price?: number;
  /** Net P&L as the file states it (fees already deducted when the file has a fee column: `pnl - fees`). */
  pnl: number;
  fees: number;
  entry_timestamp: string;
  exit_timestamp: string;
  currency?: string;
  notes?: string;
  /** A stable id for the trade when the file has one. */
  trade_ref?: string;
}

export type ParsedFile =
  | { kind: 'fills'; fills: Fill[]; rejected: RejectedRow[]; notes?: string[] }
  | { kind: 'closed_trades'; trades: ClosedTradeRow[]; rejected: RejectedRow[]; notes?: string[] };

/** Column mapping for the generic importer: our field name → the file's header text (case-insensitive). */
export type ColumnMapping = Partial<Record<GenericField, string>>;
export const GENERIC_FIELDS = [
  'account', 'symbol', 'side', 'quantity', 'price', 'time', 'date', 'fees', 'commission', 'multiplier', 'execution_id', 'order_id',
  'currency', 'position_type', 'entry_time', 'exit_time', 'entry_price', 'exit_price', 'pnl', 'status',
] as const;
export type GenericField = (typeof GENERIC_FIELDS)[number];

export interface ParseOptions {
  /** IANA zone that naive times in the file are read in. */
  timezone: string;
  /** Futures point values by root (`ES` → 50), the built-in table merged with configured extras. */
  multipliers: Readonly<Record<string, number>>;
  mapping?: ColumnMapping;
}

export interface FormatParser {
  readonly format: ImportFormat;
  /** True when the file's first records (up to 40, blank lines skipped) look like this format's headers. */
  detect(head: readonly CsvRecord[]): boolean;
  parse(records: AsyncIterable<CsvRecord>, options: ParseOptions): Promise<ParsedFile>;
}

/** A parser that can name the required headers a file lacks, for `IMPORT.HEADERS_MISSING` when a format is forced. */
export interface HeaderAwareParser extends FormatParser {
  /** [] when the first records hold a usable header; else the missing columns as a person would name them. */
  missingHeaders(head: readonly CsvRecord[], options?: Pick<ParseOptions, 'mapping'>): string[];
}

/** A flat → flat position cycle, ready to become a journal trade. */
export interface RoundTrip {
  account: string;
  contract: string;
  ticker: string;
  asset_class: AssetClass;
  position_type: PositionType;
  /** Total entry quantity. Absent only for a closed-trades file row that does not state it. */
  quantity?: number;
  /** Quantity-weighted averages. Absent only for a closed-trades file row that does not state them. */
  entry_price?: number;
  exit_price?: number;
  /** Net of every fee in the cycle, × multiplier, rounded to 1/10,000. */
  pnl: number;
  gross_pnl: number;
  fees: number;
  multiplier: number;
  currency?: string;
  entry_timestamp: string;
  exit_timestamp: string;
  /** Fills that made the trade (a fill split at zero counts in both trades); 0 for a closed-trades file row. */
  fill_count: number;
  /** Stable across exports: from the fills' execution ids, else from the fills themselves. */
  fingerprint: string;
  /** First line of the file that contributed. */
  line: number;
}

export interface OpenPosition {
  account: string;
  contract: string;
  ticker: string;
  position_type: PositionType;
  quantity: number;
  average_entry_price: number;
  entry_timestamp: string;
  fees: number;
  multiplier: number;
  currency?: string;
}
