// Any CSV of fills or of closed trades, recognised by common header names or an explicit column mapping.
import type { ClosedTradeRow, CsvRecord, Fill, HeaderAwareParser, ParseOptions, ParsedFile, RejectedRow } from '../import-types';
import { isReason, type Reading } from '../row-readers';
import { normalizeHeader, resolveColumns, type GenericColumns } from './generic-columns';
import { FieldCells, pnlIsNet, readClosedRow, readFillRow } from './generic-rows';

function headerOf(head: readonly CsvRecord[], mapping: ParseOptions['mapping']): { columns: GenericColumns; line: number } | { missing: string[] } {
  let best: string[] | undefined;
  for (const record of head) {
    const resolved = resolveColumns(record.cells, mapping);
    if ('columns' in resolved) return { columns: resolved.columns, line: record.line };
    if (best === undefined || resolved.missing.length < best.length) best = resolved.missing;
  }
  return { missing: best ?? ['symbol', 'quantity', 'price', 'time (or date)'] };
}

const isHeaderAgain = (cells: readonly string[], header: readonly string[]): boolean =>
  cells.length === header.length && normalizeHeader(cells[0] ?? '') === header[0] && cells.every((cell, i) => normalizeHeader(cell) === header[i]);

function collect<T>(out: T[], rejected: RejectedRow[], line: number, reading: Reading<T> | null): void {
  if (reading === null) return;
  if (isReason(reading)) rejected.push({ line, reason: reading });
  else out.push(reading);
}

async function parse(records: AsyncIterable<CsvRecord>, options: ParseOptions): Promise<ParsedFile> {
  const fills: Fill[] = [];
  const trades: ClosedTradeRow[] = [];
  const rejected: RejectedRow[] = [];
  let columns: GenericColumns | undefined;
  let headerKey: string[] = [];
  let cells = new FieldCells({});
  for await (const record of records) {
    if (columns === undefined) {
      // Title lines above the header (an account name, a date range) are passed over.
      const found = headerOf([record], options.mapping);
      if ('columns' in found) {
        columns = found.columns;
        cells = new FieldCells(columns.at);
        headerKey = record.cells.map(normalizeHeader);
      }
      continue;
    }
    // Concatenated exports repeat the header.
    if (isHeaderAgain(record.cells, headerKey)) continue;
    const cell = cells.row(record.cells);
    if (columns.kind === 'fills') collect(fills, rejected, record.line, readFillRow(record.line, cell, columns, options));
    else collect(trades, rejected, record.line, readClosedRow(record.line, cell, columns, options));
  }
  if (columns?.kind === 'closed_trades') {
    const notes = columns.pnlHeader !== '' && !pnlIsNet(columns.pnlHeader) && (columns.at.fees !== undefined || columns.at.commission !== undefined)
      ? [`"${columns.pnlHeader}" was read as gross: the fees column was deducted from it`]
      : [];
    return { kind: 'closed_trades', trades, rejected, notes };
  }
  return { kind: 'fills', fills, rejected };
}

export const genericParser: HeaderAwareParser = {
  format: 'generic',
  detect: (head) => 'columns' in headerOf(head, undefined),
  missingHeaders: (head, options) => {
    const found = headerOf(head, options?.mapping);
    return 'missing' in found ? found.missing : [];
  },
  parse,
};
