import fc from 'fast-check';
import { DateTime } from 'luxon';
import { isoWithOffset, readWallClock, wallClockToInstant } from './local-time';

const ZONES = ['America/New_York', 'America/Chicago', 'Europe/Berlin', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'];

describe('local time', () => {
  it('reads broker spellings with compiled formats', () => {
    expect(readWallClock('1/20/2026 8:31:05 PM', 'M/d/yyyy h:mm:ss a')).toMatchObject({ year: 2026, month: 1, day: 20, hour: 20, minute: 31, second: 5 });
    expect(readWallClock('20260305;093512', 'yyyyMMdd;HHmmss')).toMatchObject({ month: 3, day: 5, hour: 9, minute: 35, second: 12 });
    expect(readWallClock('12/1/26 12:05:00 AM'.replace(' AM', ''), 'M/d/yy H:mm:ss')).toMatchObject({ year: 2026, hour: 12 });
    expect(readWallClock('2/30/2026 10:00:00', 'M/d/yyyy H:mm:ss')).toBeNull();
    expect(readWallClock('2/29/2028 10:00:00', 'M/d/yyyy H:mm:ss')).not.toBeNull();
    expect(readWallClock('13:00:00 PM', 'h:mm:ss a')).toBeNull();
    expect(readWallClock('5 Mar 26', 'd MMM yy')).toBeUndefined();
  });

  it('refuses a time the zone skipped and takes the earlier instant of a repeated hour', () => {
    const clock = (hour: number, minute: number, month: number, day: number) => ({ year: 2026, month, day, hour, minute, second: 0, millisecond: 0 });

    expect(wallClockToInstant(clock(2, 30, 3, 8), 'America/New_York')).toBeNull();
    const repeated = wallClockToInstant(clock(1, 30, 11, 1), 'America/New_York')!;
    expect(isoWithOffset(repeated.epoch_ms, repeated.offset, 'America/New_York')).toBe('2026-11-01T01:30:00-04:00');
  });

  it('agrees with luxon on every wall-clock time in zones with and without daylight saving (the earlier of a repeated one)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2031, 0, 1) }),
        (zone, ms) => {
          const at = new Date(ms);
          const clock = { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate(), hour: at.getUTCHours(), minute: at.getUTCMinutes(), second: at.getUTCSeconds(), millisecond: 0 };
          const ours = wallClockToInstant(clock, zone);
          const theirs = DateTime.fromObject(clock, { zone });
          const skipped = theirs.hour !== clock.hour || theirs.minute !== clock.minute;
          if (skipped) return ours === null;
          if (ours === null) return false;
          if (ours.epoch_ms === theirs.toMillis()) return isoWithOffset(ours.epoch_ms, ours.offset, zone) === theirs.toISO({ suppressMilliseconds: true });
          // A wall time a fall-back night repeats: luxon's pick depends on today's offset, ours is always the earlier.
          const mine = DateTime.fromMillis(ours.epoch_ms, { zone });
          return ours.epoch_ms < theirs.toMillis() && mine.hour === clock.hour && mine.minute === clock.minute;
        },
      ),
      { numRuns: 5000 },
    );
  });
});
