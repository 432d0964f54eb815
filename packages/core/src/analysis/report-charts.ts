// The report page's two charts, equity and drawdown, as inline SVG whose every printed number is a stored one.
import type { EquityPoint } from '../domain/metrics';
import { formatDate, formatMoney } from './format';
import { html, join, type SafeHtml } from './report-html/html';
import { parseInstant } from './trade-order';

// Drawn in this box and scaled to the page width (viewBox), so the text stays readable on a 360 px phone.
const WIDTH = 420;
const HEIGHT = 260;
const PAD = { left: 92, right: 44, top: 16, bottom: 54 };
const PLOT_WIDTH = WIDTH - PAD.left - PAD.right;
const PLOT_HEIGHT = HEIGHT - PAD.top - PAD.bottom;
const FONT = '14';
/** Closest two value labels may sit, and two date labels (a `yyyy-mm-dd` at 14 units is ~80 wide). */
const MIN_LABEL_GAP_Y = 18;
const MIN_LABEL_GAP_X = 92;
const DATE_TICKS = 4;

const coordinate = (value: number): string => String(Math.round(value * 10) / 10);

/** `x1="…" y1="…"` (or `x2`/`y2`) for a line end. */
const xy = (end: '1' | '2', x: number, y: number): SafeHtml => html`x${end}="${coordinate(x)}" y${end}="${coordinate(y)}"`;

function label(x: number, y: number, anchor: 'start' | 'middle' | 'end', text: string, extra: SafeHtml | '' = ''): SafeHtml {
  return html`<text${extra} x="${coordinate(x)}" y="${coordinate(y)}" text-anchor="${anchor}" font-size="${FONT}">${text}</text>`;
}

/**
 * Where each point sits across the plot, from 0 to 1. By exit time when the timestamps allow, so the axis reads as a
 * calendar; by trade number when they do not (unreadable, or all at one instant). The 0 before trade one sits at 0.
 */
function horizontalPositions(curve: readonly EquityPoint[], timezone: string): { byTime: boolean; points: number[] } {
  const times = curve.map((point) => parseInstant(point.exit_timestamp, timezone));
  const first = times[0] ?? NaN;
  const last = times.at(-1) ?? NaN;
  if (times.every((time) => !Number.isNaN(time)) && last > first) {
    return { byTime: true, points: times.map((time) => (time - first) / (last - first)) };
  }
  return { byTime: false, points: curve.map((_, index) => (index + 1) / curve.length) };
}

const dateAxisTitle = (timezone: string, byTime: boolean): string =>
  byTime ? `Exit date (${timezone})` : `Exit date (${timezone}), trades evenly spaced`;

interface Plot {
  x: (position: number) => number;
  y: (value: number) => number;
}

function plotFor(low: number, high: number): Plot {
  const span = high - low || 1;
  return {
    x: (position) => PAD.left + position * PLOT_WIDTH,
    y: (value) => PAD.top + ((high - value) / span) * PLOT_HEIGHT,
  };
}

/** Value labels (and grid lines) in priority order; one that would overlap a label already placed is left out. */
function valueAxis(plot: Plot, values: readonly number[]): SafeHtml {
  const placed: number[] = [];
  for (const value of values) {
    const y = plot.y(value);
    if (placed.every((other) => Math.abs(plot.y(other) - y) >= MIN_LABEL_GAP_Y)) placed.push(value);
  }
  return join(
    placed.map((value) => {
      const y = plot.y(value);
      const dash = value === 0 ? html` stroke-dasharray="4 3"` : '';
      return join([
        html`<line class="${value === 0 ? 'zero' : 'grid'}" ${xy('1', PAD.left, y)} ${xy('2', WIDTH - PAD.right, y)}${dash}/>`,
        label(PAD.left - 8, y + 5, 'end', formatMoney(value)),
      ]);
    }),
  );
}

/**
 * Date labels at real trades: the first, the last, and those nearest to evenly spaced positions between, skipping
 * any that would repeat a date or crowd a neighbour.
 */
function dateAxis(plot: Plot, curve: readonly EquityPoint[], positions: readonly number[], timezone: string): SafeHtml {
  const dateOf = (index: number) => formatDate(curve[index]!.exit_timestamp, timezone);
  const at = (index: number) => positions[index]!;
  const minGap = MIN_LABEL_GAP_X / PLOT_WIDTH;
  const last = curve.length - 1;
  const nearest = (target: number) =>
    positions.reduce((best, position, index) => (Math.abs(position - target) < Math.abs(at(best) - target) ? index : best), 0);
  const withLast = last > 0 && dateOf(last) !== dateOf(0) && at(last) - at(0) >= minGap;
  const kept = [0];
  for (let tick = 1; tick < DATE_TICKS - 1; tick++) {
    const index = nearest(tick / (DATE_TICKS - 1));
    const previous = kept.at(-1)!;
    const clearOfPrevious = index > previous && at(index) - at(previous) >= minGap && dateOf(index) !== dateOf(previous);
    const clearOfLast = !withLast || (at(last) - at(index) >= minGap && dateOf(index) !== dateOf(last));
    if (clearOfPrevious && clearOfLast) kept.push(index);
  }
  if (withLast) kept.push(last);
  const axisY = PAD.top + PLOT_HEIGHT;
  return join(
    kept.map((index) => {
      const x = plot.x(at(index));
      return join([html`<line class="frame" ${xy('1', x, axisY)} ${xy('2', x, axisY + 5)}/>`, label(x, axisY + 22, 'middle', dateOf(index))]);
    }),
  );
}

interface ChartParts {
  id: string;
  description: string;
  yTitle: string;
  xTitle: string;
  body: SafeHtml;
}

function chartFrame({ id, description, yTitle, xTitle, body }: ChartParts): SafeHtml {
  const bottom = PAD.top + PLOT_HEIGHT;
  const middleY = PAD.top + PLOT_HEIGHT / 2;
  const size = `${WIDTH} ${HEIGHT}`;
  return join([
    html`<svg class="chart" id="${id}" viewBox="0 0 ${size}" width="${String(WIDTH)}" height="${String(HEIGHT)}" role="img" aria-label="${description}">`,
    html`<title>${description}</title>`,
    body,
    html`<polyline class="frame" fill="none" points="${pointsAttribute([[PAD.left, PAD.top], [PAD.left, bottom], [WIDTH - PAD.right, bottom]])}"/>`,
    label(18, middleY, 'middle', yTitle, html` class="axis-title" transform="rotate(-90 18 ${coordinate(middleY)})"`),
    label(PAD.left + PLOT_WIDTH / 2, HEIGHT - 8, 'middle', xTitle, html` class="axis-title"`),
    html`</svg>`,
  ]);
}

const pointsAttribute = (pairs: readonly (readonly [number, number])[]): string =>
  pairs.map(([x, y]) => `${coordinate(x)},${coordinate(y)}`).join(' ');

const signed = (value: number): string => (value > 0 ? `+${formatMoney(value)}` : formatMoney(value));

/** The first and last exit dates of the curve, as the page prints them. */
export function curveDates(curve: readonly EquityPoint[], timezone: string): { first: string; last: string } | null {
  const first = curve[0];
  const last = curve.at(-1);
  return first && last ? { first: formatDate(first.exit_timestamp, timezone), last: formatDate(last.exit_timestamp, timezone) } : null;
}

/**
 * Cumulative P&L after each trade, from 0 before the first. Labelled values are stored points only: 0, where it
 * ended, its highest and its lowest point, so the chart can be checked against the numbers beside it.
 */
export function renderEquityChart(curve: readonly EquityPoint[], timezone: string): SafeHtml | null {
  const dates = curveDates(curve, timezone);
  if (dates === null) return null;
  const values = curve.map((point) => point.cumulative_pnl);
  let high = 0;
  let low = 0;
  for (const value of values) {
    if (value > high) high = value;
    if (value < low) low = value;
  }
  const end = values.at(-1)!;
  const plot = plotFor(low, high);
  const { byTime, points } = horizontalPositions(curve, timezone);
  const line = [[plot.x(0), plot.y(0)] as const, ...values.map((value, index) => [plot.x(points[index]!), plot.y(value)] as const)];
  const tone = end < 0 ? 'loss' : 'profit';
  const description =
    `Equity curve: cumulative P&L after each trade from ${dates.first} to ${dates.last} (${timezone}), ` +
    `ending at ${signed(end)}; highest ${formatMoney(high)}, lowest ${formatMoney(low)}.`;
  return chartFrame({
    id: 'equity-chart',
    description,
    yTitle: 'Cumulative P&L',
    xTitle: dateAxisTitle(timezone, byTime),
    body: join([
      valueAxis(plot, [0, end, high, low]),
      dateAxis(plot, curve, points, timezone),
      html`<polyline class="series ${tone}" fill="none" stroke-width="2" stroke-linejoin="round" points="${pointsAttribute(line)}"/>`,
    ]),
  });
}

/**
 * How far cumulative P&L stood below its running peak (which starts at 0, as the metrics engine's does) after each
 * trade. Only the stored `maxDrawdown` is printed; the shape is drawn from the stored curve.
 */
export function renderDrawdownChart(curve: readonly EquityPoint[], maxDrawdown: number, timezone: string): SafeHtml | null {
  const dates = curveDates(curve, timezone);
  if (dates === null) return null;
  let peak = 0;
  const depths = curve.map((point) => {
    peak = Math.max(peak, point.cumulative_pnl);
    return point.cumulative_pnl - peak;
  });
  const deepest = depths.reduce((low, depth) => Math.min(low, depth), -maxDrawdown);
  const plot = plotFor(deepest, 0);
  const { byTime, points } = horizontalPositions(curve, timezone);
  const line = [[plot.x(0), plot.y(0)] as const, ...depths.map((depth, index) => [plot.x(points[index]!), plot.y(depth)] as const)];
  const area = [...line, [plot.x(points.at(-1)!), plot.y(0)] as const];
  const description =
    `Drawdown: how far cumulative P&L stood below its previous peak after each trade, from ${dates.first} to ${dates.last} ` +
    `(${timezone}); the deepest fall, the max drawdown, was ${formatMoney(maxDrawdown)}.`;
  return chartFrame({
    id: 'drawdown-chart',
    description,
    yTitle: 'Below peak',
    xTitle: dateAxisTitle(timezone, byTime),
    body: join([
      valueAxis(plot, maxDrawdown > 0 ? [0, -maxDrawdown] : [0]),
      dateAxis(plot, curve, points, timezone),
      html`<polygon class="area" points="${pointsAttribute(area)}"/>`,
      html`<polyline class="series loss" fill="none" stroke-width="2" stroke-linejoin="round" points="${pointsAttribute(line)}"/>`,
    ]),
  });
}
