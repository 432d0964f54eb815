// A generated broker export: a generic fills CSV of any length (`npm run bench:imports` and the bench's imports row).

const SYMBOLS = ['AAPL', 'TSLA', 'NVDA', 'MSFT', 'AMD', 'META', 'AMZN', 'GOOG'];

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** A generic fills CSV: round trips of 1–3 entry fills and 1–2 exit fills, alternating long and short, 8 symbols. */
export function genericFillsFile(count: number): string {
  const lines = ['Account,Symbol,Side,Qty,Price,Time,Commission,Execution ID'];
  const start = Date.UTC(2021, 0, 4, 14, 30);
  let i = 0;
  let trip = 0;
  while (i < count) {
    const symbol = SYMBOLS[trip % SYMBOLS.length]!;
    const long = trip % 2 === 0;
    const entries = 1 + (trip % 3);
    const exits = Math.min(1 + (trip % 2), count - i - entries > 0 ? 2 : 1);
    const at = start + trip * 120_000;
    let open = 0;
    for (let e = 0; e < entries && i < count; e++, i++) {
      open += 100;
      lines.push(`A${trip % 3},${symbol},${long ? 'Buy' : 'Sell'},100,${(100 + (trip % 50) + e * 0.05).toFixed(2)},${iso(at + e * 1000)},0.35,X${i}`);
    }
    for (let x = 0; x < exits && i < count && open > 0; x++, i++) {
      const qty = x === exits - 1 ? open : Math.floor(open / 2);
      open -= qty;
      lines.push(`A${trip % 3},${symbol},${long ? 'Sell' : 'Buy'},${qty},${(100.5 + (trip % 50) - (trip % 7) * 0.1).toFixed(2)},${iso(at + 60_000 + x * 1000)},0.35,X${i}`);
    }
    trip++;
  }
  return `${lines.join('\n')}\n`;
}
