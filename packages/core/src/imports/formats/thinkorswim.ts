// thinkorswim / Schwab Account Statement: fills from the Account Trade History section, each fill's fee from the Cash
// Balance or Futures Statements TRD row that describes the same execution.
import { DateTime } from 'luxon';
import { cellOf, hasHeaders, headerIndex, parseAmount, unexcel } from '../cells';
import { futuresRoot } from '../contracts';
import { missingInHead, type HeaderRequirement } from '../header-match';
import type { AssetClass, CsvRecord, Fill, HeaderAwareParser, ParseOptions, ParsedFile } from '../import-types';
import { FillCollector, isReason, readLocalTime, readNumber, readPositive, type Reading } from '../row-readers';
import { fillsResult, lineList, unknownPointValue } from './format-helpers';

const TIME_FORMATS = ['M/d/yy H:mm:ss', 'M/d/yyyy H:mm:ss'];
const TITLE = /^Account Statement for (\S+)/i;
const TRADE_HEADERS = ['Exec Time', 'Spread', 'Side', 'Qty', 'Symbol', 'Price'];
const LEDGER_HEADERS = ['Type', 'Description', 'Commissions & Fees'];
const CASH_BALANCE_HEADER = ['DATE', 'TIME', 'TYPE', 'REF #', 'DESCRIPTION', 'Misc Fees', 'Commissions & Fees'];
const CASH_BALANCE: HeaderRequirement[] = CASH_BALANCE_HEADER.map((label) => ({
  label: `${label} (Cash Balance)`,
  anyOf: [label.toLowerCase()],
}));
// `BOT +2 /ESH26:XCME @6890.25`, `SOLD -150 UBER @82.30`, `BOT +5 CRM 100 (Weeklys) 2 APR 26 175 PUT @1.44 CBOE`
const TRADE_DESCRIPTION = /^(BOT|SOLD)\s+([+-]?[\d,.]+)\s+(.+?)\s+@\s*([\d,.]+)(?:\s.*)?$/i;
// The instrument of a single-option description: underlying, deliverable, optional series, expiry, strike, right.
const OPTION_DESCRIPTION = /^(\S+)\s+\d+\s+(?:\([^)]*\)\s+)?(.+?)\s+([\d.]+)\s+(CALL|PUT)$/i;
const SIDES: Readonly<Record<string, Fill['side']>> = { BUY: 'buy', SELL: 'sell' };

type Row = (header: string) => string;

interface Instrument extends Pick<Fill, 'contract' | 'root' | 'asset_class' | 'multiplier'> {
  /** True when a fee row's instrument text (`/ESH26:XCME`, `UBER`, `CRM 100 2 APR 26 175 PUT`) names this one. */
  describes: (text: string) => boolean;
}

/** One execution (a single row, or a spread's first row and its blank-time legs) and how to find its fee row. */
interface Execution {
  line: number;
  /** The exec time read as if it were UTC: fee rows carry the same wall clock, whatever the import zone. */
  wall: number;
  legs: Array<{ fill: Fill; spread: string }>;
  /** What the fee row must say: the first leg's signed quantity, and its price or the spread's net price. */
  signedQty: number;
  /** Prices the fee row's `@` may state: Net Price and Price for a single fill (the description quotes the fill price), only the net price for a spread. */
  prices: number[];
  describes: (text: string) => boolean;
}

/** A TRD row of Cash Balance or Futures Statements (or any statement with a fee column), used at most once. */
interface FeeRow {
  wall: number;
  signedQty: number;
  price: number;
  instrument: string;
  fee: number;
  used: boolean;
}

function wallClock(text: string): number {
  for (const format of TIME_FORMATS) {
    const parsed = DateTime.fromFormat(text.trim().replace(/\s+/g, ' '), format, { zone: 'UTC' });
    if (parsed.isValid) return parsed.toMillis();
  }
  return Number.NaN;
}

/** `SPY260220C00600000` from `SPY`, `20 FEB 26`, `600`, `CALL`; a readable key when the expiry has no day (`MAR 15`). */
function optionContract(underlying: string, expiry: string, strike: string, right: string): string {
  const expiryText = expiry.replace(/\([^)]*\)/g, ' ').trim().replace(/\s+/g, ' ');
  const date = DateTime.fromFormat(expiryText, 'd MMM yy', { zone: 'UTC', locale: 'en-US' });
  const strikeValue = Number(strike);
  const call = /^C/i.test(right);
  if (!date.isValid || !Number.isFinite(strikeValue)) return `${underlying} ${expiryText} ${strike} ${call ? 'CALL' : 'PUT'}`.toUpperCase();
  const strikeDigits = String(Math.round(strikeValue * 1000)).padStart(8, '0');
  return `${underlying.toUpperCase()}${date.toFormat('yyMMdd')}${call ? 'C' : 'P'}${strikeDigits}`;
}

function instrumentOf(row: Row, options: ParseOptions): Reading<Instrument> {
  const symbol = row('Symbol').toUpperCase();
  const type = row('Type').toUpperCase();
  if (symbol === '') return 'Symbol is blank';
  if (type === 'CALL' || type === 'PUT') {
    if (symbol.startsWith('/')) return `options on futures ("${symbol}") are not supported`;
    const contract = optionContract(symbol, row('Exp'), row('Strike'), type);
    const describes = (text: string) => {
      const match = OPTION_DESCRIPTION.exec(text);
      return match !== null && optionContract(match[1]!, match[2]!, match[3]!, match[4]!) === contract;
    };
    return { contract, root: symbol, asset_class: 'option', multiplier: 100, describes };
  }
  if (symbol.startsWith('/')) {
    const root = futuresRoot(symbol);
    const multiplier = options.multipliers[root];
    if (multiplier === undefined) return unknownPointValue(root);
    return { contract: symbol, root, asset_class: 'future', multiplier, describes: (text) => text.toUpperCase().replace(/:.*$/, '') === symbol };
  }
  const asset_class: AssetClass = type === 'CRYPTO' ? 'crypto' : type === 'FOREX' ? 'forex' : 'stock';
  return { contract: symbol, root: symbol, asset_class, multiplier: 1, describes: (text) => text.toUpperCase() === symbol };
}

/** A Trade History row as a fill without its fee; a spread leg (`first` given) shares its first row's time. */
function readFill(
  line: number, row: Row, account: string, options: ParseOptions, first: Fill | undefined,
): Reading<{ fill: Fill; signedQty: number; describes: Instrument['describes'] }> {
  const time = first ?? readLocalTime('Exec Time', row('Exec Time'), TIME_FORMATS, options.timezone);
  if (isReason(time)) return time;
  const side = SIDES[row('Side').toUpperCase()];
  if (!side) return `Side "${row('Side')}" is neither BUY nor SELL`;
  const signedQty = readNumber('Qty', row('Qty'), true);
  if (isReason(signedQty)) return signedQty;
  if (signedQty === 0 || signedQty > 0 !== (side === 'buy')) return `Qty "${row('Qty')}" disagrees with Side ${row('Side')}`;
  const price = readPositive('Price', row('Price'));
  if (isReason(price)) return price;
  const instrument = instrumentOf(row, options);
  if (isReason(instrument)) return instrument;
  const { describes, ...contract } = instrument;
  const fill: Fill = {
    line, account, ...contract, side, quantity: Math.abs(signedQty), price, fees: 0, timestamp: time.timestamp, epoch_ms: time.epoch_ms,
  };
  if (/^TO CLOSE$/i.test(row('Pos Effect').trim())) fill.closes = true;
  return { fill, signedQty, describes };
}

function readFeeRow(row: Row, hasExecDate: boolean): Reading<FeeRow> {
  // Futures rows after 17:00 CT belong to the next Trade Date; Exec Date is the calendar day the fill happened.
  const when = hasExecDate ? `${row('Exec Date')} ${row('Exec Time')}` : `${row('Date')} ${row('Time')}`;
  const wall = wallClock(when);
  if (Number.isNaN(wall)) return `date and time "${when.trim()}" are not of the form M/d/yy HH:mm:ss`;
  const match = TRADE_DESCRIPTION.exec(row('Description'));
  const quantity = Math.abs(parseAmount(match?.[2]) ?? Number.NaN);
  const price = parseAmount(match?.[4]) ?? Number.NaN;
  if (!match || Number.isNaN(quantity) || Number.isNaN(price)) return `DESCRIPTION "${row('Description')}" is not of the form BOT +100 UBER @81.40`;
  const misc = readNumber('Misc Fees', row('Misc Fees'), false);
  if (isReason(misc)) return misc;
  const commissions = readNumber('Commissions & Fees', row('Commissions & Fees'), false);
  if (isReason(commissions)) return commissions;
  const signedQty = /^BOT$/i.test(match[1]!) ? quantity : -quantity;
  // Both columns are debits (negative); `0 -` keeps a fee-free row at 0 rather than -0.
  return { wall, signedQty, price, instrument: match[3]!.trim(), fee: 0 - (misc ?? 0) - (commissions ?? 0), used: false };
}

/** Reads the statement section by section; fills and fee rows meet once the whole file is read. */
async function parse(records: AsyncIterable<CsvRecord>, options: ParseOptions): Promise<ParsedFile> {
  const collector = new FillCollector();
  const executions: Execution[] = [];
  const feeRows: FeeRow[] = [];
  let account = '';
  let title = '';
  let section: 'title' | 'trades' | 'ledger' | 'other' = 'other';
  let index = new Map<string, number>();
  // What a spread leg (a row with a blank Exec Time) takes from the row above; no execution when that row was refused.
  let above: { execution?: Execution; spread: string } | undefined;

  for await (const { line, cells } of records) {
    if (cells.filter((cell) => unexcel(cell) !== '').length === 1 && unexcel(cells[0]) !== '') {
      title = unexcel(cells[0]);
      account = TITLE.exec(title)?.[1] ?? account;
      section = 'title';
      continue;
    }
    if (section === 'title') {
      index = headerIndex(cells);
      // Order History has the same columns but lists orders, canceled ones included: only Trade History is fills.
      if (/^Account Trade History$/i.test(title) && hasHeaders(cells, TRADE_HEADERS)) section = 'trades';
      else section = hasHeaders(cells, LEDGER_HEADERS) ? 'ledger' : 'other';
      above = undefined;
      continue;
    }
    const row: Row = (header) => cellOf(cells, index, header);
    if (section === 'ledger') {
      if (row('Type').toUpperCase() !== 'TRD') continue;
      const feeRow = readFeeRow(row, index.has('exec date'));
      if (isReason(feeRow)) collector.add(line, `fee row not read: ${feeRow}`);
      else feeRows.push(feeRow);
      continue;
    }
    if (section !== 'trades') continue;

    const execText = row('Exec Time');
    const isLeg = execText === '';
    if (isLeg && !above?.execution) {
      collector.add(line, 'spread leg (blank Exec Time) whose first row was not imported');
      continue;
    }
    const first = isLeg ? above!.execution!.legs[0]!.fill : undefined;
    const read = readFill(line, row, account, options, first);
    if (isReason(read)) {
      collector.add(line, read);
      if (!isLeg) above = { spread: row('Spread').toUpperCase() };
      continue;
    }
    const { fill, signedQty, describes } = read;
    if (isLeg) {
      const execution = above!.execution!;
      const spread = above!.spread;
      execution.legs.push({ fill, spread });
      // A spread has one fee row: `BOT +1 VERTICAL SPY 100 20 FEB 26 600/605 CALL @2.35` (name, underlying, net price).
      execution.prices = execution.prices.slice(0, 1);
      execution.describes = (text) => text.toUpperCase().startsWith(`${spread} ${first!.root} `);
      continue;
    }
    const netPrice = parseAmount(row('Net Price'));
    const spread = row('Spread').toUpperCase();
    const execution: Execution = {
      line, wall: wallClock(execText), legs: [{ fill, spread }], signedQty, describes,
      prices: netPrice !== undefined && Number.isFinite(netPrice) ? [Math.abs(netPrice), fill.price] : [fill.price],
    };
    executions.push(execution);
    above = { execution, spread };
  }
  return matchFees(collector, executions, feeRows);
}

/** Gives each execution the first unused fee row that describes it; executions go in time order, fee rows in file order. */
function matchFees(collector: FillCollector, executions: Execution[], feeRows: FeeRow[]): ParsedFile {
  // Trade History lists the newest first: within one second, the row lower down happened first.
  executions.sort((a, b) => a.wall - b.wall || b.line - a.line);
  const unmatched: number[] = [];
  for (const execution of executions) {
    const feeRow = feeRows.find(
      (candidate) =>
        !candidate.used && candidate.wall === execution.wall && candidate.signedQty === execution.signedQty &&
        execution.prices.some((price) => Math.abs(candidate.price - price) < 1e-9) && execution.describes(candidate.instrument),
    );
    if (feeRow) feeRow.used = true;
    else unmatched.push(...execution.legs.map((leg) => leg.fill.line));
    splitFee(feeRow?.fee ?? 0, execution.legs.map((leg) => leg.fill));
    collector.fills.push(...execution.legs.map((leg) => leg.fill));
  }
  const several = unmatched.length > 1;
  const notes = unmatched.length === 0 ? [] : [
    `No Cash Balance or Futures Statements row matches the fill${several ? 's' : ''} on ${lineList(unmatched.sort((a, b) => a - b))} ` +
      `(same time, symbol, quantity and price), so ${several ? 'their fees are' : 'its fee is'} taken as 0.`,
  ];
  return fillsResult(collector, notes);
}

/** A spread is charged on one fee row: share it between the legs by quantity, the last leg taking the rounding. */
function splitFee(fee: number, legs: Fill[]): void {
  const total = legs.reduce((sum, leg) => sum + leg.quantity, 0);
  let left = Math.round(fee * 10_000);
  legs.forEach((leg, position) => {
    const share = position === legs.length - 1 ? left : Math.round((fee * 10_000 * leg.quantity) / total);
    leg.fees = share / 10_000 || 0;
    left -= share;
  });
}

export const thinkorswimParser: HeaderAwareParser = {
  format: 'thinkorswim',
  detect: (head) => head.some(({ cells }) => TITLE.test(unexcel(cells[0])) || hasHeaders(cells, CASH_BALANCE_HEADER)),
  missingHeaders: (head) => (head.some(({ cells }) => TITLE.test(unexcel(cells[0]))) ? [] : missingInHead(head, CASH_BALANCE)),
  parse,
};
