// Trade capture: validates a trade and its files, stores the files, appends one journal row. Used by every mode.
import { randomUUID } from 'node:crypto';
import { type z } from 'zod';
import { readAttachments, type AttachmentInput, type MediaUpload } from '../domain/attachment-upload';
import { encodeAttachmentCell, type AttachmentRef } from '../domain/attachment-links';
import { inDateRange, type DateRange } from '../domain/date-range';
import { readTrades, SHEET_COLUMNS, tradeToRow, type RowProblem } from '../domain/sheet-layout';
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
   * Uploads the files, then appends the row. When anything after the first upload fails, the files this trade created
   * are deleted again: a trade that was not written leaves nothing in the trader's Drive.
   */
  private async store(owner: string, target: CaptureTarget, fields: Trade, uploads: readonly MediaUpload[]): Promise<CapturedTrade> {
    const created: StoredMedia[] = [];
    const stored: StoredMedia[] = [];
    try {
      for (const upload of uploads) {
        const { created: isNew, ...media } = await this.deps.media.put(owner, upload);
        if (isNew) created.push(media);
        stored.push(media);
      }
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
      await Promise.allSettled(created.map((media) => this.deps.media.delete(owner, media.id)));
      throw error;
    }
  }

  /**
   * Extracts fields from a narrative, lets explicit fields win, and stores the trade. When required fields are still
   * missing nothing is written and the caller is told which ones to send.
   */
  async submit(
    owner: string,
    target: CaptureTarget,
    input: { content: string; overrides: Partial<TradeFields>; attachments?: readonly AttachmentInput[] },
  ): Promise<SubmitOutcome> {
    // Attachments are checked (and decoded, once) first so that a follow-up is not asked for a trade whose files would
    // be refused anyway; a multi-modal extractor reads them too (a chart's prices, a voice note's P&L).
    const uploads = await readAttachments(input.attachments);
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
    if (rows === null) {
      throw new NotFoundError('SHEET.NOT_FOUND', `No journal "${target.sheetId}" with a tab "${target.tab}" for this user`);
    }
    const trade = readTrades(rows, target.timezone).trades.find((t) => t.trade_id === tradeId);
    if (!trade) throw new NotFoundError('TRADE.NOT_FOUND', 'No trade with this id in this journal tab');
    return trade;
  }

  /** The owner's trades in one tab, oldest first, filtered by exit date and paged by an opaque cursor. */
  async listTrades(owner: string, target: CaptureTarget, options: { range: DateRange; limit?: number; cursor?: string; account?: string }): Promise<TradePage> {
    const rows = await this.deps.journal.read(owner, target);
    if (rows === null) {
      throw new NotFoundError('SHEET.NOT_FOUND', `No journal "${target.sheetId}" with a tab "${target.tab}" for this user`);
    }
    const { trades, problems } = readTrades(rows, target.timezone);
    const filtered = trades.filter(
      (trade) => inDateRange(trade.exit_timestamp, options.range) && (options.account === undefined || trade.account === options.account),
    );
    const start = decodeCursor(options.cursor);
    const limit = Math.min(Math.max(options.limit ?? 100, 1), MAX_PAGE);
    const page = filtered.slice(start, start + limit);
    const next = start + limit < filtered.length ? encodeCursor(start + limit) : null;
    return { trades: page, next_cursor: next, skipped_rows: problems };
  }
}

function fromExtracted(fields: ExtractedFields): Partial<TradeFields> {
  const out: Partial<TradeFields> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null && key !== 'notes') (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof value.o === 'number' && Number.isInteger(value.o) && value.o >= 0) return value.o;
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('PAGINATION.INVALID_CURSOR', 'cursor is not one this API returned');
}
