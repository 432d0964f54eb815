// What the thinkorswim, Tradovate, NinjaTrader and Webull parsers share beyond `row-readers`: the unknown-root reason,
// numbers in either decimal convention, and the result with its notes.
import { parseAmount } from '../cells';
import type { ParsedFile } from '../import-types';
import type { FillCollector, Reading } from '../row-readers';

/** Why a futures row is refused when the point-value table does not know its root. */
export function unknownPointValue(root: string): string {
  return `unknown point value for futures root "${root}" (add it with IMPORT_CONTRACT_MULTIPLIERS)`;
}

/** True when a number cell uses a decimal comma (`24810,50`, `1.234,50`, `1,04 $`) rather than a decimal point. */
export function usesDecimalComma(cell: string): boolean {
  const comma = cell.lastIndexOf(',');
  return comma >= 0 && comma > cell.lastIndexOf('.');
}

/**
 * A number written with either decimal convention, told apart cell by cell (`2,09` is two euros nine, `2.09` two
 * dollars nine). `blank` is what an empty cell reads as; a required cell leaves it undefined.
 */
export function readDecimal(label: string, cell: string, blank?: number): Reading<number> {
  const value = parseAmount(cell, { decimalComma: usesDecimalComma(cell) });
  if (value === undefined) return blank ?? `${label} is blank`;
  if (!Number.isFinite(value)) return `${label} "${cell}" is not a number`;
  return value;
}

/** `line 7` or `lines 3, 7 and 9`, for notes that name rows. */
export function lineList(lines: readonly number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  return `lines ${lines.slice(0, -1).join(', ')} and ${lines[lines.length - 1]}`;
}

/** The parser's answer: fills, rejected rows and, only when there are some, notes. */
export function fillsResult(collector: FillCollector, notes: readonly string[] = []): ParsedFile {
  const unique = [...new Set(notes)];
  return { kind: 'fills', fills: collector.fills, rejected: collector.rejected, ...(unique.length > 0 ? { notes: unique } : {}) };
}
