// TradeNote's generic template (TradeZero-style executions, one per line) → fills.
import { cellOf, headerIndex } from '../cells';
import { futuresRoot } from '../contracts';
import { toUnits, unitsToNumber, UNIT_DIGITS } from '../exact';
import { missingFrom, missingInHead, type HeaderRequirement } from '../header-match';
import type { AssetClass, CsvRecord, Fill, HeaderAwareParser, ParseOptions, ParsedFile } from '../import-types';
import { classifySymbol } from '../instruments';
import { FillCollector, isReason, readLocalTime, readNumber, readPositive, sideOf, type Reading } from '../row-readers';
import { unknownPointValue } from './format-helpers';

const REQUIRED: HeaderRequirement[] = ['T/D', 'Side', 'Symbol', 'Qty', 'Price', 'Exec Time'].map((label) => ({ label, anyOf: [label.toLowerCase()] }));
// All positive costs: Net Proceeds = Gross Proceeds − their sum.
const FEE_COLUMNS = ['Comm', 'SEC', 'TAF', 'NSCC', 'Nasdaq', 'ECN Remove', 'ECN Add'];
const TIME_FORMATS = ['M/d/yyyy H:mm:ss', 'M/d/yyyy H:mm', 'M/d/yy H:mm:ss', 'yyyy-MM-dd H:mm:ss'];
const TYPES: Record<string, AssetClass> = { stock: 'stock', future: 'future', forex: 'forex', call: 'option', put: 'option', option: 'option', crypto: 'crypto' };

type Cell = (header: string) => string;

/**
 * The file has no multiplier column, but Gross Proceeds already includes it (`-691225 = -2 × 6912.25 × 50`). Use the
 * ratio when it reproduces the proceeds to the cent; otherwise (blank, rounded, or zero proceeds) the table's value.
 */
function derivedMultiplier(quantity: number, price: number, grossCell: string): number | undefined {
  const gross = readNumber('Gross Proceeds', grossCell, false);
  if (isReason(gross) || gross === undefined || gross === 0) return undefined;
  const ratio = Math.round((Math.abs(gross) / (quantity * price)) * 10_000) / 10_000;
  return ratio > 0 && Math.abs(quantity * price * ratio - Math.abs(gross)) < 0.01 ? ratio : undefined;
}

function readFill(line: number, cell: Cell, options: ParseOptions, overrides: Map<string, string>): Reading<Fill> {
  const symbol = cell('Symbol').toUpperCase();
  if (symbol === '') return 'Symbol is blank';
  const side = sideOf(cell('Side'));
  if (side === undefined) return `Side "${cell('Side')}" is not B, S, SS or BC`;
  const typeText = cell('Type').toLowerCase();
  const instrument = classifySymbol(symbol, options.multipliers);
  const assetClass = typeText === '' ? instrument.asset_class : TYPES[typeText];
  if (assetClass === undefined) return `Type "${cell('Type')}" is not stock, future, forex, call or put`;
  const quantity = readNumber('Qty', cell('Qty'), true);
  if (isReason(quantity)) return quantity;
  if (quantity === 0) return 'Qty is 0';
  const price = readPositive('Price', cell('Price'));
  if (isReason(price)) return price;
  let fees = 0n;
  for (const header of FEE_COLUMNS) {
    const fee = readNumber(header, cell(header), false);
    if (isReason(fee)) return fee;
    fees += toUnits(fee ?? 0);
  }
  const root = assetClass === 'future' ? futuresRoot(symbol) : assetClass === 'option' ? instrument.root : symbol;
  const tableValue = assetClass === 'future' ? options.multipliers[root] : assetClass === 'option' ? 100 : 1;
  const derived = assetClass === 'future' || assetClass === 'option' ? derivedMultiplier(Math.abs(quantity), price, cell('Gross Proceeds')) : undefined;
  const multiplier = derived ?? tableValue;
  if (derived !== undefined && tableValue !== undefined && derived !== tableValue) {
    overrides.set(root, `${root}: point value ${derived} taken from Gross Proceeds (the table says ${tableValue})`);
  }
  if (multiplier === undefined) return `Gross Proceeds does not give the multiplier and there is an ${unknownPointValue(root)}`;
  const time = readLocalTime('T/D + Exec Time', `${cell('T/D')} ${cell('Exec Time')}`, TIME_FORMATS, options.timezone);
  if (isReason(time)) return time;
  const fill: Fill = {
    line,
    account: cell('Account'),
    contract: symbol,
    root,
    asset_class: assetClass,
    side,
    quantity: Math.abs(quantity),
    price,
    multiplier,
    fees: unitsToNumber(fees, UNIT_DIGITS, UNIT_DIGITS),
    timestamp: time.timestamp,
    epoch_ms: time.epoch_ms,
  };
  if (cell('Currency') !== '') fill.currency = cell('Currency').toUpperCase();
  // `S` sells a long, `BC` covers a short: both close (`B` and `SS` open).
  if (['S', 'BC'].includes(cell('Side').trim().toUpperCase())) fill.closes = true;
  return fill;
}

async function parse(records: AsyncIterable<CsvRecord>, options: ParseOptions): Promise<ParsedFile> {
  const collector = new FillCollector();
  const overrides = new Map<string, string>();
  let index: Map<string, number> | undefined;
  for await (const record of records) {
    if (index === undefined) {
      if (missingFrom(record.cells, REQUIRED).length === 0) index = headerIndex(record.cells);
      continue;
    }
    const known = index;
    collector.add(record.line, readFill(record.line, (header) => cellOf(record.cells, known, header), options, overrides));
  }
  return { kind: 'fills', fills: collector.fills, rejected: collector.rejected, notes: [...overrides.values()] };
}

export const tradenoteParser: HeaderAwareParser = {
  format: 'tradenote',
  detect: (head) => missingInHead(head, REQUIRED).length === 0,
  missingHeaders: (head) => missingInHead(head, REQUIRED),
  parse,
};
