import {
  formatCount,
  formatDate,
  formatDuration,
  formatHour,
  formatMoney,
  formatPercent,
  formatQuantity,
  formatR,
  formatRatio,
  plural,
} from './format';
import { roundMoney, roundRatio, roundTo, toMoneyUnits } from './rounding';

describe('formatters', () => {
  it.each([
    [formatMoney(-1020), '-1,020.00'],
    [formatMoney(-0.001), '0.00'],
    [formatMoney(1234567.891), '1,234,567.89'],
    [formatRatio(1.2345), '1.23'],
    [formatRatio(null), 'n/a'],
    [formatPercent(0.6667), '66.7%'],
    [formatR(-1.2), '-1.20R'],
    [formatCount(1_000_000), '1,000,000'],
    [formatCount(2.5), '2.5'],
    [formatQuantity(0.00012345), '0.00012345'],
    [formatDuration(42.25), '42.3 min'],
    [formatDuration(150), '2.5 h'],
    [formatDuration(3 * 24 * 60), '3.0 days'],
    [formatHour('9'), '09:00'],
    [formatDate('2026-03-02T03:30:00Z', 'America/New_York'), '2026-03-01'],
    [plural(1, 'loss', 'losses'), '1 loss'],
    [plural(3, 'trade'), '3 trades'],
  ])('prints %j', (printed, expected) => {
    expect(printed).toBe(expected);
  });
});

describe('rounding', () => {
  it('rounds half away from zero despite binary error', () => {
    const rounded = [roundMoney(1.005), roundMoney(-1.005), roundMoney(2.675), roundRatio(0.66665), roundTo(-0.004, 2)];

    expect(rounded).toEqual([1.01, -1.01, 2.68, 0.6667, 0]);
    expect(Object.is(roundTo(-0.004, 2), -0)).toBe(false);
  });

  it('turns money into integer cents symmetrically', () => {
    expect([toMoneyUnits(0.1 + 0.2), toMoneyUnits(-0.00005), toMoneyUnits(0.00005), toMoneyUnits(1240.5), toMoneyUnits(0.004)]).toEqual([3000, -1, 1, 12405000, 40]);
  });
});
