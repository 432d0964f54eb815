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

  it('read runs of timestamps sharing a date, in any mix, as Date.UTC does (the remembered date, property)', () => {
    // A few days (a leap day and the day after among them) and impossible dates, so the remembered date is reused,
    // replaced, and never stands in for a date that does not exist.
    const date = fc.constantFrom('2024-02-28', '2024-02-29', '2024-03-01', '2025-02-29', '2026-04-31', '1969-12-31', '0000-01-01', '9999-12-31');
    const time = fc.tuple(fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 59 }));
    const pad = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(fc.array(fc.tuple(date, time), { maxLength: 40 }), (stamps) => {
        for (const [day, [hour, minute, second]] of stamps) {
          const text = `${day}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
          const [year, month, dayOfMonth] = day.split('-').map(Number) as [number, number, number];
          const utc = new Date(0);
          utc.setUTCFullYear(year, month - 1, dayOfMonth);
          utc.setUTCHours(hour, minute, second);
          const real = utc.getUTCDate() === dayOfMonth && hour < 24 && minute < 60;

          expect(dateTimeMillis(text)).toBe(real ? utc.getTime() : Number.NaN);
        }
      }),
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
