// Closed trades read straight from a file (the generic importer's closed-trades mode) → round trips.
import { toUnits, unitsToNumber, UNIT_DIGITS } from './exact';
import { FingerprintBook } from './fingerprint';
import type { ClosedTradeRow, RoundTrip } from './import-types';
import { classifySymbol } from './instruments';

/**
 * The file states the P&L, so nothing is recomputed: gross is net + fees. Quantity and prices the file leaves out
 * stay absent. The fingerprint is the file's trade id when it has one, else the trade's own fields.
 */
export function closedTradesToRoundTrips(rows: readonly ClosedTradeRow[], multipliers: Readonly<Record<string, number>>): RoundTrip[] {
  const book = new FingerprintBook();
  return rows.map((row) => {
    const instrument = classifySymbol(row.ticker, multipliers);
    const identity =
      row.trade_ref !== undefined
        ? `${row.account}|${row.ticker}|ref:${row.trade_ref}`
        : // Times without their offset: the same file read in another zone names the same trades.
          [row.account, row.ticker, row.position_type, row.entry_timestamp.slice(0, 19), row.exit_timestamp.slice(0, 19), row.quantity ?? '', row.entry_price ?? '', row.exit_price ?? '', row.pnl].join('|');
    const trip: RoundTrip = {
      account: row.account,
      contract: row.ticker,
      ticker: instrument.root,
      asset_class: instrument.asset_class,
      position_type: row.position_type,
      pnl: row.pnl,
      gross_pnl: unitsToNumber(toUnits(row.pnl) + toUnits(row.fees), UNIT_DIGITS, 4),
      fees: row.fees,
      multiplier: instrument.multiplier ?? 1,
      entry_timestamp: row.entry_timestamp,
      exit_timestamp: row.exit_timestamp,
      fill_count: 0,
      fingerprint: book.fingerprint(identity),
      line: row.line,
    };
    if (row.quantity !== undefined) trip.quantity = row.quantity;
    if (row.entry_price !== undefined) trip.entry_price = row.entry_price;
    if (row.exit_price !== undefined) trip.exit_price = row.exit_price;
    if (row.currency !== undefined) trip.currency = row.currency;
    return trip;
  });
}
