import { tradeSchemaFor } from './trade';

const fields = (overrides: Record<string, unknown> = {}) => ({
  ticker: '$aapl',
  position_type: 'LONG',
  pnl: 185,
  entry_timestamp: '2026-03-02T09:41',
  exit_timestamp: '2026-03-02 10:15',
  ...overrides,
});

describe('trade schema', () => {
  it('upper-cases the ticker, reads local times in UTC by default and writes them with an offset', () => {
    const trade = tradeSchemaFor().parse(fields());
    expect(trade).toMatchObject({
      ticker: 'AAPL',
      position_type: 'long',
      entry_timestamp: '2026-03-02T09:41:00Z',
      exit_timestamp: '2026-03-02T10:15:00Z',
      notes: '',
    });
  });

  it("reads a time without offset in the trader's timezone and keeps explicit offsets", () => {
    const trade = tradeSchemaFor('America/New_York').parse(fields({ exit_timestamp: '2026-03-02T16:15:00+01:00' }));
    expect(trade.entry_timestamp).toBe('2026-03-02T09:41:00-05:00');
    expect(trade.exit_timestamp).toBe('2026-03-02T16:15:00+01:00');
  });

  it('refuses offsets beyond ±14:00 and local times inside a daylight-saving gap', () => {
    expect(tradeSchemaFor().safeParse(fields({ exit_timestamp: '2026-03-02T10:00:00+25:00' })).success).toBe(false);
    expect(tradeSchemaFor('America/New_York').safeParse(fields({ entry_timestamp: '2026-03-08T02:30', exit_timestamp: '2026-03-08T04:00' })).success).toBe(false);
    expect(tradeSchemaFor('America/New_York').safeParse(fields({ entry_timestamp: '2026-03-08T01:30', exit_timestamp: '2026-03-08T04:00' })).success).toBe(true);
  });

  it('accepts a break-even trade (pnl 0)', () => {
    expect(tradeSchemaFor().parse(fields({ pnl: 0 })).pnl).toBe(0);
  });

  it.each([
    [{ exit_timestamp: '2026-03-02T09:00' }, 'exit_timestamp', 'must not be before entry_timestamp'],
    [{ entry_timestamp: '2026-02-30T09:00' }, 'entry_timestamp', 'ISO 8601'],
    [{ pnl: '185' }, 'pnl', 'number'],
    [{ pnl: Number.NaN }, 'pnl', ''],
    [{ position_type: 'sideways' }, 'position_type', 'long'],
    [{ ticker: '=HYPERLINK("x")' }, 'ticker', 'symbol'],
    [{ quantity: -5 }, 'quantity', 'greater than 0'],
    [{ pnl: 1.7e308 }, 'pnl', 'at most 1,000,000,000'],
    [{ pnl: -1e-320 }, 'pnl', 'break-even'],
    [{ entry_price: 1e300 }, 'entry_price', 'at most'],
  ])('rejects %p on %s', (overrides, path, message) => {
    const result = tradeSchemaFor().safeParse(fields(overrides));
    expect(result.success).toBe(false);
    const issue = result.error?.issues.find((i) => i.path.join('.') === path);
    expect(issue?.message).toEqual(expect.stringContaining(message));
  });
});
