// Trade import: a broker file becomes journal trades — parsed, paired into round trips, deduplicated against the
// journal by a stable id, and appended in one journal call.
import { hash } from 'node:crypto';
import { SHEET_COLUMNS, tradeToRow } from '../domain/sheet-layout';
import { tradeFieldsSchema, type StoredTrade, type Trade } from '../domain/trade';
import { ValidationError } from '../errors';
import type { CsvSource } from '../imports/csv-records';
import type { ColumnMapping, ImportFormat, OpenPosition, RejectedRow, RoundTrip } from '../imports/import-types';
import { readBrokerFile } from '../imports/read-broker-file';
import type { Journal } from '../ports/journal.port';
import type { CaptureTarget } from './trade-capture';
import { validationFailure } from './trade-capture';

export interface ImportRequest {
  source: CsvSource;
  format?: ImportFormat;
  /** Zone naive times in the file are read in (the target's zone when absent). */
  timezone?: string;
  /** Account for trades whose file names none. */
  account?: string;
  mapping?: ColumnMapping;
  /** Parse and pair, answer what would be written, write nothing. */
  dryRun?: boolean;
  /** All or nothing: any rejected row refuses the whole file. */
  strict?: boolean;
  /** Called once the file is read and before anything is written; throwing stops the import. */
  beforeWrite?: () => void | Promise<void>;
}

export interface ImportedOpenPosition extends Omit<OpenPosition, 'average_entry_price'> {
  entry_price: number;
}

export interface ImportOutcome {
  format: ImportFormat;
  dry_run: boolean;
  /** Every trade's `pnl` is net of all commissions and fees of its fills (files without fee columns: gross = net). */
  pnl_basis: 'net';
  imported: number;
  duplicates_skipped: number;
  fill_count: number;
  open_positions: ImportedOpenPosition[];
  rejected_rows: RejectedRow[];
  notes: string[];
  trades: StoredTrade[];
}

export interface TradeImportDeps {
  journal: Journal;
  /** Futures point values by root: the built-in table merged with configured extras. */
  multipliers?: Readonly<Record<string, number>>;
  now?: () => Date;
}

/**
 * The journal id of an imported round trip: a UUID (version 8, RFC 9562) derived from its owner and fingerprint, so the
 * same round trip imported twice — the same file again, or an overlapping later export — gets the same id.
 */
export function importedTradeId(owner: string, fingerprint: string): string {
  // One-shot `hash`: the same digest as a Hash object's, at a fraction of its cost per trade.
  const hex = hash('sha256', `pecunia-import\u0000${owner}\u0000${fingerprint}`, 'hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  // Joined rather than concatenated: one flat string per trade, not a chain of pieces.
  return [hex.slice(0, 8), '-', hex.slice(8, 12), '-8', hex.slice(13, 16), '-', variant, hex.slice(17, 20), '-', hex.slice(20, 32)].join('');
}

function money(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
}

/** The trade's notes: where it came from, the exact contract and what the broker charged. */
function describe(trip: RoundTrip, format: ImportFormat): string {
  const currency = trip.currency ? ` ${trip.currency}` : '';
  const parts = [
    `Imported from ${format}`,
    `contract ${trip.contract}`,
    `${trip.fill_count} fill${trip.fill_count === 1 ? '' : 's'}`,
    `gross ${money(trip.gross_pnl)}${currency}`,
    `fees ${money(trip.fees)}${currency}`,
  ];
  if (trip.multiplier !== 1) parts.push(`multiplier ${trip.multiplier}`);
  return parts.join(' · ');
}

/** Ids already in the tab, read from its `trade_id` column (a headerless legacy tab has none). */
function existingTradeIds(rows: readonly (readonly string[])[] | null): Set<string> {
  const ids = new Set<string>();
  if (!rows || rows.length === 0) return ids;
  const column = rows[0]!.map((cell) => cell.trim()).indexOf('trade_id');
  if (column < 0) return ids;
  for (let i = 1; i < rows.length; i++) {
    const id = rows[i]![column]?.trim();
    if (id) ids.add(id);
  }
  return ids;
}

export class TradeImportService {
  private readonly now: () => Date;
  // Two imports into one tab at once would both miss the other's rows when deduplicating: they take turns.
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: TradeImportDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async importFile(owner: string, target: CaptureTarget, request: ImportRequest): Promise<ImportOutcome> {
    const timezone = request.timezone ?? target.timezone;
    const file = await readBrokerFile(request.source, {
      timezone,
      ...(request.format ? { format: request.format } : {}),
      ...(this.deps.multipliers ? { multipliers: { ...this.deps.multipliers } } : {}),
      ...(request.mapping ? { mapping: request.mapping } : {}),
      ...(request.account ? { account: request.account } : {}),
    });
    const rejected = [...file.rejected_rows];
    const createdAt = this.now().toISOString();
    const candidates: StoredTrade[] = [];
    for (const trip of file.trades) {
      // The engine writes canonical timestamps with offsets already: the field rules are checked, not re-parsed.
      const parsed = tradeFieldsSchema.safeParse({
        ticker: trip.ticker,
        position_type: trip.position_type,
        pnl: trip.pnl,
        entry_timestamp: trip.entry_timestamp,
        exit_timestamp: trip.exit_timestamp,
        notes: describe(trip, file.format),
        quantity: trip.quantity,
        entry_price: trip.entry_price,
        exit_price: trip.exit_price,
        ...(trip.account ? { account: trip.account } : {}),
      });
      if (!parsed.success) {
        rejected.push({ line: trip.line, reason: `round trip ${trip.contract}: ${validationFailure(parsed.error).message.replace(/^Invalid trade: /, '')}` });
        continue;
      }
      if (Date.parse(trip.exit_timestamp) < Date.parse(trip.entry_timestamp)) {
        rejected.push({ line: trip.line, reason: `round trip ${trip.contract}: exit_timestamp must not be before entry_timestamp` });
        continue;
      }
      // Object.assign rather than a spread followed by more keys, which V8 (Node 20) builds slowly, key by key: it was
      // a fifth of a large import. The same keys in the same order.
      const stored: StoredTrade = Object.assign({}, parsed.data as Trade, { trade_id: importedTradeId(owner, trip.fingerprint), user_id: owner, file_links: '', created_at: createdAt });
      candidates.push(stored);
    }
    rejected.sort((a, b) => a.line - b.line);
    await request.beforeWrite?.();
    if (request.strict && rejected.length > 0) {
      throw new ValidationError('IMPORT.ROWS_REJECTED', `${rejected.length} row(s) could not be imported and strict=true: nothing was written`, {
        rejected_rows: rejected,
      });
    }

    const outcome = (trades: StoredTrade[], duplicates: number): ImportOutcome => ({
      format: file.format,
      dry_run: request.dryRun === true,
      pnl_basis: 'net',
      imported: trades.length,
      duplicates_skipped: duplicates,
      fill_count: file.fill_count,
      open_positions: file.open_positions.map(({ average_entry_price, ...position }) => ({ ...position, entry_price: average_entry_price })),
      rejected_rows: rejected,
      notes: file.notes,
      trades,
    });

    return this.serialized(`${owner}\u0000${target.sheetId}\u0000${target.tab}`, async () => {
      const existing = existingTradeIds(await this.deps.journal.read(owner, target));
      const fresh: StoredTrade[] = [];
      for (const trade of candidates) {
        if (existing.has(trade.trade_id)) continue;
        existing.add(trade.trade_id);
        fresh.push(trade);
      }
      const duplicates = candidates.length - fresh.length;
      if (!request.dryRun && fresh.length > 0) {
        await this.deps.journal.append(owner, target, { header: SHEET_COLUMNS, rows: fresh.map(tradeToRow) });
      }
      return outcome(fresh, duplicates);
    });
  }

  private async serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
