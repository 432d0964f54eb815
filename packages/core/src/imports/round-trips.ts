// The round-trip engine: fills of one file → flat-to-flat position cycles (trades) and the positions still open.
import { divRound, rescale, toUnits, unitsToNumber, unitsToText, UNIT_DIGITS } from './exact';
import { FingerprintBook } from './fingerprint';
import type { RejectedRow, Fill, OpenPosition, RoundTrip } from './import-types';

// Every amount below is a bigint count of 10^-8 (`toUnits`); products carry their scale in the name:
// a notional (price × quantity) is at 10^-16, a gross P&L (price × quantity × multiplier) at 10^-24.
const D = UNIT_DIGITS;
const PNL_DECIMALS = 4;
const PRICE_DECIMALS = 8;

interface Lot {
  quantity: bigint;
  price: bigint;
}

/** What one fill put into one cycle: all of it, or one side of a fill that crossed zero. */
interface Part {
  fill: Fill;
  quantity: bigint;
}

interface Cycle {
  sign: 1n | -1n;
  multiplier: bigint;
  /** FIFO queue of open lots; `head` skips the ones fully matched. */
  lots: Lot[];
  head: number;
  open: bigint;
  entryQuantity: bigint;
  entryNotional16: bigint;
  exitQuantity: bigint;
  exitNotional16: bigint;
  gross24: bigint;
  fees: bigint;
  first: Fill;
  lastExit: Fill | undefined;
  parts: Part[];
}

/** A closed trade and the epoch ms of its last exit, which orders the trades. */
interface ClosedTrade {
  trip: RoundTrip;
  exitMs: number;
}

export interface PairedFills {
  trades: RoundTrip[];
  open_positions: OpenPosition[];
  /** Closing fills with nothing open (the position predates the file), left out with their line. */
  rejected: RejectedRow[];
}

// Same-second fills go in execution order: `sequence` when the reader set it (files listed newest first, where the
// line would reverse them), else the file line.
const byTimeThenLine = (a: Fill, b: Fill): number =>
  a.epoch_ms - b.epoch_ms || (a.sequence ?? a.line) - (b.sequence ?? b.line) || (a.execution_id ?? '').localeCompare(b.execution_id ?? '');

/** Fills by account and contract, groups in the order of their first fill in `fills`, each sorted. */
function groupByPosition(fills: readonly Fill[]): Fill[][] {
  // Keyed account then contract, rather than by a joined key string built (and hashed) per fill.
  const byAccount = new Map<string, Map<string, Fill[]>>();
  const groups: Fill[][] = [];
  for (const fill of fills) {
    let byContract = byAccount.get(fill.account);
    if (byContract === undefined) {
      byContract = new Map();
      byAccount.set(fill.account, byContract);
    }
    const group = byContract.get(fill.contract);
    if (group) group.push(fill);
    else {
      const created = [fill];
      byContract.set(fill.contract, created);
      groups.push(created);
    }
  }
  for (const group of groups) group.sort(byTimeThenLine);
  return groups;
}

function openCycle(fill: Fill, sign: 1n | -1n): Cycle {
  return {
    sign,
    multiplier: toUnits(fill.multiplier),
    lots: [],
    head: 0,
    open: 0n,
    entryQuantity: 0n,
    entryNotional16: 0n,
    exitQuantity: 0n,
    exitNotional16: 0n,
    gross24: 0n,
    fees: 0n,
    first: fill,
    lastExit: undefined,
    parts: [],
  };
}

/** Matches `quantity` against the oldest lots first and returns the gross P&L of the match at 10^-24. */
function matchFifo(cycle: Cycle, quantity: bigint, price: bigint): bigint {
  let remaining = quantity;
  let gross24 = 0n;
  while (remaining > 0n) {
    const lot = cycle.lots[cycle.head]!;
    const take = lot.quantity < remaining ? lot.quantity : remaining;
    gross24 += (price - lot.price) * take * cycle.multiplier * cycle.sign;
    lot.quantity -= take;
    remaining -= take;
    if (lot.quantity === 0n) cycle.head += 1;
  }
  return gross24;
}

/**
 * The local date-time a timestamp was written with (`2026-03-05T09:35:12`), without its offset: the same file read in
 * another time zone (a different `timezone`, the server's default) still names the same fills, so the same trades.
 */
const wallClock = (timestamp: string): string => timestamp.slice(0, 19);

function fingerprintText(account: string, contract: string, parts: readonly Part[]): string {
  const keyed = parts.every((part) => part.fill.execution_id !== undefined && part.fill.execution_id !== '');
  const items = parts.map(({ fill, quantity }) =>
    keyed
      ? `${fill.execution_id}:${unitsToText(quantity)}`
      : `${wallClock(fill.timestamp)}|${fill.side}|${unitsToText(quantity)}|${unitsToText(toUnits(fill.price))}`,
  );
  // Sorted so that the order rows happen to have in a re-export (same-second fills) does not matter.
  return `${account}|${contract}|${items.sort().join(',')}`;
}

function toRoundTrip(cycle: Cycle, book: FingerprintBook): RoundTrip {
  const { first } = cycle;
  const lastExit = cycle.lastExit!;
  const fees24 = rescale(cycle.fees, D, 3 * D);
  const trip: RoundTrip = {
    account: first.account,
    contract: first.contract,
    ticker: first.root,
    asset_class: first.asset_class,
    position_type: cycle.sign === 1n ? 'long' : 'short',
    quantity: unitsToNumber(cycle.entryQuantity, D, D),
    entry_price: unitsToNumber(divRound(cycle.entryNotional16, cycle.entryQuantity), D, PRICE_DECIMALS),
    exit_price: unitsToNumber(divRound(cycle.exitNotional16, cycle.exitQuantity), D, PRICE_DECIMALS),
    pnl: unitsToNumber(cycle.gross24 - fees24, 3 * D, PNL_DECIMALS),
    gross_pnl: unitsToNumber(cycle.gross24, 3 * D, PNL_DECIMALS),
    fees: unitsToNumber(cycle.fees, D, PNL_DECIMALS),
    multiplier: first.multiplier,
    entry_timestamp: first.timestamp,
    exit_timestamp: lastExit.timestamp,
    fill_count: cycle.parts.length,
    fingerprint: book.fingerprint(fingerprintText(first.account, first.contract, cycle.parts)),
    line: cycle.parts.reduce((min, part) => Math.min(min, part.fill.line), Number.POSITIVE_INFINITY),
  };
  if (first.currency !== undefined) trip.currency = first.currency;
  return trip;
}

function toOpenPosition(cycle: Cycle): OpenPosition {
  const { first } = cycle;
  // FIFO: what is still open is the newest entries, so their average is the position's cost basis.
  const remaining = cycle.lots.slice(cycle.head);
  const notional16 = remaining.reduce((sum, lot) => sum + lot.quantity * lot.price, 0n);
  const position: OpenPosition = {
    account: first.account,
    contract: first.contract,
    ticker: first.root,
    position_type: cycle.sign === 1n ? 'long' : 'short',
    quantity: unitsToNumber(cycle.open, D, D),
    average_entry_price: unitsToNumber(divRound(notional16, cycle.open), D, PRICE_DECIMALS),
    entry_timestamp: first.timestamp,
    fees: unitsToNumber(cycle.fees, D, PNL_DECIMALS),
    multiplier: first.multiplier,
  };
  if (first.currency !== undefined) position.currency = first.currency;
  return position;
}

/** Runs one account+contract's fills (sorted) through position cycles; closed ones go to `trades`. */
function pairGroup(fills: readonly Fill[], book: FingerprintBook, out: PairedFills, closed: ClosedTrade[]): void {
  let cycle: Cycle | undefined;
  for (const fill of fills) {
    const sign: 1n | -1n = fill.side === 'buy' ? 1n : -1n;
    const price = toUnits(fill.price);
    let quantity = toUnits(fill.quantity);
    let fee = toUnits(fill.fees);
    // What is left of a closing fill once it has closed the position crosses zero and opens the next one, as any fill's.
    let closedSome = false;
    while (quantity > 0n) {
      if (cycle === undefined && fill.closes === true && !closedSome) {
        out.rejected.push({
          line: fill.line,
          reason: `${fill.side === 'buy' ? 'buy' : 'sell'} to close ${unitsToText(quantity)} ${fill.contract} with no position open in this file: it closes one opened before the file begins (export from a day that position was flat), so it is left out`,
        });
        break;
      }
      if (cycle === undefined) cycle = openCycle(fill, sign);
      if (cycle.sign === sign) {
        cycle.lots.push({ quantity, price });
        cycle.open += quantity;
        cycle.entryQuantity += quantity;
        cycle.entryNotional16 += quantity * price;
        cycle.fees += fee;
        cycle.parts.push({ fill, quantity });
        break;
      }
      const take = quantity < cycle.open ? quantity : cycle.open;
      // A fill that crosses zero pays the closing part's share of its fee here, in whole 1/10,000s so that the
      // two trades' fees (reported at 4 decimals) still add up to the fill's fee; the rest opens the next cycle.
      const feeShare = take === quantity ? fee : rescale(rescale(divRound(fee * take, quantity), D, PNL_DECIMALS), PNL_DECIMALS, D);
      cycle.gross24 += matchFifo(cycle, take, price);
      cycle.open -= take;
      cycle.exitQuantity += take;
      cycle.exitNotional16 += take * price;
      cycle.fees += feeShare;
      cycle.lastExit = fill;
      closedSome = true;
      cycle.parts.push({ fill, quantity: take });
      quantity -= take;
      fee -= feeShare;
      if (cycle.open === 0n) {
        closed.push({ trip: toRoundTrip(cycle, book), exitMs: fill.epoch_ms });
        cycle = undefined;
      }
    }
  }
  if (cycle !== undefined) out.open_positions.push(toOpenPosition(cycle));
}

/**
 * Pairs fills into round trips: per account and exact contract, in time order (file order breaks ties), one trade
 * per flat → flat cycle with FIFO gross × multiplier, `pnl` net of every fee on the cycle's fills. A fill that
 * crosses zero is split, fee pro rata. Trades come back ordered by exit time.
 */
export function pairRoundTrips(fills: readonly Fill[]): PairedFills {
  const out: PairedFills = { trades: [], open_positions: [], rejected: [] };
  const book = new FingerprintBook();
  const closed: ClosedTrade[] = [];
  // Groups in the order of their first fill, so open positions come out in the order they were opened.
  const groups = groupByPosition(fills).sort((a, b) => byTimeThenLine(a[0]!, b[0]!));
  for (const group of groups) pairGroup(group, book, out, closed);
  closed.sort((a, b) => a.exitMs - b.exitMs || a.trip.line - b.trip.line);
  out.trades = closed.map((trade) => trade.trip);
  return out;
}
