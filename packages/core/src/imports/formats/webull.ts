// Webull Orders Records export: one row per order, newest first; an order that traded is one fill of its Filled
// quantity at its Avg Price, at its Filled Time in the zone the export names.
import { DateTime, FixedOffsetZone } from 'luxon';
import { formatTimestamp } from '../../domain/timestamps';
import { cellOf, headerIndex, type LocalTime } from '../cells';
import { missingFrom, missingInHead, type HeaderRequirement } from '../header-match';
import type { CsvRecord, Fill, HeaderAwareParser, ParseOptions, ParsedFile } from '../import-types';
import { classifySymbol } from '../instruments';
import { FillCollector, isReason, readLocalTime, readNumber, readPositive, sideOf, type Reading } from '../row-readers';
import { fillsResult } from './format-helpers';

const TIME_FORMATS = ['MM/dd/yyyy HH:mm:ss', 'M/d/yyyy H:mm:ss', 'yyyy/MM/dd HH:mm:ss', 'yyyy-MM-dd HH:mm:ss'];
const REQUIRED: HeaderRequirement[] = ['Symbol', 'Side', 'Status', 'Filled', 'Total Qty', 'Avg Price', 'Filled Time'].map((label) => ({ label, anyOf: [label.toLowerCase()] }));
const NO_FEES = 'Webull orders exports carry no commissions or fees: every fee is 0, so P&L is gross.';
// `Partially Filled` orders (spelled `Partial Filled` in some exports) traded real shares; Cancelled and Failed did not.
const TRADED = new Set(['filled', 'partially filled', 'partial filled']);

// US exports name the US zone in force that day; CST here is US Central, not China Standard Time.
const ZONES: Readonly<Record<string, string>> = {
  EDT: '-04:00', EST: '-05:00', CDT: '-05:00', CST: '-06:00', MDT: '-06:00', MST: '-07:00', PDT: '-07:00', PST: '-08:00',
  AKDT: '-08:00', AKST: '-09:00', HST: '-10:00', GMT: '+00:00', UTC: '+00:00', BST: '+01:00', HKT: '+08:00', SGT: '+08:00', JST: '+09:00',
};
// `10/29/2026 09:31:40 EDT` or the regional `2026/07/20 08:03:06,GMT-04`.
const ZONED_TIME = /^(.*\d)[\s,]+(?:(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?|([A-Z]{2,5}))$/i;

type Row = (header: string) => string;

/** A Filled Time read at the offset its zone names; one without a zone is read in the import's zone. */
function readFilledTime(text: string, zone: string): Reading<LocalTime> {
  const match = ZONED_TIME.exec(text.trim());
  if (!match) return readLocalTime('Filled Time', text, TIME_FORMATS, zone);
  const [, local = '', sign, hours = '', minutes = '00', abbreviation] = match;
  const offset = abbreviation === undefined ? `${sign}${hours.padStart(2, '0')}:${minutes}` : ZONES[abbreviation.toUpperCase()];
  if (offset === undefined) return `Filled Time "${text}" names a time zone Webull's US exports do not use ("${abbreviation}")`;
  // The wall clock read as if in UTC, then moved by the stated offset: a fixed offset has no gaps to refuse.
  const wall = readLocalTime('Filled Time', local, TIME_FORMATS, 'UTC');
  if (isReason(wall)) return wall;
  const offsetMinutes = (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const instant = DateTime.fromMillis(wall.epoch_ms - offsetMinutes * 60_000, { zone: FixedOffsetZone.instance(offsetMinutes) });
  return { timestamp: formatTimestamp(instant), epoch_ms: instant.toMillis() };
}

function readOrder(line: number, row: Row, options: ParseOptions, notes: string[]): Reading<Fill> | null {
  const symbol = row('Symbol').toUpperCase();
  // A combo order's own row has no Symbol; its legs follow it as rows of their own, which are the fills.
  if (symbol === '') return null;
  const status = row('Status');
  const filled = readNumber('Filled', row('Filled'), false);
  const traded = typeof filled === 'number' && filled > 0;
  if (!TRADED.has(status.toLowerCase())) {
    if (traded) notes.push(`Line ${line}: a ${status} order shows ${filled} filled; it was not imported.`);
    return null;
  }
  // A partly filled order that has not traded yet is still only an order.
  if (!traded && status.toLowerCase() !== 'filled' && !isReason(filled)) return null;
  const quantity = readPositive('Filled', row('Filled'));
  if (isReason(quantity)) return quantity;
  const side = sideOf(row('Side'));
  if (!side) return `Side "${row('Side')}" is not Buy, Sell or Short`;
  // `Price` is the limit (`@182.50`); the fill is at `Avg Price`.
  const price = readPositive('Avg Price', row('Avg Price'));
  if (isReason(price)) return price;
  const time = readFilledTime(row('Filled Time'), options.timezone);
  if (isReason(time)) return time;
  const option = classifySymbol(symbol, {});
  const isOption = option.asset_class === 'option';
  return {
    line, account: '', contract: symbol, root: isOption ? option.root : symbol, asset_class: isOption ? 'option' : 'stock',
    side, quantity, price, multiplier: isOption ? 100 : 1, fees: 0, timestamp: time.timestamp, epoch_ms: time.epoch_ms,
  };
}

async function parse(records: AsyncIterable<CsvRecord>, options: ParseOptions): Promise<ParsedFile> {
  const collector = new FillCollector();
  const notes = [NO_FEES];
  let index: Map<string, number> | undefined;
  for await (const { line, cells } of records) {
    if (index === undefined) {
      if (missingFrom(cells, REQUIRED).length === 0) index = headerIndex(cells);
      continue;
    }
    const known = index;
    collector.add(line, readOrder(line, (header) => cellOf(cells, known, header), options, notes));
  }
  // Newest first in the file: within one second, the lower row is the older order.
  collector.fills.sort((a, b) => a.epoch_ms - b.epoch_ms || b.line - a.line);
  return fillsResult(collector, notes);
}

export const webullParser: HeaderAwareParser = {
  format: 'webull',
  detect: (head) => head.some(({ cells }) => missingFrom(cells, REQUIRED).length === 0),
  missingHeaders: (head) => missingInHead(head, REQUIRED),
  parse,
};
