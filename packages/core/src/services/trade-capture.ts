// Trade capture: validates a trade and its files, stores the files, appends one journal row. Used by every mode.
import { createHash, randomUUID } from 'node:crypto';
import { type z } from 'zod';
import { collectAttachments, openAttachments, type AttachmentStream, type MediaStreamUpload } from '../domain/attachment-stream';
import { readAttachments, type AttachmentInput, type MediaUpload } from '../domain/attachment-upload';
import { encodeAttachmentCell, type AttachmentRef } from '../domain/attachment-links';
import { inDateRange, type DateRange } from '../domain/date-range';
import {
  isBlankRow,
  rowToTrade,
  SHEET_COLUMNS,
  tabLayout,
  tradeToRow,
  type RowProblem,
  type TabLayout,
} from '../domain/sheet-layout';
import { canonicalTimestampMillis } from '../domain/timestamp-digits';
import { REQUIRED_TRADE_FIELDS, tradeSchemaFor, type RequiredTradeField, type StoredTrade, type Trade, type TradeFields } from '../domain/trade';
import { isPecuniaError, NotFoundError, ValidationError } from '../errors';
import { UNKNOWN_OUTCOME } from '../ports/journal.port';
import type { Journal, SheetRef } from '../ports/journal.port';
import type { MediaStore, StoredMedia } from '../ports/media-store.port';
import type { ExtractedFields, TradeExtractor } from '../ports/trade-extractor.port';

export interface CaptureTarget extends SheetRef {
  timezone: string;
}

export interface CapturedTrade {
  trade: StoredTrade;
  attachments: StoredMedia[];
  location: { sheet_id: string; tab: string; updated_range: string; row_number: number };
}

export type SubmitOutcome =
  | ({ status: 'created'; extracted_by: string } & CapturedTrade)
  | { status: 'needs_more_info'; missing_fields: RequiredTradeField[]; fields: Partial<TradeFields>; extracted_by: string };

/** Files that arrive as streams (a multipart upload), and what must hold before the row is written. */
export interface StreamedAttachments {
  files: AsyncIterable<AttachmentStream>;
  /**
   * Runs once every file has been read (and, for a structured trade, stored), before anything else is written; a
   * throw writes nothing and removes the files this call stored. The transport says here whether the whole request
   * arrived.
   */
  beforeWrite?: () => Promise<void>;
}

/** A narrative and the fields sent beside it (they win over what is extracted). */
export interface SubmitInput {
  content: string;
  overrides: Partial<TradeFields>;
}

export interface TradePage {
  trades: StoredTrade[];
  next_cursor: string | null;
  skipped_rows: RowProblem[];
}

export interface TradeCaptureDeps {
  journal: Journal;
  media: MediaStore;
  extractor: TradeExtractor;
  now?: () => Date;
}

/** Formats zod issues as one readable reason plus per-field details. */
export function validationFailure(error: z.ZodError, code = 'TRADE.INVALID'): ValidationError {
  const issues = error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
  const reason = issues.map((i) => `${i.field} ${i.message}`).join('; ');
  return new ValidationError(code, `Invalid trade: ${reason}`, { issues });
}

const MAX_PAGE = 500;
/** Rows per journal read while a filter leaves the page short; each further read doubles, up to the largest. */
const SCAN_CHUNK = 500;
const MAX_SCAN_CHUNK = 8_000;
/** Rows read past an unfiltered page and the one trade after it, so that a few blank or unreadable rows cost no second read. */
const PAGE_SLACK = 25;

export class TradeCaptureService {
  private readonly now: () => Date;

  constructor(private readonly deps: TradeCaptureDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Stores a structured trade: fields and every attachment are validated before anything is written. */
  async logTrade(owner: string, target: CaptureTarget, fields: unknown, attachments?: readonly AttachmentInput[]): Promise<CapturedTrade> {
    const parsed = tradeSchemaFor(target.timezone).safeParse(fields);
    if (!parsed.success) throw validationFailure(parsed.error);
    return this.store(owner, target, parsed.data, await readAttachments(attachments));
  }

  /**
   * `logTrade` with files that arrive as streams: the fields are checked before any file is read, each file as its
   * first bytes arrive (the same rules), and each goes to the media store as it arrives, never held whole. A file that
   * breaks a rule part-way (past 15 MB, the eleventh) fails the call and the files stored for it are removed.
   */
  async logTradeStreamed(owner: string, target: CaptureTarget, fields: unknown, attachments: StreamedAttachments): Promise<CapturedTrade> {
    const parsed = tradeSchemaFor(target.timezone).safeParse(fields);
    if (!parsed.success) throw validationFailure(parsed.error);
    return this.store(owner, target, parsed.data, openAttachments(attachments.files), attachments.beforeWrite);
  }

  /**
   * Uploads the files, then appends the row. When anything after the first upload fails, each of this trade's uploads
   * is undone: a trade that was not written leaves nothing in the trader's Drive, and a file another trade holds (the
   * same bytes, attached earlier or at this moment) stays with it.
   */
  private async store(
    owner: string,
    target: CaptureTarget,
    fields: Trade,
    uploads: Iterable<MediaUpload> | AsyncIterable<MediaStreamUpload>,
    beforeWrite?: () => Promise<void>,
  ): Promise<CapturedTrade> {
    const stored: StoredMedia[] = [];
    try {
      // Files read already (an array, most often empty) are stored without the async iterator `for await` wraps an
      // array in, and an absent `beforeWrite` is not awaited: each would cost every trade a few turns of the queue.
      if (Array.isArray(uploads)) for (const upload of uploads as readonly MediaUpload[]) stored.push(await this.putMedia(owner, upload));
      else for await (const upload of uploads) stored.push(await this.putMedia(owner, upload));
      if (beforeWrite) await beforeWrite();
      const refs: AttachmentRef[] = stored.map((m) => ({ file_id: m.id, mime_type: m.mimeType, link: m.link }));
      const trade: StoredTrade = {
        ...fields,
        trade_id: randomUUID(),
        user_id: owner,
        file_links: encodeAttachmentCell(refs),
        created_at: this.now().toISOString(),
      };
      const result = await this.deps.journal.append(owner, target, { header: SHEET_COLUMNS, rows: [tradeToRow(trade)] });
      return {
        trade,
        attachments: stored,
        location: { sheet_id: target.sheetId, tab: target.tab, updated_range: result.updatedRange, row_number: result.rowNumbers[0] ?? 0 },
      };
    } catch (error) {
      // The row may have been written after all (the journal could not tell): its links must keep working.
      if (isPecuniaError(error) && error.code === UNKNOWN_OUTCOME) throw error;
      // Best effort: the original failure is what the caller must see, not a cleanup hiccup.
      await Promise.allSettled(stored.map((media) => this.deps.media.delete(owner, media.id)));
      throw error;
    }
  }

  /** Stores one file of a trade (whether the store had its bytes already is the store's to count, not the trade's). */
  private async putMedia(owner: string, upload: MediaUpload | MediaStreamUpload): Promise<StoredMedia> {
    const { created: _created, ...media } = await this.deps.media.put(owner, upload);
    return media;
  }

  /**
   * Extracts fields from a narrative, lets explicit fields win, and stores the trade. When required fields are still
   * missing nothing is written and the caller is told which ones to send.
   */
  async submit(owner: string, target: CaptureTarget, input: SubmitInput & { attachments?: readonly AttachmentInput[] }): Promise<SubmitOutcome> {
    // Attachments are checked (and decoded, once) first so that a follow-up is not asked for a trade whose files would
    // be refused anyway; a multi-modal extractor reads them too (a chart's prices, a voice note's P&L).
    return this.submitUploads(owner, target, input, await readAttachments(input.attachments));
  }

  /**
   * `submit` with files that arrive as streams. The extractor reads them before anything is stored, so each is read
   * whole (refused as soon as it passes 15 MB) and checked exactly as a base64 one.
   */
  async submitStreamed(owner: string, target: CaptureTarget, input: SubmitInput & { attachments: StreamedAttachments }): Promise<SubmitOutcome> {
    const uploads = await collectAttachments(input.attachments.files);
    await input.attachments.beforeWrite?.();
    return this.submitUploads(owner, target, input, uploads);
  }

  private async submitUploads(owner: string, target: CaptureTarget, input: SubmitInput, uploads: MediaUpload[]): Promise<SubmitOutcome> {
    const extraction = await this.deps.extractor.extract({
      content: input.content,
      attachments: uploads.map((upload) => ({ filename: upload.filename, mime_type: upload.mimeType, data: upload.data })),
      timezone: target.timezone,
      now: this.now(),
    });
    const merged: Partial<TradeFields> = { ...fromExtracted(extraction.fields), notes: input.content.trim() };
    for (const [key, value] of Object.entries(input.overrides)) {
      if (value !== undefined && value !== null) (merged as Record<string, unknown>)[key] = value;
    }
    const missing = REQUIRED_TRADE_FIELDS.filter((field) => merged[field] === undefined || merged[field] === '');
    if (missing.length > 0) {
      return { status: 'needs_more_info', missing_fields: missing, fields: merged, extracted_by: extraction.source };
    }
    const parsed = tradeSchemaFor(target.timezone).safeParse(merged);
    if (!parsed.success) throw validationFailure(parsed.error);
    const captured = await this.store(owner, target, parsed.data, uploads);
    return { status: 'created', extracted_by: extraction.source, ...captured };
  }

  /** One of the owner's trades in one tab, by its id (what the `Location` of a created trade points at). */
  async getTrade(owner: string, target: CaptureTarget, tradeId: string): Promise<StoredTrade> {
    const rows = await this.deps.journal.read(owner, target);
    if (rows === null) throw sheetNotFound(target);
    // Rows are matched on their id cell first, so only the candidates are validated (the first valid one wins).
    const { index, firstRow } = tabLayout(rows[0]);
    const column = index.get('trade_id');
    for (let i = firstRow - 1; i < rows.length; i++) {
      const row = rows[i]!;
      const cell = column === undefined ? undefined : row[column];
      const id = cell !== undefined && cell.trim() !== '' ? cell : `row-${i + 1}`;
      if (id !== tradeId || isBlankRow(row)) continue;
      const result = rowToTrade(index, row, i + 1, target.timezone);
      if (result.ok) return result.trade;
    }
    throw new NotFoundError('TRADE.NOT_FOUND', 'No trade with this id in this journal tab');
  }

  /**
   * The owner's trades in one tab, oldest first, filtered by exit date and account and paged by an opaque cursor (the
   * row the next page starts at). Rows are read a window at a time, from the cursor on, until the page and one trade
   * more are found or the tab ends; `skipped_rows` lists the unreadable rows among those read, so paging to the end
   * reports each once.
   */
  async listTrades(owner: string, target: CaptureTarget, options: { range: DateRange; limit?: number; cursor?: string; account?: string }): Promise<TradePage> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), MAX_PAGE);
    const cursor = decodeCursor(options.cursor, target);
    const exitInRange = exitDateFilter(options.range);
    const matches = (trade: StoredTrade) => exitInRange(trade.exit_timestamp) && (options.account === undefined || trade.account === options.account);
    const filtered = options.range.start !== undefined || options.range.end !== undefined || options.account !== undefined;
    const trades: StoredTrade[] = [];
    const problems: RowProblem[] = [];
    let layout: TabLayout | undefined;
    // Row 1 comes with every window: a header, or (in a tab the earlier service wrote) the first trade.
    let from = cursor ?? 2;
    let size = filtered ? Math.max(limit + 1, SCAN_CHUNK) : limit + 1 + PAGE_SLACK;
    for (;;) {
      const window = await this.deps.journal.readRows(owner, target, { from, limit: size });
      if (window === null) throw sheetNotFound(target);
      layout ??= tabLayout(window.header);
      const rows = cursor === undefined && from === 2 && layout.firstRow === 1 ? [{ rowNumber: 1, cells: window.header }, ...window.rows] : window.rows;
      for (const { rowNumber, cells } of rows) {
        if (isBlankRow(cells)) continue;
        const result = rowToTrade(layout.index, cells, rowNumber, target.timezone);
        if (!result.ok) {
          problems.push(result.problem);
        } else if (matches(result.trade)) {
          if (trades.length === limit) return { trades, next_cursor: encodeCursor(rowNumber, target), skipped_rows: problems };
          trades.push(result.trade);
        }
      }
      if (!window.more) return { trades, next_cursor: null, skipped_rows: problems };
      from += size;
      size = Math.min(Math.max(size * 2, SCAN_CHUNK), MAX_SCAN_CHUNK);
    }
  }
}

function sheetNotFound(target: SheetRef): NotFoundError {
  return new NotFoundError('SHEET.NOT_FOUND', `No journal "${target.sheetId}" with a tab "${target.tab}" for this user`);
}

const DAY_MS = 86_400_000;

/**
 * `inDateRange` on exit timestamps, cheap for most trades: no zone is a day or more off UTC, so an exit more than a
 * day inside (or outside) the bounds taken as UTC days is in (or out) whatever the zone; only those near a bound are
 * placed in the trader's zone.
 */
function exitDateFilter(range: DateRange): (exit: string) => boolean {
  if (!range.start && !range.end) return () => true;
  const low = range.start ? Date.parse(`${range.start}T00:00:00Z`) : -Infinity;
  const high = range.end ? Date.parse(`${range.end}T00:00:00Z`) + DAY_MS : Infinity;
  return (exit) => {
    const at = canonicalTimestampMillis(exit);
    if (at === undefined) return inDateRange(exit, range);
    if (at < low - DAY_MS || at >= high + DAY_MS) return false;
    if (at >= low + DAY_MS && at < high - DAY_MS) return true;
    return inDateRange(exit, range);
  };
}

function fromExtracted(fields: ExtractedFields): Partial<TradeFields> {
  const out: Partial<TradeFields> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null && key !== 'notes') (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/**
 * Binds a cursor to its row and tab: one from another tab or sheet, or edited by hand, does not check out. Not a
 * secret: a forged cursor only picks a row of a tab the caller can read anyway.
 */
function cursorCheck(row: number, target: SheetRef): string {
  return createHash('sha256').update(`trades-cursor\u0000${row}\u0000${target.sheetId}\u0000${target.tab}`).digest('base64url').slice(0, 16);
}

function encodeCursor(row: number, target: SheetRef): string {
  return Buffer.from(JSON.stringify({ r: row, c: cursorCheck(row, target) })).toString('base64url');
}

/** The row a cursor starts at; cursors of the earlier offset scheme (`{o}`) are refused like any other. */
function decodeCursor(cursor: string | undefined, target: SheetRef): number | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { r?: unknown; c?: unknown };
    const row = value.r;
    if (typeof row === 'number' && Number.isSafeInteger(row) && row >= 2 && value.c === cursorCheck(row, target)) return row;
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('PAGINATION.INVALID_CURSOR', 'cursor is not one this API returned for this sheet and tab');
}
