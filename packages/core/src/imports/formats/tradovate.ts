// Tradovate exports: the Orders report (one row per order; a filled order is one fill at its average price) and the
// Performance report (fill pairs, regrouped into the fills they pair).
import { cellOf, headerIndex } from '../cells';
import { futuresRoot } from '../contracts';
import { missingFrom, missingInHead, type HeaderRequirement } from '../header-match';
import type { CsvRecord, Fill, HeaderAwareParser, ParseOptions, ParsedFile } from '../import-types';
import { FillCollector, isReason, readLocalTime, readNumber, readPositive, sideOf, type Reading } from '../row-readers';
import { fillsResult, unknownPointValue } from './format-helpers';

// Naive, in the platform's display zone; `Timestamp` and `Date` are when the order was placed, not filled.
const TIME_FORMATS = ['MM/dd/yyyy HH:mm:ss', 'M/d/yyyy H:mm:ss'];
const NO_FEES = 'Tradovate exports carry no commissions or fees: every fee is 0, so P&L is gross.';

const columns = (...labels: string[]): HeaderRequirement[] => labels.map((label) => ({ label, anyOf: [label.toLowerCase()] }));
// Older exports stop after the 26th column and some spell the fill columns `Filled Qty` / `Avg Fill Price`.
const ORDER_COLUMNS: HeaderRequirement[] = [
  ...columns('B/S', 'Contract', 'Status', 'Fill Time'),
  { label: 'avgPrice', anyOf: ['avgprice', 'avg fill price'] },
  { label: 'filledQty', anyOf: ['filledqty', 'filled qty'] },
];
const PERFORMANCE_COLUMNS = columns('symbol', 'buyFillId', 'sellFillId', 'qty', 'buyPrice', 'sellPrice', 'boughtTimestamp', 'soldTimestamp');

type Row = (...headers: string[]) => string;
type Variant = 'orders' | 'performance';

function variantOf(cells: readonly string[]): Variant | undefined {
  if (missingFrom(cells, ORDER_COLUMNS).length === 0) return 'orders';
  return missingFrom(cells, PERFORMANCE_COLUMNS).length === 0 ? 'performance' : undefined;
}

/** True when money printed to the cent is the same as the computed amount. */
const sameMoney = (stated: number, computed: number) => Math.abs(stated - computed) <= Math.max(0.011, Math.abs(computed) * 1e-6);

/**
 * Point values by root: the configured table first, else one read back from money the file states (`Notional Value`
 * = price × qty × point value; a pair's `pnl` = price move × qty × point value), noted so the user can confirm it.
 */
class PointValues {
  private readonly derived = new Map<string, number>();

  constructor(
    private readonly table: Readonly<Record<string, number>>,
    private readonly notes: string[],
  ) {}

  resolve(root: string, line: number, money: number | undefined, points: number, column: string): Reading<number> {
    const known = this.table[root] ?? this.derived.get(root);
    if (known !== undefined) {
      if (money !== undefined && !sameMoney(money, points * known)) {
        this.notes.push(`Line ${line}: ${column} ${money} does not match the point value ${known} of ${root} (expected ${Math.round(points * known * 100) / 100}).`);
      }
      return known;
    }
    // Six significant digits undo the cents the money was rounded to (13,284.00 / 132.84 → 100).
    const value = money === undefined || points === 0 ? Number.NaN : Number((money / points).toPrecision(6));
    if (!(value > 0)) return unknownPointValue(root);
    this.derived.set(root, value);
    this.notes.push(`The point value of ${root} was read from ${column}: ${value}. Add ${root}=${value} to IMPORT_CONTRACT_MULTIPLIERS to confirm it.`);
    return value;
  }
}

function readOrder(line: number, row: Row, options: ParseOptions, pointValues: PointValues): Reading<Fill> | null {
  // Canceled, rejected and still-working orders traded nothing.
  if (row('Status').toLowerCase() !== 'filled') return null;
  const side = sideOf(row('B/S'));
  if (!side) return `B/S "${row('B/S')}" is neither Buy nor Sell`;
  const contract = row('Contract');
  if (contract === '') return 'Contract is blank';
  const quantity = readPositive('filledQty', row('filledQty', 'Filled Qty'));
  if (isReason(quantity)) return quantity;
  const price = readPositive('avgPrice', row('avgPrice', 'Avg Fill Price'));
  if (isReason(price)) return price;
  const time = readLocalTime('Fill Time', row('Fill Time'), TIME_FORMATS, options.timezone);
  if (isReason(time)) return time;
  const notional = readNumber('Notional Value', row('Notional Value'), false);
  if (isReason(notional)) return notional;
  const root = row('Product') || futuresRoot(contract);
  const multiplier = pointValues.resolve(root, line, notional, price * quantity, 'Notional Value');
  if (isReason(multiplier)) return multiplier;
  const orderId = row('orderId', 'Order ID');
  const fill: Fill = {
    line, account: row('Account'), contract, root, asset_class: 'future', side, quantity, price, multiplier, fees: 0,
    timestamp: time.timestamp, epoch_ms: time.epoch_ms,
  };
  if (row('Currency') !== '') fill.currency = row('Currency');
  if (orderId !== '') {
    fill.execution_id = orderId;
    fill.order_id = row('Order ID', 'orderId');
  }
  return fill;
}

type Leg = Pick<Fill, 'side' | 'price' | 'timestamp' | 'epoch_ms'> & { id: string };

function readLeg(row: Row, side: Fill['side'], options: ParseOptions): Reading<Leg> {
  const [name, column] = side === 'buy' ? ['buy', 'bought'] : ['sell', 'sold'];
  const id = row(`${name}FillId`);
  if (id === '') return `${name}FillId is blank`;
  const price = readPositive(`${name}Price`, row(`${name}Price`));
  if (isReason(price)) return price;
  const time = readLocalTime(`${column}Timestamp`, row(`${column}Timestamp`), TIME_FORMATS, options.timezone);
  if (isReason(time)) return time;
  return { id, side, price, timestamp: time.timestamp, epoch_ms: time.epoch_ms };
}

/**
 * One Performance row pairs part of a buy fill with part of a sell fill; a fill closed in pieces appears on several
 * rows under one id. Adding those pieces back together gives the fills themselves, each under its own execution id.
 */
function readPair(line: number, row: Row, options: ParseOptions, pointValues: PointValues, fills: Map<string, Fill>): Reading<Fill[]> {
  const symbol = row('symbol');
  if (symbol === '') return 'symbol is blank';
  const quantity = readPositive('qty', row('qty'));
  if (isReason(quantity)) return quantity;
  const buy = readLeg(row, 'buy', options);
  if (isReason(buy)) return buy;
  const sell = readLeg(row, 'sell', options);
  if (isReason(sell)) return sell;
  const pnl = readNumber('pnl', row('pnl'), false);
  if (isReason(pnl)) return pnl;
  const root = futuresRoot(symbol);
  const multiplier = pointValues.resolve(root, line, pnl, (sell.price - buy.price) * quantity, 'pnl');
  if (isReason(multiplier)) return multiplier;
  for (const leg of [buy, sell]) {
    const seen = fills.get(`${leg.side}:${leg.id}`);
    if (seen && (seen.contract !== symbol || seen.price !== leg.price || seen.epoch_ms !== leg.epoch_ms)) {
      return `${leg.side}FillId ${leg.id} is on line ${seen.line} with another symbol, price or time`;
    }
  }
  return [buy, sell].flatMap(({ id, ...leg }) => {
    const seen = fills.get(`${leg.side}:${id}`);
    if (seen) {
      seen.quantity += quantity;
      return [];
    }
    const fill: Fill = { line, account: '', contract: symbol, root, asset_class: 'future', ...leg, quantity, multiplier, fees: 0, execution_id: id };
    fills.set(`${leg.side}:${id}`, fill);
    return [fill];
  });
}

async function parse(records: AsyncIterable<CsvRecord>, options: ParseOptions): Promise<ParsedFile> {
  const collector = new FillCollector();
  const notes = [NO_FEES];
  const pointValues = new PointValues(options.multipliers, notes);
  const pairedFills = new Map<string, Fill>();
  let variant: Variant | undefined;
  let index = new Map<string, number>();
  for await (const { line, cells } of records) {
    const header = variantOf(cells);
    if (header !== undefined) {
      variant = header;
      index = headerIndex(cells);
      continue;
    }
    // Lines above the header (a report title, filters) are not data.
    if (variant === undefined) continue;
    const row: Row = (...headers) => headers.map((header) => cellOf(cells, index, header)).find((cell) => cell !== '') ?? '';
    if (variant === 'orders') collector.add(line, readOrder(line, row, options, pointValues));
    else {
      const pair = readPair(line, row, options, pointValues, pairedFills);
      if (isReason(pair)) collector.add(line, pair);
      else collector.fills.push(...pair);
    }
  }
  if (variant === 'performance') notes.push('The Performance report names no account: the account chosen for the import applies.');
  return fillsResult(collector, notes);
}

export const tradovateParser: HeaderAwareParser = {
  format: 'tradovate',
  detect: (head) => head.some(({ cells }) => variantOf(cells) !== undefined),
  missingHeaders: (head) => {
    const orders = missingInHead(head, ORDER_COLUMNS);
    const performance = missingInHead(head, PERFORMANCE_COLUMNS);
    return orders.length <= performance.length ? orders : performance;
  },
  parse,
};
