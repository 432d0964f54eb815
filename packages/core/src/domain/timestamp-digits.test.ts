import fc from 'fast-check';
import { dateTimeMillis, daysFromCivil, daysInMonth } from './timestamp-digits';

describe('timestamp digits', () => {
  it('read YYYY-MM-DDTHH:MM:SS as Date.UTC does, for any instant from year 0 to 9999 (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        const text = date.toISOString().slice(0, 19);
        expect(dateTimeMillis(text)).toBe(Math.floor(date.getTime() / 1000) * 1000);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuse dates and times that do not exist, and text that is not digits', () => {
    const refused = ['2026-02-29T10:00:00', '2100-02-29T00:00:00', '2026-04-31T00:00:00', '2026-13-01T00:00:00', '2026-00-10T00:00:00'];
    refused.push('2026-03-02T24:00:00', '2026-03-02T10:60:00', '2026-03-02T10:15:60', '2026-03-02 10:15:00', '2026-3-02T10:15:00', '2026-03-0xT10:15:00', '2026-03-02T10:15');
    expect(refused.map(dateTimeMillis)).toEqual(refused.map(() => Number.NaN));
    expect(dateTimeMillis('2000-02-29T23:59:59')).toBe(Date.UTC(2000, 1, 29, 23, 59, 59));
  });

  it('know the Gregorian calendar: leap years, month lengths, days from the epoch', () => {
    expect([1900, 2000, 2024, 2026].map((year) => daysInMonth(year, 2))).toEqual([28, 29, 29, 28]);
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
    expect(daysFromCivil(2026, 3, 2)).toBe(Date.UTC(2026, 2, 2) / 86_400_000);
  });
});
