import { escapeXml, renderEquityCurveSvg } from './equity-curve-svg';
import type { EquityPoint } from '../domain/metrics';

const curve = (values: readonly number[]): EquityPoint[] =>
  values.map((cumulative_pnl, i) => ({ trade_id: `t${i}`, exit_timestamp: '2026-03-02T15:00:00Z', cumulative_pnl, r: null }));

/** The polyline's vertices as [x, y]. */
const vertices = (svg: string): [number, number][] =>
  (/points="([^"]*)"/.exec(svg)?.[1] ?? '')
    .split(' ')
    .filter((pair) => pair !== '')
    .map((pair) => pair.split(',').map(Number) as [number, number]);

describe('renderEquityCurveSvg', () => {
  it('draws the zero line where the curve starts, and labels the extremes', () => {
    const svg = renderEquityCurveSvg(curve([-50, 100]));

    const [start] = vertices(svg);
    const zeroY = Number(/<line [^>]*y1="([\d.]+)"/.exec(svg)?.[1]);
    expect(start?.[1]).toBe(zeroY);
    expect(svg).toContain('>100.00</text>');
    expect(svg).toContain('>-50.00</text>');
    expect(svg).toContain('>2 trades</text>');
  });

  it('draws a losing curve in red and a winning one in green', () => {
    expect(renderEquityCurveSvg(curve([-10]))).toContain('stroke="#cf222e"');
    expect(renderEquityCurveSvg(curve([10]))).toContain('stroke="#1a7f37"');
  });

  it('thins a long curve to about two points per pixel column, keeping its lowest and highest points', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => (i === 73_123 ? -5_000 : Math.sin(i / 1000) * 100));

    const svg = renderEquityCurveSvg(curve(values));

    const points = vertices(svg);
    expect(points.length).toBeLessThanOrEqual(2 * 640);
    const lowestY = Math.max(...points.map(([, y]) => y));
    expect(lowestY).toBeCloseTo(240 - 28, 0);
  });

  it('escapes its title', () => {
    expect(renderEquityCurveSvg([], { title: 'P&L <b>' })).toContain('<title>P&amp;L &lt;b&gt;</title>');
    expect(escapeXml(`"'`)).toBe('&quot;&apos;');
  });
});
