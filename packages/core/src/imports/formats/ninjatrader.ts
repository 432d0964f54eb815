// NinjaTrader 8 Executions grid export: one execution per row, numbers and times in the PC's culture (en-US or
// European), commission already per execution.
import { cellOf, headerIndex } from '../cells';
import { futuresRoot } from '../contracts';
import { missingFrom, missingInHead, type HeaderRequirement } from '../header-match';
import type { CsvRecord, Fill, HeaderAwareParser, ParseOptions, ParsedFile } from '../import-types';
import { FillCollector, isReason, readLocalTime, type Reading } from '../row-readers';
import { fillsResult, lineList, readDecimal, unknownPointValue } from './format-helpers';

// en-US culture first (12-hour with AM/PM); European cultures write day first on a 24-hour clock.
const TIME_FORMATS = ['M/d/yyyy h:mm:ss a', 'd.M.yyyy H:mm:ss', 'd/M/yyyy H:mm:ss', 'yyyy-MM-dd H:mm:ss'];
const REQUIRED: HeaderRequirement[] = [
  ...['Instrument', 'Action', 'Quantity', 'Price', 'Time'].map((label) => ({ label, anyOf: [label.toLowerCase()] })),
  // Columns only the Executions grid has, so that another Instrument/Price file is not taken for it.
  { label: 'E/X or Order ID', anyOf: ['e/x', 'order id'] },
];
const ACTIONS: Readonly<Record<string, Fill['side']>> = { buy: 'buy', 'buy to cover': 'buy', sell: 'sell', 'sell short': 'sell' };
// `NQ 03-26` (root, month-year) and the `NQ MAR26` spelling of some settings.
const FUTURES_INSTRUMENT = /^(\S+) (\d{2}-\d{2}|[A-Z]{3}\d{2})$/;

type Row = (header: string) => string;

function readExecution(line: number, row: Row, options: ParseOptions): Reading<Fill> {
  const instrument = row('Instrument').toUpperCase().replace(/\s+/g, ' ');
  if (instrument === '') return 'Instrument is blank';
  const side = ACTIONS[row('Action').toLowerCase().replace(/\s+/g, ' ')];
  if (!side) return `Action "${row('Action')}" is not Buy, Sell, Buy to cover or Sell short`;
  const quantity = readDecimal('Quantity', row('Quantity'));
  if (isReason(quantity)) return quantity;
  if (quantity <= 0) return `Quantity "${row('Quantity')}" must be greater than 0`;
  const price = readDecimal('Price', row('Price'));
  if (isReason(price)) return price;
  if (price <= 0) return `Price "${row('Price')}" must be greater than 0`;
  const time = readLocalTime('Time', row('Time'), TIME_FORMATS, options.timezone);
  if (isReason(time)) return time;
  // Already the total for the execution's quantity; a blank cell is an execution nobody charged for.
  const commission = readDecimal('Commission', row('Commission'), 0);
  if (isReason(commission)) return commission;
  let root = instrument;
  let multiplier = 1;
  const futures = FUTURES_INSTRUMENT.test(instrument);
  if (futures) {
    root = futuresRoot(instrument);
    const pointValue = options.multipliers[root];
    if (pointValue === undefined) return unknownPointValue(root);
    multiplier = pointValue;
  }
  const fill: Fill = {
    line, account: row('Account'), contract: instrument, root, asset_class: futures ? 'future' : 'stock', side, quantity, price, multiplier,
    fees: commission, timestamp: time.timestamp, epoch_ms: time.epoch_ms,
  };
  if (row('ID') !== '') fill.execution_id = row('ID');
  if (row('Order ID') !== '') fill.order_id = row('Order ID');
  if (row('E/X').trim().toLowerCase() === 'exit') fill.closes = true;
  return fill;
}

async function parse(records: AsyncIterable<CsvRecord>, options: ParseOptions): Promise<ParsedFile> {
  const collector = new FillCollector();
  let index: Map<string, number> | undefined;
  for await (const { line, cells } of records) {
    if (index === undefined) {
      if (missingFrom(cells, REQUIRED).length === 0) index = headerIndex(cells);
      continue;
    }
    const known = index;
    // Identical rows are partial fills of one order reported at the same second: each one is kept.
    collector.add(line, readExecution(line, (header) => cellOf(cells, known, header), options));
  }
  return fillsResult(collector, sharedIdNotes(collector.fills));
}

/** Execution ids are the import's idempotency key, so one id on two rows is worth saying (both rows are kept). */
function sharedIdNotes(fills: readonly Fill[]): string[] {
  const lines = new Map<string, number[]>();
  for (const fill of fills) if (fill.execution_id !== undefined) lines.set(fill.execution_id, [...(lines.get(fill.execution_id) ?? []), fill.line]);
  return [...lines].filter(([, on]) => on.length > 1).map(([id, on]) => `Execution ID ${id} appears on ${lineList(on)}; every row was kept as its own fill.`);
}

export const ninjatraderParser: HeaderAwareParser = {
  format: 'ninjatrader',
  detect: (head) => head.some(({ cells }) => missingFrom(cells, REQUIRED).length === 0),
  missingHeaders: (head) => missingInHead(head, REQUIRED),
  parse,
};
