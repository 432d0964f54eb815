// Futures contracts: the built-in point values, the root of a contract as each platform spells it, configured extras.

/**
 * Money per 1.0 of quoted price per contract, by root. Brokers rarely print it (thinkorswim, Tradovate, NinjaTrader
 * and TradeNote files have no multiplier column), so P&L of a futures round trip depends on this table.
 */
export const FUTURES_POINT_VALUES: Readonly<Record<string, number>> = Object.freeze({
  // CME equity index
  ES: 50, MES: 5, NQ: 20, MNQ: 2, YM: 5, MYM: 0.5, RTY: 50, M2K: 5, EMD: 100, NKD: 5,
  // Energy
  CL: 1000, MCL: 100, QM: 500, BZ: 1000, NG: 10000, QG: 2500, RB: 42000, HO: 42000,
  // Metals
  GC: 100, MGC: 10, SI: 5000, SIL: 1000, HG: 25000, MHG: 2500, PL: 50, PA: 100,
  // Rates
  ZB: 1000, ZN: 1000, ZF: 1000, ZT: 2000, UB: 1000, TN: 1000, SR3: 2500,
  // Grains and livestock
  ZC: 50, ZS: 50, ZW: 50, KE: 50, ZM: 100, ZL: 600, HE: 400, LE: 400, GF: 500,
  // Currencies
  '6E': 125000, M6E: 12500, '6J': 12500000, '6B': 62500, M6B: 6250, '6A': 100000, M6A: 10000, '6C': 100000,
  '6S': 125000, '6N': 100000, '6M': 500000,
  // Crypto
  BTC: 5, MBT: 0.1, ETH: 50, MET: 0.1,
  // Volatility
  VX: 1000, VXM: 100,
  // Eurex
  FDAX: 25, FDXM: 5, FDXS: 1, FESX: 10, FGBL: 1000, FGBM: 1000, FGBS: 1000,
});

const MONTH_CODES = 'FGHJKMNQUVXZ';
// Root, month code, then a one-, two- or four-digit year: ESH6, MESH26, MNQM2026, 6EU5.
const MONTH_CODE_CONTRACT = new RegExp(`^([A-Z0-9]{1,5}?)([${MONTH_CODES}])(\\d|\\d{2}|\\d{4})$`);
// NinjaTrader's `NQ 03-26` and its `NQ MAR26` variant.
const SPACED_EXPIRY = /^[A-Z0-9]{1,5} (\d{2}-\d{2}|[A-Z]{3}\d{2})$/;

function bareContract(contract: string): string {
  // thinkorswim prefixes futures with `/` and may append the exchange (`/ESH26:XCME`); TradeStation uses `@ES`.
  return contract.trim().toUpperCase().replace(/^[/@]/, '').replace(/:[A-Z]+$/, '');
}

/**
 * The root of a futures contract: `MESH6` → MES, `/ESH26:XCME` → ES, `NQ 03-26` → NQ, `NQ MAR26` → NQ,
 * `MNQM2026` → MNQ. Anything that is not spelled as a dated contract comes back upper-cased and otherwise as is.
 */
export function futuresRoot(contract: string): string {
  const bare = bareContract(contract);
  const token = bare.split(/\s+/)[0] ?? '';
  const dated = MONTH_CODE_CONTRACT.exec(token);
  return dated ? dated[1]! : token;
}

/** True when the text names a dated futures contract (month code, `/` prefix or NinjaTrader's spaced expiry). */
export function looksLikeFuturesContract(contract: string): boolean {
  const trimmed = contract.trim().toUpperCase();
  if (trimmed.startsWith('/')) return true;
  const bare = bareContract(trimmed);
  return MONTH_CODE_CONTRACT.test(bare) || SPACED_EXPIRY.test(bare);
}

/** The point value of a contract from `multipliers` (keyed by root), undefined when the root is not listed. */
export function pointValueOf(contract: string, multipliers: Readonly<Record<string, number>>): number | undefined {
  return multipliers[futuresRoot(contract)];
}

export type MultiplierTableResult =
  | { ok: true; multipliers: Record<string, number> }
  | { ok: false; problems: string[] };

/**
 * Reads a configured table such as `ZN=1000, FOO=12.5` (`,` or `;` between entries). Every problem is reported at
 * once so a person can fix the value in one go.
 */
export function parseMultiplierTable(text: string): MultiplierTableResult {
  const multipliers: Record<string, number> = {};
  const problems: string[] = [];
  for (const raw of text.split(/[,;]/)) {
    const entry = raw.trim();
    if (entry === '') continue;
    const equals = entry.indexOf('=');
    if (equals < 0) {
      problems.push(`"${entry}" has no "=" (write ROOT=POINT_VALUE, e.g. ES=50)`);
      continue;
    }
    const root = entry.slice(0, equals).trim().toUpperCase();
    const valueText = entry.slice(equals + 1).trim();
    const value = Number(valueText);
    if (!/^[A-Z0-9]{1,10}$/.test(root)) problems.push(`"${entry}": the root must be 1 to 10 letters or digits`);
    else if (valueText === '' || !Number.isFinite(value) || value <= 0) {
      problems.push(`"${entry}": the point value must be a number greater than 0`);
    } else if (root in multipliers) problems.push(`"${root}" is listed more than once`);
    else multipliers[root] = value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, multipliers };
}

/** The built-in table with `extra` on top (an extra entry replaces the built-in one for its root). */
export function multipliersWith(extra: Readonly<Record<string, number>> = {}): Record<string, number> {
  const merged: Record<string, number> = { ...FUTURES_POINT_VALUES };
  for (const [root, value] of Object.entries(extra)) merged[root.trim().toUpperCase()] = value;
  return merged;
}
