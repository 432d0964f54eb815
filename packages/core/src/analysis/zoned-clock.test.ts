import fc from 'fast-check';
import { DateTime } from 'luxon';
import { ValidationError } from '../errors';
import { createZonedClock } from './zoned-clock';

describe('createZonedClock', () => {
  // Half-hour and 45-minute offsets, a half-hour DST shift, southern-hemisphere DST.
  const zones = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Sao_Paulo'];

  it.each(zones)('agrees with luxon on weekday, hour and date in %s, DST changes included', (zone) => {
    const clock = createZonedClock(zone);
    const instant = fc.integer({ min: Date.parse('1995-01-01T00:00:00Z'), max: Date.parse('2045-01-01T00:00:00Z') });
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 50 }), (instants) => {
        for (const ms of instants) {
          const local = DateTime.fromMillis(ms, { zone });

          expect([clock.weekdayIndex(ms), clock.hour(ms), clock.dateKey(ms)]).toEqual([local.weekday - 1, local.hour, local.toISODate()]);
        }
      }),
    );
  });

  it.each(zones)('answers the same for runs of nearby instants in time order, as a journal asks, across DST changes in %s', (zone) => {
    // Ten-day runs in the months clocks change in (north and south): the week or block that answered one instant
    // answers the next ones, and must not outlive a change of offset.
    const run = fc.record({
      year: fc.integer({ min: 1995, max: 2045 }),
      month: fc.constantFrom(2, 3, 8, 9, 10),
      day: fc.integer({ min: 1, max: 28 }),
      offsets: fc.array(fc.integer({ min: 0, max: 10 * 86_400_000 }), { maxLength: 40 }),
    });
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 4 }), (runs) => {
        const clock = createZonedClock(zone);
        for (const { year, month, day, offsets } of runs) {
          for (const offset of offsets.sort((a, b) => a - b)) {
            const ms = Date.UTC(year, month, day) + offset;
            const local = DateTime.fromMillis(ms, { zone });

            expect([clock.weekdayIndex(ms), clock.hour(ms), clock.localMs(ms)]).toEqual([local.weekday - 1, local.hour, ms + local.offset * 60_000]);
          }
        }
      }),
    );
  });

  it('is exact around the 2026 spring-forward in New York, minute by minute', () => {
    const clock = createZonedClock('America/New_York');
    const start = Date.parse('2026-03-08T06:00:00Z');
    for (let minute = 0; minute < 180; minute++) {
      const ms = start + minute * 60_000;

      expect(clock.hour(ms)).toBe(DateTime.fromMillis(ms, { zone: 'America/New_York' }).hour);
    }
  });

  it('returns NaN and an empty date for an unknown instant', () => {
    const clock = createZonedClock('Europe/Berlin');

    expect([clock.weekdayIndex(Number.NaN), clock.hour(Number.NaN), clock.dateKey(Number.NaN)]).toEqual([Number.NaN, Number.NaN, '']);
  });

  it('rejects a zone that is not IANA', () => {
    expect(() => createZonedClock('Mars/Olympus')).toThrow(ValidationError);
  });
});
