import fc from 'fast-check';
import { DateTime } from 'luxon';
import { makeTrade } from '../testing/make-trade';
import { chronologicalOrder, parseInstant, tradeInstants } from './trade-order';

describe('parseInstant', () => {
  it.each([
    ['2026-03-02T09:41:00Z', '2026-03-02T09:41:00Z'],
    ['2026-03-02T09:41:00-05:00', '2026-03-02T14:41:00Z'],
    ['2026-03-02T09:41:00+05:45', '2026-03-02T03:56:00Z'],
    ['2026-03-02T09:41:00.5Z', '2026-03-02T09:41:00.500Z'],
    ['2026-03-02T09:41:00.123456+00:00', '2026-03-02T09:41:00.123Z'],
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59Z'],
  ])('reads %s as %s', (text, utc) => {
    expect(parseInstant(text)).toBe(Date.parse(utc));
  });

  it('reads other ISO forms through the domain parser, a time without offset in the given zone', () => {
    expect(parseInstant('2026-03-02 09:41', 'America/New_York')).toBe(Date.parse('2026-03-02T14:41:00Z'));
    expect(parseInstant('2026-03-02T09:41:00-0500')).toBe(Date.parse('2026-03-02T14:41:00Z'));
  });

  it.each(['', 'yesterday', '2026-02-30T10:00:00Z', '2026-13-01T10:00:00Z', '2026-03-02T25:00:00Z'])('returns NaN for %j', (text) => {
    expect(parseInstant(text)).toBeNaN();
  });

  it('agrees with luxon on any canonical timestamp', () => {
    const instant = fc.record({
      ms: fc.integer({ min: Date.parse('1990-01-01T00:00:00Z'), max: Date.parse('2060-12-31T00:00:00Z') }),
      offsetMinutes: fc.integer({ min: -12 * 60, max: 14 * 60 }),
    });
    fc.assert(
      fc.property(instant, ({ ms, offsetMinutes }) => {
        const sign = offsetMinutes >= 0 ? '+' : '-';
        const zone = `UTC${sign}${Math.floor(Math.abs(offsetMinutes) / 60)}:${String(Math.abs(offsetMinutes) % 60).padStart(2, '0')}`;
        const text = DateTime.fromMillis(ms, { zone }).toISO({ includeOffset: true }) ?? '';

        expect(parseInstant(text)).toBe(ms);
      }),
    );
  });
});

describe('chronologicalOrder', () => {
  const order = (trades: ReturnType<typeof makeTrade>[]) => [...chronologicalOrder(trades, tradeInstants(trades))].map((i) => trades[i]!.trade_id);

  it('orders by exit, then entry, then trade id; unreadable exits last', () => {
    const trades = [
      makeTrade({ trade_id: 'bad', exit_timestamp: 'not a time' }),
      makeTrade({ trade_id: 'b', entry_timestamp: '2026-03-02T09:00:00Z', exit_timestamp: '2026-03-02T10:00:00Z' }),
      makeTrade({ trade_id: 'a', entry_timestamp: '2026-03-02T09:00:00Z', exit_timestamp: '2026-03-02T05:00:00-05:00' }),
      makeTrade({ trade_id: 'c', entry_timestamp: '2026-03-02T08:00:00Z', exit_timestamp: '2026-03-02T10:00:00Z' }),
      makeTrade({ trade_id: 'd', entry_timestamp: '2026-03-02T08:00:00Z', exit_timestamp: '2026-03-02T09:59:59Z' }),
    ];

    expect(order(trades)).toEqual(['d', 'c', 'a', 'b', 'bad']);
  });

  // Whole minutes, seconds and milliseconds, spans of minutes and of centuries: every radix unit and pass count.
  it('matches a comparison sort on shuffled journals with many ties', () => {
    const journal = fc.array(
      fc.record({
        exitMinute: fc.option(fc.integer({ min: 0, max: 5_000_000 }), { freq: 10 }),
        entryBack: fc.integer({ min: 0, max: 3 }),
        extraMs: fc.constantFrom(0, 7_000, 7_123),
      }),
      { maxLength: 300 },
    );
    fc.assert(
      fc.property(journal, (rows) => {
        const base = Date.parse('2020-01-01T00:00:00Z');
        const trades = rows.map((row, i) => {
          // Fifty distinct exits (many ties), spread over minutes or, for half the rows, over centuries.
          const spread = row.exitMinute !== null && row.exitMinute > 2_500_000 ? 100_000 : 1;
          const exitMs = row.exitMinute === null ? Number.NaN : base + (row.exitMinute % 50) * 60_000 * spread + row.extraMs;
          const exit = Number.isNaN(exitMs) ? 'unknown' : new Date(exitMs).toISOString();
          const entry = Number.isNaN(exitMs) ? '2020-01-01T00:00:00Z' : new Date(exitMs - row.entryBack * 60_000).toISOString();
          return makeTrade({ trade_id: `id-${String(rows.length - i).padStart(4, '0')}`, entry_timestamp: entry, exit_timestamp: exit });
        });
        const key = (t: (typeof trades)[number]) => {
          const exit = Date.parse(t.exit_timestamp);
          return [Number.isNaN(exit) ? Infinity : exit, Date.parse(t.entry_timestamp)] as const;
        };
        const expected = [...trades]
          .sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1] || (a.trade_id < b.trade_id ? -1 : 1))
          .map((t) => t.trade_id);

        expect(order(trades)).toEqual(expected);
      }),
    );
  });
});
