// Exact decimal arithmetic for the round-trip engine: amounts become bigint counts of 10^-8 so that sums of many fills
// never show binary drift (0.1 + 0.2), and rounding happens once, at the end, half away from zero.

/** Decimal places every amount is held at (`units`). Prices and quantities finer than 10^-8 are rounded to it. */
export const UNIT_DIGITS = 8;
const TEN = 10n;

// Powers of ten the engine uses (scales up to 10^-24 and back), computed once rather than per call.
const POWERS = Array.from({ length: 33 }, (_, digits) => TEN ** BigInt(digits));

export const pow10 = (digits: number): bigint => POWERS[digits] ?? TEN ** BigInt(digits);

/** `value` as a count of 10^-digits (8 by default), rounded to the nearest. */
export function toUnits(value: number, digits = UNIT_DIGITS): bigint {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  // Below 10^7 a value with at most 8 decimals lands within a few ulps of an integer once scaled, so rounding the
  // product is exact and several times cheaper than going through text (the engine calls this per fill and per fee).
  if (digits === UNIT_DIGITS && Math.abs(value) < 1e7) return BigInt(Math.round(value * 1e8));
  // toFixed works from the exact binary value, so 6912.25 → "6912.25000000" and 0.1 → "0.10000000".
  if (Math.abs(value) < 1e21) return BigInt(value.toFixed(digits).replace('.', ''));
  return BigInt(Math.round(value)) * pow10(digits);
}

/** Divides and rounds half away from zero (bigint division truncates toward zero). */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n + d / 2n) / d;
  return negative ? -quotient : quotient;
}

/** Re-expresses a count of 10^-from as a count of 10^-to, rounding half away from zero when precision is lost. */
export function rescale(units: bigint, from: number, to: number): bigint {
  if (to === from) return units;
  return to > from ? units * pow10(to - from) : divRound(units, pow10(from - to));
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
// 10^0 … 10^22, every one exactly a double (read from their decimal text, which rounds correctly).
const EXACT_POWERS = Array.from({ length: 23 }, (_, digits) => Number(`1e${digits}`));

/** Canonical decimal text of a count of 10^-digits: `12345n, 2` → "123.45", trailing zeros dropped. */
export function unitsToText(units: bigint, digits = UNIT_DIGITS): string {
  // A whole number (a quantity, mostly), exact as a double: its integer text (`exact.test.ts` checks both paths agree).
  if (digits >= 0 && digits < EXACT_POWERS.length && units <= MAX_EXACT && units >= -MAX_EXACT) {
    const value = Number(units);
    if (value % EXACT_POWERS[digits]! === 0) return String(value / EXACT_POWERS[digits]!);
  }
  return unitsToTextGeneral(units, digits);
}

/** `unitsToText` for any count. */
export function unitsToTextGeneral(units: bigint, digits = UNIT_DIGITS): string {
  const negative = units < 0n;
  const text = (negative ? -units : units).toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = text.slice(text.length - digits).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/**
 * `a + b` as `unitsToNumber(toUnits(a) + toUnits(b), UNIT_DIGITS, UNIT_DIGITS)`: each rounded to 10^-8, summed exactly.
 * Below 10^7 the unit counts are integers a double holds exactly, so the sum needs no bigint.
 */
export function addUnits(a: number, b: number): number {
  if (Math.abs(a) < 1e7 && Math.abs(b) < 1e7) {
    const units = Math.round(a * 1e8) + Math.round(b * 1e8);
    return units === 0 ? 0 : units / 1e8;
  }
  return unitsToNumber(toUnits(a) + toUnits(b), UNIT_DIGITS, UNIT_DIGITS);
}

/** A count of 10^-digits as a JS number rounded to `decimals` places (the nearest double to that decimal). */
export function unitsToNumber(units: bigint, digits: number, decimals: number): number {
  const scale = Math.min(digits, decimals);
  const rounded = rescale(units, digits, scale);
  // An integer and a power of ten both exact as doubles: IEEE division rounds their quotient to the nearest double,
  // the number the decimal text names, without writing the text (the engine calls this six times per trade).
  if (scale >= 0 && scale < EXACT_POWERS.length && rounded <= MAX_EXACT && rounded >= -MAX_EXACT) return rounded === 0n ? 0 : Number(rounded) / EXACT_POWERS[scale]!;
  return unitsToNumberGeneral(units, digits, decimals);
}

/** `unitsToNumber` through the decimal text, for any size (`exact.test.ts` checks both agree). */
export function unitsToNumberGeneral(units: bigint, digits: number, decimals: number): number {
  const value = Number(unitsToText(rescale(units, digits, Math.min(digits, decimals)), Math.min(digits, decimals)));
  return Object.is(value, -0) ? 0 : value;
}
