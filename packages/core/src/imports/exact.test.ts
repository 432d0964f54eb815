import { divRound, rescale, toUnits, unitsToNumber, unitsToText } from './exact';

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
