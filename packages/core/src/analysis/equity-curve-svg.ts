// The equity curve as a small self-contained SVG (no fonts, scripts or links), for embedding in Markdown as a data URI.
import type { EquityPoint } from '../domain/metrics';
import { formatMoney, plural } from './format';
import { roundMoney } from './rounding';

const WIDTH = 640;
const HEIGHT = 240;
const PAD = { left: 72, right: 16, top: 28, bottom: 28 };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/**
 * Keeps the lowest and highest point of each pixel column, so a million trades draw as ~2 points per pixel with every
 * peak and trough (and so the drawdown) still visible. Returns [trade index, value] pairs in order.
 */
function decimate(values: readonly number[], columns: number): [number, number][] {
  if (values.length <= columns * 2) return values.map((value, index) => [index, value]);
  const points: [number, number][] = [];
  const perColumn = values.length / columns;
  for (let column = 0; column < columns; column++) {
    const start = Math.floor(column * perColumn);
    const end = Math.min(values.length, Math.floor((column + 1) * perColumn));
    let low = start;
    let high = start;
    for (let i = start; i < end; i++) {
      if (values[i]! < values[low]!) low = i;
      if (values[i]! > values[high]!) high = i;
    }
    for (const index of low <= high ? [low, high] : [high, low]) {
      if (points.at(-1)?.[0] !== index) points.push([index, values[index]!]);
    }
  }
  return points;
}

const coordinate = (value: number) => String(Math.round(value * 10) / 10);

/** An SVG line chart of cumulative P&L by trade number, starting from 0, with a dashed zero line. */
export function renderEquityCurveSvg(curve: readonly EquityPoint[], options: { title?: string } = {}): string {
  const title = escapeXml(options.title ?? 'Equity curve (cumulative P&L by trade)');
  // The curve starts at 0 before the first trade, as drawdown does.
  const values = [0, ...curve.map((point) => roundMoney(point.cumulative_pnl))];
  // A loop, not Math.min(...values): a million arguments overflow the stack.
  let low = 0;
  let high = 0;
  for (const value of values) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  const span = high - low || 1;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (index: number) => PAD.left + (values.length === 1 ? 0 : (index / (values.length - 1)) * plotWidth);
  const y = (value: number) => PAD.top + ((high - value) / span) * plotHeight;
  const points = decimate(values, plotWidth)
    .map(([index, value]) => `${coordinate(x(index))},${coordinate(y(value))}`)
    .join(' ');
  const last = values.at(-1) ?? 0;
  const stroke = last >= 0 ? '#1a7f37' : '#cf222e';
  const text = (atX: number, atY: number, content: string) =>
    `<text x="${coordinate(atX)}" y="${coordinate(atY)}" text-anchor="end" font-size="11" font-family="sans-serif" fill="#57606a">` +
    `${escapeXml(content)}</text>`;
  const label = (value: number, atY: number) => text(PAD.left - 6, atY + 4, formatMoney(value));
  const zeroY = coordinate(y(0));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
      `role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PAD.left}" y="18" font-size="13" font-family="sans-serif" fill="#24292f">${title}</text>`,
    `<line x1="${PAD.left}" y1="${zeroY}" x2="${WIDTH - PAD.right}" y2="${zeroY}" stroke="#8c959f" stroke-dasharray="4 3"/>`,
    label(high, y(high)),
    high === 0 || low === 0 ? '' : label(0, y(0)),
    low === high ? '' : label(low, y(low)),
    `<polyline fill="none" stroke="${stroke}" stroke-width="1.5" stroke-linejoin="round" points="${points}"/>`,
    text(WIDTH - PAD.right, HEIGHT - 8, plural(curve.length, 'trade')),
    '</svg>',
  ]
    .filter((part) => part !== '')
    .join('');
}

/** The SVG as a `data:` URI, so the Markdown carries its picture with it. */
export function equityCurveDataUri(curve: readonly EquityPoint[]): string {
  return `data:image/svg+xml;base64,${Buffer.from(renderEquityCurveSvg(curve), 'utf8').toString('base64')}`;
}
