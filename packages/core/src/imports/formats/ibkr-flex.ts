// Interactive Brokers Flex Query CSV (Trade Confirmation or Activity, any column order) and the Activity Statement's
// Trades section → fills.
import { headerIndex, unexcel } from '../cells';
import { futuresRoot } from '../contracts';
import { firstPresent, missingInHead, type HeaderRequirement } from '../header-match';
import type { AssetClass, CsvRecord, Fill, HeaderAwareParser, ParseOptions, ParsedFile } from '../import-types';
import { assetClassOf } from '../instruments';
import { FillCollector, isReason, readLocalTime, readNumber, sideOf, type Reading } from '../row-readers';
import { unknownPointValue } from './format-helpers';

const COLUMNS = {
  account: ['clientaccountid', 'accountid', 'account'],
  currency: ['currencyprimary', 'currency'],
  assetClass: ['assetclass', 'asset category'],
  symbol: ['symbol'],
  underlying: ['underlyingsymbol'],
  multiplier: ['multiplier', 'mult'],
  tradeId: ['tradeid', 'ibexecid', 'execid'],
  orderId: ['orderid', 'iborderid'],
  dateTime: ['date/time', 'datetime', 'tradedate'],
  side: ['buy/sell'],
  quantity: ['quantity'],
  price: ['price', 'tradeprice', 't. price'],
  commission: ['commission', 'ibcommission', 'comm/fee'],
  code: ['code', 'notes/codes'],
  levelOfDetail: ['levelofdetail'],
  discriminator: ['datadiscriminator'],
} as const;
type Column = keyof typeof COLUMNS;

const REQUIRED: HeaderRequirement[] = [
  { label: 'Symbol', anyOf: COLUMNS.symbol },
  { label: 'Date/Time', anyOf: COLUMNS.dateTime },
  { label: 'Quantity', anyOf: COLUMNS.quantity },
  { label: 'Price (or TradePrice)', anyOf: COLUMNS.price },
  // Columns only IBKR writes, so that a generic fills file with Symbol/Quantity/Price is not taken for a Flex Query.
  {
    label: 'an IBKR column (ClientAccountID, AssetClass, Buy/Sell, TradeID, IBCommission…)',
    anyOf: ['clientaccountid', 'assetclass', 'asset category', 'buy/sell', 'tradeid', 'ibcommission', 'ibexecid', 'currencyprimary', 'underlyingsymbol', 'levelofdetail', 'datadiscriminator', 'notes/codes', 'comm/fee'],
  },
];

// The date, time and separator are query settings; the Activity Statement writes `2026-01-05, 09:30:00`.
const TIME_FORMATS = ['yyyyMMdd;HHmmss', 'yyyyMMdd HHmmss', 'yyyyMMdd;HH:mm:ss', 'yyyy-MM-dd, HH:mm:ss', 'yyyy-MM-dd;HH:mm:ss', 'yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd;HHmmss', 'MM/dd/yyyy;HHmmss', 'MM/dd/yyyy HH:mm:ss', 'yyyyMMdd', 'yyyy-MM-dd'];
const TRAILERS = new Set(['BOF', 'BOS', 'EOS', 'EOF']);

interface Row {
  /** `section`: a BOF/BOS/EOS/EOF marker, after which the next header says what follows. */
  kind: 'header' | 'data' | 'skip' | 'section';
  cells: string[];
}

/** Strips the row prefixes IBKR adds: `"HEADER","TRNT",…` (section codes on) and `Trades,Header,…` (statements). */
function rowOf(record: CsvRecord): Row {
  const [first = '', second = ''] = record.cells.map((cell) => cell.trim());
  if (TRAILERS.has(first)) return { kind: 'section', cells: [] };
  if ((first === 'HEADER' || first === 'DATA') && second !== '') return { kind: first === 'HEADER' ? 'header' : 'data', cells: record.cells.slice(2) };
  if (first !== '' && /^(Header|Data|SubTotal|Total|Notes)$/.test(second)) {
    return { kind: second === 'Header' ? 'header' : second === 'Data' ? 'data' : 'skip', cells: record.cells.slice(2) };
  }
  return { kind: 'data', cells: record.cells };
}

const isTradeHeader = (cells: readonly string[]): boolean => missingInHead([{ line: 0, cells: [...cells] }], REQUIRED).length === 0;

// Without section markers, the header of another section (cash, positions) is told from data by IBKR's field names.
const HEADER_WORDS = new Set(['symbol', 'clientaccountid', 'accountid', 'currencyprimary', 'assetclass']);
const looksLikeHeader = (cells: readonly string[]): boolean => cells.some((cell) => HEADER_WORDS.has(cell.trim().toLowerCase()));

function assetClassFrom(text: string): AssetClass {
  const word = text.trim().toLowerCase();
  if (word === '') return 'stock';
  if (word.includes('option') || word === 'fop' || word === 'fsfop') return 'option';
  if (word === 'fut' || word.startsWith('future')) return 'future';
  return assetClassOf(word) ?? 'other';
}

const DEFAULT_MULTIPLIER: Partial<Record<AssetClass, number>> = { stock: 1, forex: 1, crypto: 1, option: 100, other: 1 };

type Cells = (column: Column) => string;

function multiplierOf(cell: Cells, assetClass: AssetClass, root: string, options: ParseOptions): Reading<number> {
  const stated = readNumber('Multiplier', cell('multiplier'), false);
  if (isReason(stated)) return stated;
  if (stated !== undefined && stated > 0) return stated;
  const fallback = assetClass === 'future' ? options.multipliers[root] : DEFAULT_MULTIPLIER[assetClass];
  return fallback ?? `Multiplier is blank and there is an ${unknownPointValue(root)}`;
}

function readFill(line: number, cell: Cells, options: ParseOptions): Reading<Fill> | null {
  const codes = cell('code').split(/[;,\s]+/);
  const sideText = cell('side');
  if (codes.includes('Ca') || /\(Ca\.?\)/i.test(sideText)) return null;
  const symbol = cell('symbol');
  if (symbol === '') return 'Symbol is blank';
  const assetClass = assetClassFrom(cell('assetClass'));
  const underlying = cell('underlying');
  const root =
    (assetClass === 'future' || assetClass === 'option') && underlying !== ''
      ? underlying
      : assetClass === 'future'
        ? futuresRoot(symbol)
        : assetClass === 'option'
          ? (symbol.split(/\s+/)[0] ?? symbol)
          : symbol;
  const signed = readNumber('Quantity', cell('quantity'), true);
  if (isReason(signed)) return signed;
  if (signed === 0) return 'Quantity is 0';
  let side: Fill['side'] = signed > 0 ? 'buy' : 'sell';
  if (sideText !== '') {
    const named = sideOf(sideText.replace(/\s*\(.*\)$/, ''));
    if (named === undefined) return `Buy/Sell "${sideText}" is neither BUY nor SELL`;
    side = named;
  }
  const price = readNumber('Price', cell('price'), true);
  if (isReason(price)) return price;
  // Expired, exercised and assigned options close at a price of 0; any other fill at 0 is a broken row.
  const closesAtZero = codes.some((code) => code === 'Ep' || code === 'Ex' || code === 'A');
  if (price < 0 || (price === 0 && !closesAtZero)) return `Price "${cell('price')}" must be greater than 0`;
  const multiplier = multiplierOf(cell, assetClass, root, options);
  if (isReason(multiplier)) return multiplier;
  const commission = readNumber('Commission', cell('commission'), false);
  if (isReason(commission)) return commission;
  const time = readLocalTime('Date/Time', cell('dateTime'), TIME_FORMATS, options.timezone);
  if (isReason(time)) return time;
  const fill: Fill = {
    line,
    account: cell('account'),
    contract: symbol,
    root,
    asset_class: assetClass,
    side,
    quantity: Math.abs(signed),
    price,
    multiplier,
    // IBKR prints commission as a debit (negative; a rebate is positive) and it already totals the component columns.
    fees: commission === undefined || commission === 0 ? 0 : -commission,
    timestamp: time.timestamp,
    epoch_ms: time.epoch_ms,
  };
  const currency = cell('currency');
  if (currency !== '') fill.currency = currency;
  if (cell('tradeId') !== '') fill.execution_id = cell('tradeId');
  if (cell('orderId') !== '') fill.order_id = cell('orderId');
  if (codes.includes('C')) fill.closes = true;
  return fill;
}

async function parse(records: AsyncIterable<CsvRecord>, options: ParseOptions): Promise<ParsedFile> {
  const collector = new FillCollector();
  // A query with both EXECUTION and ORDER detail lists every fill twice; order rows count only when there are no others.
  const orderLevel: Array<{ line: number; reading: Reading<Fill> | null }> = [];
  let sawExecutions = false;
  let columns: Map<Column, number> | undefined;
  for await (const record of records) {
    const row = rowOf(record);
    if (row.kind === 'skip') continue;
    if (row.kind === 'section') {
      columns = undefined;
      continue;
    }
    if (isTradeHeader(row.cells)) {
      const index = headerIndex(row.cells);
      columns = new Map();
      for (const [column, names] of Object.entries(COLUMNS) as Array<[Column, readonly string[]]>) {
        const name = firstPresent(index, names);
        if (name !== undefined) columns.set(column, index.get(name)!);
      }
      continue;
    }
    // Rows of another section (cash, positions) or before the first trade header are not trades.
    if (row.kind === 'header' || looksLikeHeader(row.cells)) {
      columns = undefined;
      continue;
    }
    if (columns === undefined) continue;
    const known = columns;
    const cell: Cells = (column) => {
      const position = known.get(column);
      return position === undefined ? '' : unexcel(row.cells[position]);
    };
    const detail = cell('levelOfDetail').toUpperCase();
    const discriminator = cell('discriminator');
    if (discriminator !== '' && !/^(Order|Trade|Execution)$/i.test(discriminator)) continue;
    if (detail !== '' && detail !== 'EXECUTION' && detail !== 'ORDER') continue;
    const reading = readFill(record.line, cell, options);
    if (detail === 'ORDER') orderLevel.push({ line: record.line, reading });
    else {
      sawExecutions ||= detail === 'EXECUTION';
      collector.add(record.line, reading);
    }
  }
  if (!sawExecutions) for (const { line, reading } of orderLevel) collector.add(line, reading);
  orderSameSecond(collector.fills);
  return { kind: 'fills', fills: collector.fills, rejected: collector.rejected };
}

/**
 * The pairing engine sorts by time and breaks ties by the order fills are handed over in; within one second the file
 * order says nothing (rows are grouped by asset class, currency and symbol), but IBKR numbers executions as they
 * happen. So fills that share a second are put in TradeID (then OrderID) order, in the slots they occupied; every other
 * fill keeps its place.
 */
function orderSameSecond(fills: Fill[]): void {
  const slots = new Map<number, number[]>();
  fills.forEach((fill, position) => {
    // Appended in place: copying the list per fill made a file of same-second fills quadratic (minutes at 40,000 rows).
    const slot = slots.get(fill.epoch_ms);
    if (slot) slot.push(position);
    else slots.set(fill.epoch_ms, [position]);
  });
  for (const positions of slots.values()) {
    if (positions.length < 2) continue;
    const ordered = positions
      .map((position) => fills[position]!)
      .sort((a, b) => byExecutionNumber(a.execution_id, b.execution_id) || byExecutionNumber(a.order_id, b.order_id) || a.line - b.line);
    positions.forEach((position, i) => {
      fills[position] = ordered[i]!;
    });
  }
}

/** Numeric ids compared as numbers (of any length); ids that are not plain digits, or missing, leave the order as is. */
function byExecutionNumber(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return 0;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const ibkrFlexParser: HeaderAwareParser = {
  format: 'ibkr-flex',
  detect: (head) => head.some((record) => isTradeHeader(rowOf(record).cells)),
  missingHeaders: (head) => missingInHead(head, REQUIRED, (record) => rowOf(record).cells),
  parse,
};
