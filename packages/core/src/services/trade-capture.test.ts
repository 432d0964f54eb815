import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FsMediaStore } from '../adapters/local/fs-media-store';
import { RuleBasedExtractor } from '../adapters/local/rule-based-extractor';
import { openDatabase, type Database } from '../adapters/local/sqlite-database';
import { SqliteJournal } from '../adapters/local/sqlite-journal';
import { UpstreamError } from '../errors';
import { UNKNOWN_OUTCOME, type Journal } from '../ports/journal.port';
import type { ExtractionInput, TradeExtractor } from '../ports/trade-extractor.port';
import { mp3Bytes, pngBytes, toBase64 } from '../testing/media-samples';
import { TradeCaptureService } from './trade-capture';

const TARGET = { sheetId: 'journal-1', tab: 'Journal', timezone: 'UTC' };
const NARRATIVE = 'Bought 100 AAPL at 189.20 on 2026-03-02 at 09:41, sold 10:15 at 191.05. +$185';

describe('TradeCaptureService', () => {
  let dir: string;
  let db: Database;
  let media: FsMediaStore;
  let journal: SqliteJournal;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-capture-'));
    db = openDatabase(path.join(dir, 'pecunia.sqlite'));
    media = new FsMediaStore({ dir: path.join(dir, 'media'), db, linkFor: (id) => `http://localhost/api/media/${id}` });
    journal = new SqliteJournal(db);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const blobs = () => (fs.existsSync(path.join(dir, 'media')) ? fs.readdirSync(path.join(dir, 'media'), { recursive: true }).filter((f) => String(f).length > 2) : []);

  it('lists only the trades of the account asked for', async () => {
    const service = new TradeCaptureService({ journal, media, extractor: new RuleBasedExtractor() });
    const trade = (account: string | undefined, pnl: number) => ({
      ticker: 'ES',
      position_type: 'long',
      pnl,
      entry_timestamp: '2026-03-02T09:30:00Z',
      exit_timestamp: '2026-03-02T09:45:00Z',
      ...(account ? { account } : {}),
    });
    for (const [account, pnl] of [['U1', 10], ['U2', -5], [undefined, 3], ['U1', 0]] as const) await service.logTrade('alice', TARGET, trade(account, pnl));

    const page = await service.listTrades('alice', TARGET, { range: { timezone: 'UTC' }, account: 'U1' });

    expect(page.trades.map((t) => [t.account, t.pnl])).toEqual([
      ['U1', 10],
      ['U1', 0],
    ]);
  });

  it('reads one trade back by its id, to its owner only', async () => {
    const service = new TradeCaptureService({ journal, media, extractor: new RuleBasedExtractor() });
    const fields = { ticker: 'ES', position_type: 'long', pnl: 10, entry_timestamp: '2026-03-02T09:30:00Z', exit_timestamp: '2026-03-02T09:45:00Z' };
    await service.logTrade('alice', TARGET, { ...fields, pnl: 1 });
    const { trade } = await service.logTrade('alice', TARGET, fields);

    expect(await service.getTrade('alice', TARGET, trade.trade_id)).toEqual(trade);
    await expect(service.getTrade('alice', TARGET, 'no-such-trade')).rejects.toMatchObject({ code: 'TRADE.NOT_FOUND', status: 404 });
    await expect(service.getTrade('bob', TARGET, trade.trade_id)).rejects.toMatchObject({ code: 'SHEET.NOT_FOUND', status: 404 });
  });

  it('hands the attachments, decoded, to the extractor with the narrative', async () => {
    const seen: ExtractionInput[] = [];
    const rules = new RuleBasedExtractor();
    const extractor: TradeExtractor = { name: 'spy', extract: (input) => (seen.push(input), rules.extract(input)) };
    const service = new TradeCaptureService({ journal, media, extractor });

    const outcome = await service.submit('alice', TARGET, {
      content: NARRATIVE,
      overrides: {},
      attachments: [
        { filename: 'chart.png', mime_type: 'image/png', data: toBase64(pngBytes()) },
        { filename: 'memo.mp3', mime_type: 'audio/mpeg', data: toBase64(mp3Bytes()) },
      ],
    });

    expect(outcome.status).toBe('created');
    expect(seen[0]!.attachments).toEqual([
      { filename: 'chart.png', mime_type: 'image/png', data: expect.any(Uint8Array) },
      { filename: 'memo.mp3', mime_type: 'audio/mpeg', data: expect.any(Uint8Array) },
    ]);
    expect(Buffer.from(seen[0]!.attachments![0]!.data).equals(Buffer.from(pngBytes()))).toBe(true);
  });

  it('deletes the files it uploaded when the row cannot be written, and keeps files an earlier trade holds', async () => {
    const service = new TradeCaptureService({ journal, media, extractor: new RuleBasedExtractor() });
    const earlier = await service.logTrade('alice', TARGET, { ticker: 'MSFT', position_type: 'long', pnl: 10, entry_timestamp: '2026-03-01T10:00:00Z', exit_timestamp: '2026-03-01T11:00:00Z' }, [
      { filename: 'old.png', mime_type: 'image/png', data: toBase64(pngBytes()) },
    ]);
    const broken: Journal = { ...journal, name: 'broken', read: journal.read.bind(journal), ready: journal.ready.bind(journal), append: async () => Promise.reject(new Error('sheet unavailable')) };
    const failing = new TradeCaptureService({ journal: broken, media, extractor: new RuleBasedExtractor() });

    await expect(
      failing.submit('alice', TARGET, {
        content: NARRATIVE,
        overrides: {},
        attachments: [
          { filename: 'same-as-before.png', mime_type: 'image/png', data: toBase64(pngBytes()) },
          { filename: 'memo.mp3', mime_type: 'audio/mpeg', data: toBase64(mp3Bytes()) },
        ],
      }),
    ).rejects.toThrow('sheet unavailable');

    // The voice note this trade uploaded is gone; the chart an earlier trade links to stays.
    expect(blobs()).toHaveLength(1);
    expect((await media.get('alice', earlier.attachments[0]!.id))?.filename).toBe('old.png');
    expect(earlier.attachments[0]).not.toHaveProperty('created');
  });

  it('keeps the uploaded files when the journal cannot tell whether the row was written', async () => {
    const unsure: Journal = {
      name: 'unsure',
      read: journal.read.bind(journal),
      ready: journal.ready.bind(journal),
      append: async () => Promise.reject(new UpstreamError(UNKNOWN_OUTCOME, 'wrote it, maybe')),
    };
    const service = new TradeCaptureService({ journal: unsure, media, extractor: new RuleBasedExtractor() });

    await expect(
      service.submit('alice', TARGET, { content: NARRATIVE, overrides: {}, attachments: [{ filename: 'memo.mp3', mime_type: 'audio/mpeg', data: toBase64(mp3Bytes()) }] }),
    ).rejects.toMatchObject({ code: UNKNOWN_OUTCOME });

    // The row may link to it: the file stays.
    expect(blobs()).toHaveLength(1);
  });
});
