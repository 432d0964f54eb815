// One broker file → round trips: read once as a stream, format detected from its first records, rows parsed, fills paired.
import { canonicalTimezone, isValidTimezone } from '../domain/timestamps';
import { ValidationError } from '../errors';
import { closedTradesToRoundTrips } from './closed-trades';
import { multipliersWith } from './contracts';
import { csvRecords, type CsvSource } from './csv-records';
import { genericParser } from './formats/generic';
import { ibkrFlexParser } from './formats/ibkr-flex';
import { ninjatraderParser } from './formats/ninjatrader';
import { thinkorswimParser } from './formats/thinkorswim';
import { tradenoteParser } from './formats/tradenote';
import { tradovateParser } from './formats/tradovate';
import { webullParser } from './formats/webull';
import {
  IMPORT_FORMATS,
  type ColumnMapping,
  type CsvRecord,
  type FormatParser,
  type HeaderAwareParser,
  type ImportFormat,
  type OpenPosition,
  type ParsedFile,
  type RejectedRow,
  type RoundTrip,
} from './import-types';
import { pairRoundTrips } from './round-trips';

export interface ReadBrokerFileOptions {
  /** Skip detection and read the file as this format. */
  format?: ImportFormat;
  /** IANA zone naive times in the file are read in. */
  timezone: string;
  /** Futures point values by root, over the built-in table. */
  multipliers?: Record<string, number>;
  /** Generic importer only: our field → the file's header. Given without `format`, it means `generic`. */
  mapping?: ColumnMapping;
  /** Account for fills and trades whose file names none (a file's own account wins). */
  account?: string;
}

export interface BrokerFileResult {
  format: ImportFormat;
  /** Ordered by exit time. */
  trades: RoundTrip[];
  open_positions: OpenPosition[];
  rejected_rows: RejectedRow[];
  /** Fills read (0 for a closed-trades file). */
  fill_count: number;
  notes: string[];
}

/** Detection order: the first parser that recognises the head wins, so the catch-all generic one comes last. */
const PARSERS: readonly FormatParser[] = [ibkrFlexParser, thinkorswimParser, tradovateParser, ninjatraderParser, webullParser, tradenoteParser, genericParser];
const HEAD_RECORDS = 40;

const isHeaderAware = (parser: FormatParser): parser is HeaderAwareParser => typeof (parser as Partial<HeaderAwareParser>).missingHeaders === 'function';

/**
 * The records already peeked, then the rest of the same stream: the source is read once. A hand-written iterator, not
 * an async generator: each record is the stream's own promise, without a generator's suspensions in between.
 */
function replay(head: readonly CsvRecord[], rest: AsyncIterator<CsvRecord>): AsyncIterableIterator<CsvRecord> {
  let index = 0;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => (index < head.length ? Promise.resolve({ value: head[index++]!, done: false }) : rest.next()),
    // A parser that stops early must still close the underlying stream.
    return: async () => {
      index = head.length;
      await rest.return?.();
      return { value: undefined, done: true };
    },
  };
}

function choose(head: readonly CsvRecord[], options: ReadBrokerFileOptions, notes: string[]): FormatParser {
  const mapped = options.mapping !== undefined && Object.keys(options.mapping).length > 0;
  const forced = options.format ?? (mapped ? 'generic' : undefined);
  if (forced === undefined) {
    const detected = PARSERS.find((parser) => parser.detect(head));
    if (detected) return detected;
    throw new ValidationError('IMPORT.UNKNOWN_FORMAT', `Could not tell which broker wrote this file; pass format= one of ${IMPORT_FORMATS.join(', ')}`, {
      known_formats: [...IMPORT_FORMATS],
    });
  }
  if (options.format === undefined) notes.push('A column mapping was given, so the file was read as generic.');
  if (mapped && forced !== 'generic') notes.push(`The column mapping applies to the generic format only; ignored for ${forced}.`);
  const parser = PARSERS.find((candidate) => candidate.format === forced);
  if (parser === undefined) throw new ValidationError('IMPORT.UNKNOWN_FORMAT', `Unknown format "${forced}"; use one of ${IMPORT_FORMATS.join(', ')}`, { known_formats: [...IMPORT_FORMATS] });
  const missing = isHeaderAware(parser) ? parser.missingHeaders(head, { mapping: options.mapping }) : parser.detect(head) ? [] : ['the header row of this format'];
  if (missing.length > 0) {
    throw new ValidationError('IMPORT.HEADERS_MISSING', `The file does not have the ${forced} headers it needs: missing ${missing.join(', ')}`, {
      format: forced,
      missing_headers: missing,
    });
  }
  return parser;
}

function withAccount<T extends { account: string }>(items: T[], account: string | undefined): T[] {
  if (account === undefined || account === '') return items;
  return items.map((item) => (item.account === '' ? { ...item, account } : item));
}

function toResult(parsed: ParsedFile, options: ReadBrokerFileOptions, multipliers: Readonly<Record<string, number>>): Omit<BrokerFileResult, 'format' | 'notes'> {
  if (parsed.kind === 'fills') {
    // Parsers hand fills over oldest first, also from files listed newest first: that order breaks same-second ties.
    // The parser's fills are this call's own: numbered in place rather than copied.
    const fills = withAccount(parsed.fills, options.account);
    fills.forEach((fill, sequence) => {
      fill.sequence = sequence;
    });
    const { trades, open_positions, rejected } = pairRoundTrips(fills);
    return { trades, open_positions, rejected_rows: [...parsed.rejected, ...rejected].sort((a, b) => a.line - b.line), fill_count: fills.length };
  }
  const exits = new Map<RoundTrip, number>();
  const trades = closedTradesToRoundTrips(withAccount(parsed.trades, options.account), multipliers);
  for (const trade of trades) exits.set(trade, Date.parse(trade.exit_timestamp));
  trades.sort((a, b) => exits.get(a)! - exits.get(b)! || a.line - b.line);
  return { trades, open_positions: [], rejected_rows: parsed.rejected, fill_count: 0 };
}

/**
 * Reads a broker export into round trips. Throws `ValidationError` (`IMPORT.EMPTY_FILE`, `IMPORT.UNKNOWN_FORMAT`,
 * `IMPORT.HEADERS_MISSING`, `IMPORT.INVALID_TIMEZONE`) when the file as a whole cannot be read; a row that cannot be
 * read goes to `rejected_rows` and the rest still imports.
 */
export async function readBrokerFile(source: CsvSource, options: ReadBrokerFileOptions): Promise<BrokerFileResult> {
  if (!isValidTimezone(options.timezone)) {
    throw new ValidationError('IMPORT.INVALID_TIMEZONE', `"${options.timezone}" is not an IANA time zone such as America/New_York`, { timezone: options.timezone });
  }
  const stream = csvRecords(source)[Symbol.asyncIterator]();
  const head: CsvRecord[] = [];
  while (head.length < HEAD_RECORDS) {
    const next = await stream.next();
    if (next.done) break;
    head.push(next.value);
  }
  if (head.length === 0) throw new ValidationError('IMPORT.EMPTY_FILE', 'The file is empty: it has no rows to import');

  const notes: string[] = [];
  const parser = choose(head, options, notes);
  const multipliers = multipliersWith(options.multipliers);
  const parsed = await parser.parse(replay(head, stream), {
    // `utc` and `UTC` must write the same offsets.
    timezone: canonicalTimezone(options.timezone),
    multipliers,
    ...(options.mapping && parser.format === 'generic' ? { mapping: options.mapping } : {}),
  });
  const result = toResult(parsed, options, multipliers);
  notes.push(...(parsed.notes ?? []));
  if (result.open_positions.length > 0) {
    notes.push(`${result.open_positions.length} position(s) still open at the end of the file: not imported as trades (import a file that covers both their entry and their exit).`);
  }
  if (result.trades.length === 0 && result.open_positions.length === 0 && result.rejected_rows.length === 0) {
    notes.push('No trades were found in the file.');
  }
  return { format: parser.format, ...result, rejected_rows: [...result.rejected_rows].sort((a, b) => a.line - b.line), notes };
}
