// Rounding at the edge: the one place decimal places are decided, so printed and checked numbers agree.

// Jest's sandbox makes every lookup of a global (Math, Number) cost ~0.3 µs, which a million-trade loop notices;
// bindings made once at module level keep the hot path fast everywhere.
const { abs, round } = Math;
const { isFinite, EPSILON } = Number;

/**
 * Rounds half away from zero to `decimals` places. The (1 + ε) nudge absorbs the binary error of `x * 10^d`, so
 * 1.005 becomes 1.01 as a person would expect, not 1.00. Never returns -0.
 */
export function roundTo(value: number, decimals: number): number {
  if (!isFinite(value)) return value;
  const factor = 10 ** decimals;
  const magnitude = round(abs(value) * factor * (1 + EPSILON)) / factor;
  return value < 0 && magnitude !== 0 ? -magnitude : magnitude;
}

/** Money: cents. */
export const roundMoney = (value: number): number => roundTo(value, 2);

/** Ratios and rates (win rate, profit factor, R): 4 places, i.e. a percent to 2 places. */
export const roundRatio = (value: number): number => roundTo(value, 4);

export const roundNullableRatio = (value: number | null): number | null => (value === null ? null : roundRatio(value));

/** Durations in minutes: one decimal, finer than anyone reads a hold time. */
export const roundMinutes = (value: number): number => roundTo(value, 1);

/** Quantities (shares, contracts, coins): 8 places keeps crypto sizes intact. */
export const roundQuantity = (value: number): number => roundTo(value, 8);

/**
 * Money is summed in integer units of 1/10,000 of the account currency: sums of integers are exact (up to 9·10^11),
 * so net = gross profit − gross loss holds for any number of trades in any order, and a fractional P&L such as a
 * crypto trade's 0.004 still counts. Rounding to cents happens only at the edge (`roundMetrics`).
 */
export const MONEY_SCALE = 10_000;

/** Money as integer units of 1/MONEY_SCALE, rounded half away from zero (binary error absorbed). */
export function toMoneyUnits(value: number): number {
  const magnitude = round(abs(value) * MONEY_SCALE * (1 + EPSILON));
  return value < 0 ? -magnitude : magnitude;
}

export const fromMoneyUnits = (units: number): number => units / MONEY_SCALE;
