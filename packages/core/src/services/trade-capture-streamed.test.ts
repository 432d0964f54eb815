import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FsMediaStore } from '../adapters/local/fs-media-store';
import { RuleBasedExtractor } from '../adapters/local/rule-based-extractor';
import { openDatabase, type Database } from '../adapters/local/sqlite-database';
import { SqliteJournal } from '../adapters/local/sqlite-journal';
import { decodeAttachmentCell } from '../domain/attachment-links';
import type { AttachmentStream } from '../domain/attachment-stream';
import { MAX_ATTACHMENT_BYTES } from '../domain/attachment-upload';
import type { ExtractionInput, TradeExtractor } from '../ports/trade-extractor.port';
import { mp3Bytes, pngBytes } from '../testing/media-samples';
import { TradeCaptureService } from './trade-capture';

const TARGET = { sheetId: 'journal-1', tab: 'Journal', timezone: 'UTC' };
const FIELDS = { ticker: 'aapl', position_type: 'long', pnl: 185, entry_timestamp: '2026-03-02T09:41', exit_timestamp: '2026-03-02T10:15' };
const NARRATIVE = 'Bought 100 AAPL at 189.20 on 2026-03-02 at 09:41, sold 10:15 at 191.05. +$185';

async function* chunksOf(bytes: Uint8Array, size = 4096): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.byteLength; start += size) yield bytes.subarray(start, start + size);
}

const file = (filename: string, mimeType: string, bytes: Uint8Array): AttachmentStream => ({ filename, mimeType, chunks: chunksOf(bytes) });

async function* filesOf(...files: AttachmentStream[]): AsyncGenerator<AttachmentStream> {
  yield* files;
}

describe('TradeCaptureService with streamed attachments', () => {
  let dir: string;
  let db: Database;
  let media: FsMediaStore;
  let journal: SqliteJournal;
  let service: TradeCaptureService;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-streamed-'));
    db = openDatabase(path.join(dir, 'pecunia.sqlite'));
    media = new FsMediaStore({ dir: path.join(dir, 'media'), db, linkFor: (id) => `http://localhost/api/media/${id}` });
    journal = new SqliteJournal(db);
    service = new TradeCaptureService({ journal, media, extractor: new RuleBasedExtractor() });
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Every file under the media folder, temporary ones included. */
  const mediaFiles = () => (fs.existsSync(path.join(dir, 'media')) ? fs.readdirSync(path.join(dir, 'media'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()) : []);
  const rows = async () => (await journal.read('alice', TARGET))?.length ?? 0;

  it('stores each file as it arrives and appends one row linking them', async () => {
    const captured = await service.logTradeStreamed('alice', TARGET, FIELDS, {
      files: filesOf(file('chart.png', 'image/png', pngBytes()), file('note.mp3', 'audio/mpeg', mp3Bytes(30))),
    });

    expect(captured.trade).toMatchObject({ ticker: 'AAPL', pnl: 185 });
    expect(decodeAttachmentCell(captured.trade.file_links).map((r) => r.mime_type)).toEqual(['image/png', 'audio/mpeg']);
    expect(Buffer.from((await media.get('alice', captured.attachments[1]!.id))!.data).equals(mp3Bytes(30))).toBe(true);
    expect(captured.attachments.map((a) => a.size)).toEqual([pngBytes().length, mp3Bytes(30).length]);
  });

  it('checks the fields before reading any file', async () => {
    const chart = file('chart.png', 'image/png', pngBytes());
    const read = jest.spyOn(chart.chunks as AsyncGenerator<Uint8Array>, 'next');

    await expect(service.logTradeStreamed('alice', TARGET, { ...FIELDS, pnl: 'lots' }, { files: filesOf(chart) })).rejects.toMatchObject({ code: 'TRADE.INVALID' });

    expect(read).not.toHaveBeenCalled();
  });

  it.each([
    ['a file that passes 15 MB', [file('chart.png', 'image/png', pngBytes()), file('huge.png', 'image/png', Buffer.concat([pngBytes(), Buffer.alloc(MAX_ATTACHMENT_BYTES)]))], 'ATTACHMENT.TOO_LARGE'],
    ['an eleventh file', Array.from({ length: 11 }, (_, i) => file(`c${i}.png`, 'image/png', Buffer.concat([pngBytes(), Buffer.from([i])]))), 'ATTACHMENT.TOO_MANY'],
    ['a PDF after a chart', [file('chart.png', 'image/png', pngBytes()), file('r.pdf', 'application/pdf', Buffer.from('%PDF-1.7'))], 'ATTACHMENT.UNSUPPORTED_TYPE'],
  ])('refuses %s, removing the files already stored and writing no row', async (_name, files, code) => {
    await expect(service.logTradeStreamed('alice', TARGET, FIELDS, { files: filesOf(...files) })).rejects.toMatchObject({ code });

    expect(mediaFiles()).toEqual([]);
    expect(await rows()).toBe(0);
  });

  it('writes nothing, and removes the stored files, when the transport says the request did not arrive whole', async () => {
    const attempt = service.logTradeStreamed('alice', TARGET, FIELDS, {
      files: filesOf(file('chart.png', 'image/png', pngBytes())),
      beforeWrite: async () => {
        throw new Error('the body was cut short');
      },
    });

    await expect(attempt).rejects.toThrow('the body was cut short');
    expect(mediaFiles()).toEqual([]);
    expect(await rows()).toBe(0);
  });

  it('hands streamed files, read whole, to the extractor of a narrative; asks for missing fields without storing them', async () => {
    const seen: ExtractionInput[] = [];
    const rules = new RuleBasedExtractor();
    const extractor: TradeExtractor = { name: 'spy', extract: (input) => (seen.push(input), rules.extract(input)) };
    const narrator = new TradeCaptureService({ journal, media, extractor });

    const created = await narrator.submitStreamed('alice', TARGET, { content: NARRATIVE, overrides: {}, attachments: { files: filesOf(file('chart.png', 'image/png', pngBytes())) } });
    const pending = await narrator.submitStreamed('bob', TARGET, { content: 'Bought some AAPL', overrides: {}, attachments: { files: filesOf(file('m.mp3', 'audio/mpeg', mp3Bytes())) } });

    expect(created).toMatchObject({ status: 'created', trade: { ticker: 'AAPL' } });
    expect(Buffer.from(seen[0]!.attachments![0]!.data).equals(pngBytes())).toBe(true);
    expect(pending.status).toBe('needs_more_info');
    expect(mediaFiles()).toHaveLength(1);
  });
});
