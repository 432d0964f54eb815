import fc from 'fast-check';
import { readNaiveIso } from './local-time';
import { readIsoTime, readIsoTimeGeneral } from './row-readers';

// Zones with daylight saving, half- and quarter-hour offsets, a 30-minute shift (Lord Howe), negative DST (Dublin),
// fixed offsets, local mean time before 1883, and spellings the fast path leaves to luxon.
const ZONES = [
  'America/New_York', 'Europe/Dublin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns',
  'Pacific/Chatham', 'UTC', 'Etc/GMT+5', 'GMT-0', 'America/Sao_Paulo', 'Africa/Casablanca',
];

const two = (value: number) => String(value).padStart(2, '0');

/** Wall-clock spellings near the naive ISO form: real times (DST nights included), impossible ones, near misses. */
const isoText = fc.oneof(
  // Any minute from 1850 to 2040, often on a daylight-saving night, in the exact naive spellings.
  fc.tuple(
    fc.oneof(fc.integer({ min: Date.UTC(1850, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.integer({ min: Date.UTC(2021, 2, 13), max: Date.UTC(2021, 2, 15) }), fc.integer({ min: Date.UTC(2021, 10, 6), max: Date.UTC(2021, 10, 8) })),
    fc.constantFrom('T', ' '),
    fc.boolean(),
    fc.boolean(),
  ).map(([ms, separator, shortHour, seconds]) => {
    const at = new Date(ms);
    const hour = shortHour ? String(at.getUTCHours()) : two(at.getUTCHours());
    return `${at.toISOString().slice(0, 10)}${separator}${hour}:${two(at.getUTCMinutes())}${seconds ? `:${two(at.getUTCSeconds())}` : ''}`;
  }),
  // Fields out of range, short years, odd separators and suffixes.
  fc.tuple(
    fc.constantFrom('0000', '0050', '0999', '1000', '1883', '2021', '2024', '9999'),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
    fc.constantFrom('T', ' ', 't', '_', '  '),
    fc.integer({ min: 0, max: 25 }).map((hour) => (hour < 10 && hour % 2 === 0 ? String(hour) : two(hour))),
    fc.integer({ min: 0, max: 61 }),
    fc.constantFrom('', ':00', ':59', ':60', ':5', '.5', ':00.123', 'Z', '-05:00', '+0530', ':00Z', ' ', 'x', ':00:00'),
  ).map(([year, month, day, separator, hour, minute, tail]) => `${year}-${two(month)}-${two(day)}${separator}${hour}:${two(minute)}${tail}`),
  fc.string({ unit: fc.constantFrom('2', '0', '1', '-', ':', 'T', ' ', '9'), maxLength: 20 }),
);

describe('readIsoTime', () => {
  it('reads naive times by hand exactly as the general path reads them', () => {
    fc.assert(
      fc.property(isoText, fc.constantFrom(...ZONES), (text, zone) => {
        const general = readIsoTimeGeneral(text, zone);
        const fast = readNaiveIso(text, zone);
        if (fast !== undefined) expect(fast).toEqual(general);
        expect(readIsoTime(text, zone)).toEqual(general);
      }),
      { numRuns: 10_000 },
    );
  });

  it('answers the common spellings by hand and leaves the rest to the general path', () => {
    expect(readNaiveIso('2026-03-05 9:35', 'America/New_York')).toEqual({ timestamp: '2026-03-05T09:35:00-05:00', epoch_ms: Date.parse('2026-03-05T14:35:00Z') });
    expect(readNaiveIso('2026-07-05T09:35:12', 'UTC')).toEqual({ timestamp: '2026-07-05T09:35:12Z', epoch_ms: Date.parse('2026-07-05T09:35:12Z') });
    // A skipped time, an offset, a fixed-offset zone: the general path's.
    expect(readNaiveIso('2026-03-08 02:30:00', 'America/New_York')).toBeUndefined();
    expect(readNaiveIso('2026-03-05T09:35:12-05:00', 'America/New_York')).toBeUndefined();
    expect(readIsoTime('2026-03-08 02:30:00', 'America/New_York')).toBe('"2026-03-08 02:30:00" does not exist in America/New_York (clocks skipped it for daylight saving)');
  });
});
