import fc from 'fast-check';
import { addUnits, divRound, rescale, toUnits, unitsToNumber, unitsToNumberGeneral, unitsToText, unitsToTextGeneral, UNIT_DIGITS } from './exact';

describe('exact decimals', () => {
  it('reads numbers as counts of 10^-8 without binary drift', () => {
    expect(toUnits(0.1) + toUnits(0.2)).toBe(toUnits(0.3));
    expect(toUnits(6912.25)).toBe(691_225_000_000n);
    expect(toUnits(-0.13)).toBe(-13_000_000n);
    expect(toUnits(12_500_000)).toBe(1_250_000_000_000_000n);
  });

  it('rounds half away from zero', () => {
    expect(divRound(5n, 2n)).toBe(3n);
    expect(divRound(-5n, 2n)).toBe(-3n);
    expect(divRound(4n, 3n)).toBe(1n);
    expect(rescale(12_345n, 4, 2)).toBe(123n);
    expect(rescale(-12_350n, 4, 2)).toBe(-124n);
    expect(rescale(7n, 2, 4)).toBe(700n);
  });

  it('writes canonical decimal text and numbers, never -0', () => {
    expect(unitsToText(12_345n, 2)).toBe('123.45');
    expect(unitsToText(-5n, 3)).toBe('-0.005');
    expect(unitsToText(200_000_000n)).toBe('2');
    expect(unitsToNumber(15_015_000n, 8, 4)).toBe(0.1502);
    expect(Object.is(unitsToNumber(-4n, 8, 4), 0)).toBe(true);
  });
});

describe('exact decimals, fast paths', () => {
  // Unit counts around the edges: whole numbers, trailing zeros, near 2^53, far beyond it, negative.
  const units = fc.oneof(
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
    fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n }),
    fc.tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 24 })).map(([value, zeros]) => value * 10n ** BigInt(zeros)),
    fc.constantFrom(0n, 1n, -1n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n) + 1n, 9_007_199_254_740_993n),
  );
  const scale = fc.integer({ min: 0, max: 26 });

  it('unitsToText and unitsToNumber give what their text paths give', () => {
    fc.assert(
      fc.property(units, scale, scale, (value, digits, decimals) => {
        expect(unitsToText(value, digits)).toBe(unitsToTextGeneral(value, digits));
        expect(Object.is(unitsToNumber(value, digits, decimals), unitsToNumberGeneral(value, digits, decimals))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('addUnits gives the bigint sum of the rounded amounts', () => {
    const amount = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }),
      fc.integer({ min: -1e9, max: 1e9 }).map((cents) => cents / 100),
      fc.integer({ min: -1e15, max: 1e15 }).map((units) => units / 1e8),
      fc.constantFrom(0, -0, 1e7, -1e7, 9_999_999.99999999, 0.1, 0.2, 0.35, 5e-9, -5e-9, 1.5e-8),
    );
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        expect(Object.is(addUnits(a, b), unitsToNumberGeneral(toUnits(a) + toUnits(b), UNIT_DIGITS, UNIT_DIGITS))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
