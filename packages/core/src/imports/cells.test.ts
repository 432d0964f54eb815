import fc from 'fast-check';
import { isPlainDecimal, parseAmount, parseAmountGeneral, unexcel } from './cells';

/** `unexcel` as it was written before its shortcut for text that cannot be escaped. */
function unexcelReference(cell: string | undefined): string {
  const text = (cell ?? '').trim();
  const escaped = /^="(.*)"$/.exec(text);
  return (escaped ? escaped[1]! : text).trim();
}

// Broker spellings and near misses: signs, points, commas, currency, brackets, exponents, escapes, odd whitespace.
const amountText = fc.oneof(
  fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '.', ',', '+', '-'), maxLength: 12 }),
  fc.string({ unit: fc.constantFrom('0', '7', '.', ',', '+', '-', '$', '€', '£', '(', ')', '@', ' ', 'e', 'E', '=', '"', '\t', '\u00A0', '٣', 'x'), maxLength: 14 }),
  fc.tuple(fc.constantFrom('', '+', '-', ' ', '="', '$'), fc.double({ noNaN: true }).map(String), fc.constantFrom('', ' ', '"', '0', '.')).map((parts) => parts.join('')),
  fc.integer({ min: -1e9, max: 1e9 }).map((cents) => (cents / 100).toFixed(2)),
  fc.string({ maxLength: 10 }),
);

describe('cells', () => {
  it('reads a plain decimal as its general path does, and as Number would', () => {
    expect(parseAmount('182.50')).toBe(182.5);
    expect(parseAmount('-0.35')).toBe(-0.35);
    expect(Object.is(parseAmount('-0'), -0)).toBe(true);
    expect(parseAmount('.5')).toBe(0.5);
    expect(parseAmount('5.')).toBe(5);
    expect(isPlainDecimal('1.2.3')).toBe(false);
    expect(isPlainDecimal('-')).toBe(false);
    expect(isPlainDecimal('.')).toBe(false);
    expect(isPlainDecimal(' 1')).toBe(false);
  });

  it('gives what the general path gives for any cell, in either decimal convention', () => {
    fc.assert(
      fc.property(fc.option(amountText, { nil: undefined }), fc.boolean(), (cell, decimalComma) => {
        expect(Object.is(parseAmount(cell), parseAmountGeneral(cell))).toBe(true);
        expect(Object.is(parseAmount(cell, { decimalComma }), parseAmountGeneral(cell, { decimalComma }))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('unexcel strips escapes and spaces as it always did', () => {
    const cell = fc.oneof(amountText, fc.tuple(fc.constantFrom('', ' ', '=', '="', ' ="'), fc.string({ maxLength: 6 }), fc.constantFrom('', '"', '" ', '\n"')).map((parts) => parts.join('')));
    fc.assert(
      fc.property(fc.option(cell, { nil: undefined }), (text) => {
        expect(unexcel(text)).toBe(unexcelReference(text));
      }),
      { numRuns: 5000 },
    );
  });
});
