import type { EquityPoint } from '../domain/metrics';
import { renderDrawdownChart, renderEquityChart } from './report-charts';

/** One point per [exit timestamp, cumulative P&L]. */
const curve = (points: readonly (readonly [string, number])[]): EquityPoint[] =>
  points.map(([exit_timestamp, cumulative_pnl], index) => ({ trade_id: `t${index + 1}`, exit_timestamp, cumulative_pnl, r: null }));

const texts = (svg: string): string[] => [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!);
const dateTicks = (svg: string): string[] => texts(svg).filter((text) => /^\d{4}-\d{2}-\d{2}$/.test(text));
const valueTicks = (svg: string): string[] => texts(svg).filter((text) => /^-?[\d,]+\.\d{2}$/.test(text));
/** The series' vertices as [x, y]. */
const vertices = (svg: string, className: string): [number, number][] =>
  (new RegExp(`class="${className}"[^>]*points="([^"]*)"`).exec(svg)?.[1] ?? '')
    .split(' ')
    .map((pair) => pair.split(',').map(Number) as [number, number]);

const month = curve([
  ['2026-03-02T15:00:00Z', 100],
  ['2026-03-03T15:00:00Z', -50.5],
  ['2026-03-09T15:00:00Z', 250],
  ['2026-03-16T15:00:00Z', 180.25],
  ['2026-03-20T15:00:00Z', 40],
  ['2026-03-31T15:00:00Z', 320.1],
]);

describe('renderEquityChart', () => {
  it('labels money only at stored values: zero, the end, the highest and the lowest point', () => {
    const svg = renderEquityChart(month, 'UTC')!.value;

    expect(valueTicks(svg).sort()).toEqual(['-50.50', '0.00', '320.10'].sort());
    expect(svg).toContain('aria-label="Equity curve: cumulative P&amp;L after each trade from 2026-03-02 to 2026-03-31 (UTC), ending at +320.10; highest 320.10, lowest -50.50."');
  });

  it('labels dates at real trades, first and last included, none repeated, and spaces points by exit time', () => {
    const svg = renderEquityChart(month, 'UTC')!.value;

    const ticks = dateTicks(svg);
    expect(ticks[0]).toBe('2026-03-02');
    expect(ticks.at(-1)).toBe('2026-03-31');
    expect(new Set(ticks).size).toBe(ticks.length);
    ticks.forEach((tick) => expect(month.map((point) => point.exit_timestamp.slice(0, 10))).toContain(tick));
    expect(svg).toContain('>Exit date (UTC)</text>');
    // Six days between the 3rd and the 9th take six times the room of the one day between the 2nd and the 3rd.
    const [, first, second, third] = vertices(svg, 'series profit').map(([x]) => x);
    expect((third! - second!) / (second! - first!)).toBeCloseTo(6, 1);
  });

  it('reads dates in the metrics zone', () => {
    const late = curve([
      ['2026-03-02T03:00:00Z', 10],
      ['2026-03-12T03:00:00Z', 20],
    ]);

    expect(dateTicks(renderEquityChart(late, 'America/New_York')!.value)).toEqual(['2026-03-01', '2026-03-11']);
  });

  it('draws a losing curve in the loss class and starts every curve at 0', () => {
    const svg = renderEquityChart(curve([['2026-03-02T15:00:00Z', -10], ['2026-03-03T15:00:00Z', -20]]), 'UTC')!.value;

    expect(svg).toContain('class="series loss"');
    const zeroY = Number(/<line class="zero" [^>]*y1="([\d.]+)"/.exec(svg)?.[1]);
    expect(vertices(svg, 'series loss')[0]?.[1]).toBe(zeroY);
  });

  it('spaces trades evenly, and says so, when the exits are one instant or unreadable; one trade gets one date', () => {
    const sameInstant = renderEquityChart(curve([['2026-03-02T15:00:00Z', 5], ['2026-03-02T15:00:00Z', 8]]), 'UTC')!.value;
    const unreadable = renderEquityChart(curve([['yesterday', 5], ['today', 8]]), 'UTC')!.value;

    expect(sameInstant).toContain('>Exit date (UTC), trades evenly spaced</text>');
    expect(dateTicks(sameInstant)).toEqual(['2026-03-02']);
    expect(texts(unreadable)).toEqual(expect.arrayContaining(['yesterday', 'today']));
    expect(renderEquityChart([], 'UTC')).toBeNull();
  });

  it('escapes a stored timestamp it cannot read', () => {
    const svg = renderEquityChart(curve([['<b>x</b>', 5]]), 'UTC')!.value;

    expect(svg).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(svg).not.toContain('<b>');
  });
});

describe('renderDrawdownChart', () => {
  it('labels only zero and the stored max drawdown, and never rises above zero', () => {
    const svg = renderDrawdownChart(month, 300.5, 'UTC')!.value;

    expect(valueTicks(svg)).toEqual(['0.00', '-300.50']);
    const zeroY = Number(/<line class="zero" [^>]*y1="([\d.]+)"/.exec(svg)?.[1]);
    vertices(svg, 'series loss').forEach(([, y]) => expect(y).toBeGreaterThanOrEqual(zeroY));
    expect(svg).toContain('the deepest fall, the max drawdown, was 300.50.');
  });

  it('is a flat line at zero for a curve that only rose', () => {
    const svg = renderDrawdownChart(curve([['2026-03-02T15:00:00Z', 5], ['2026-03-03T15:00:00Z', 8]]), 0, 'UTC')!.value;

    expect(valueTicks(svg)).toEqual(['0.00']);
    expect(new Set(vertices(svg, 'series loss').map(([, y]) => y)).size).toBe(1);
  });
});
