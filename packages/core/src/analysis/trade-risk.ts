// Risk and R of a single trade: the money it stood to lose at its stop, and its result in multiples of that.
import { type StoredTrade } from '../domain/trade';

// Jest's sandbox makes every lookup of a global (Math, Number) cost ~0.3 µs, which a million-trade loop notices;
// bindings made once at module level keep the hot path fast everywhere.
const { abs } = Math;
const { isFinite } = Number;

/** Money at risk on a trade: |entry − stop| × quantity. Null when unknown or zero (a stop at the entry price). */
export function tradeRisk(trade: Pick<StoredTrade, 'entry_price' | 'stop_loss' | 'quantity'>): number | null {
  const { entry_price: entry, stop_loss: stop, quantity } = trade;
  if (entry == null || stop == null || quantity == null) return null;
  const risk = abs(entry - stop) * quantity;
  return risk > 0 && isFinite(risk) ? risk : null;
}

/**
 * The trade's result in R (multiples of the money it risked). Assumes price × quantity is in the P&L currency, which
 * holds for shares and coins; for futures the contract multiplier is not in the journal.
 */
export function tradeR(trade: Pick<StoredTrade, 'pnl' | 'entry_price' | 'stop_loss' | 'quantity'>): number | null {
  const risk = tradeRisk(trade);
  return risk === null ? null : trade.pnl / risk;
}
