import { DateTime } from 'luxon';
import { encodeAttachmentCell } from '../../domain/attachment-links';
import { formatTimestamp } from '../../domain/timestamps';
import type { StoredTrade } from '../../domain/trade';
import { NotFoundError } from '../../errors';
import type { AnalysisJob } from '../../ports/job-store.port';
import type { ImageAnalyst, AudioTranscriber, WebResearcher } from '../../ports/media-analysis.port';
import type { MediaContent, MediaStore, MediaUpload, PutMedia, StoredMedia } from '../../ports/media-store.port';
import { mp3Bytes, pngBytes } from '../../testing/media-samples';
import { runAnalysisWorkflow } from './build-workflow';
import type { AnalysisWorkflowDeps } from './deps';
import { analysisResultSchema, type AnalysisResult } from '../../domain/analysis-result';
import { seededRandom, shuffle } from '../../testing/make-trade';
import { appendTrades, createJob, generateTrades, openFixture, OWNER, type AnalysisFixture } from '../../testing/workflow-fixture';

const ZONE = 'America/New_York';
const FAST_RETRY = { minDelayMs: 1, maxDelayMs: 2 };

/** Media store double: the first `failures` reads of each file throw, as a flaky network would. */
class FlakyMediaStore implements MediaStore {
  readonly name = 'flaky';
  readonly reads = new Map<string, number>();

  constructor(
    private readonly inner: MediaStore,
    private readonly failures: number,
  ) {}

  put(owner: string, upload: MediaUpload): Promise<PutMedia> {
    return this.inner.put(owner, upload);
  }

  delete(owner: string, id: string): Promise<void> {
    return this.inner.delete(owner, id);
  }

  async get(owner: string, id: string): Promise<MediaContent | null> {
    const n = (this.reads.get(id) ?? 0) + 1;
    this.reads.set(id, n);
    if (n <= this.failures) throw new Error(`connection reset (read ${n})`);
    return this.inner.get(owner, id);
  }

  ready(): Promise<void> {
    return this.inner.ready();
  }
}

const imageAnalyst: ImageAnalyst = {
  name: 'test-vision',
  analyse: async (items) =>
    items.map((item) => ({ file_id: item.file_id, summary: `chart of ${item.data.byteLength} bytes (${item.mime_type})`, risks: ['stop under support'] })),
};
const transcriber: AudioTranscriber = {
  name: 'test-speech',
  transcribe: async (item) => ({
    file_id: item.file_id,
    summary: 'trader says the entry was rushed',
    transcript: 'I rushed it.',
    sentiment: 'negative',
    highlights: ['rushed entry'],
  }),
};
const researcher: WebResearcher = {
  name: 'test-search',
  research: async (query) => [{ title: `Context: ${query}`, summary: 'quiet market', url: `https://example.test/${encodeURIComponent(query)}` }],
};

/** Independent of the metrics engine: a plain loop over the trades in exit order. */
function handComputed(trades: readonly StoredTrade[]) {
  const ordered = [...trades].sort(
    (a, b) => DateTime.fromISO(a.exit_timestamp).toMillis() - DateTime.fromISO(b.exit_timestamp).toMillis(),
  );
  let cents = 0;
  let peak = 0;
  let maxDrawdown = 0;
  let wins = 0;
  let losses = 0;
  for (const trade of ordered) {
    cents += Math.round(trade.pnl * 100);
    if (trade.pnl > 0) wins++;
    else if (trade.pnl < 0) losses++;
    peak = Math.max(peak, cents);
    maxDrawdown = Math.max(maxDrawdown, peak - cents);
  }
  return {
    net_pnl: cents / 100,
    win_count: wins,
    loss_count: losses,
    breakeven_count: trades.length - wins - losses,
    win_rate: trades.length === 0 ? 0 : wins / trades.length,
    max_drawdown: maxDrawdown / 100,
  };
}

const localDay = (timestamp: string) => DateTime.fromISO(timestamp, { setZone: true }).setZone(ZONE).toISODate();

describe('analysis workflow', () => {
  let fx: AnalysisFixture;
  const deps = (extra: Partial<AnalysisWorkflowDeps> = {}): AnalysisWorkflowDeps => ({
    jobs: fx.jobs,
    journal: fx.journal,
    media: fx.media,
    coach: fx.coach,
    mediaRetry: FAST_RETRY,
    ...extra,
  });
  const run = async (job: AnalysisJob, extra: Partial<AnalysisWorkflowDeps> = {}) => {
    await fx.jobs.start(job.job_id);
    return runAnalysisWorkflow(deps(extra), job);
  };
  const stored = async (job: AnalysisJob) => {
    const after = await fx.jobs.getById(job.job_id);
    return { job: after!, result: after!.result as AnalysisResult };
  };

  beforeEach(() => {
    fx = openFixture();
  });
  afterEach(() => fx.close());

  it('analyses 200 journal trades end to end: metrics match a hand computation, stages recorded in order', async () => {
    const trades = generateTrades(200, { timezone: ZONE, firstDay: '2026-01-05', seed: 7 });
    // Appended out of order: the analysis must not depend on the order rows were written in.
    const shuffled = shuffle(trades, seededRandom(3));
    await appendTrades(fx.journal, shuffled);
    const job = await createJob(fx.jobs, { timezone: ZONE });
    const progress = jest.spyOn(fx.jobs, 'progress');

    const outcome = await run(job);

    expect(outcome.status).toBe('completed');
    const { job: done, result } = await stored(job);
    expect(done.status).toBe('completed');
    expect(done.progress).toBe(1);
    expect(result.trade_count).toBe(200);
    const expected = handComputed(trades);
    expect(result.metrics).toMatchObject({
      trade_count: 200,
      win_count: expected.win_count,
      loss_count: expected.loss_count,
      breakeven_count: expected.breakeven_count,
    });
    expect(expected.breakeven_count).toBeGreaterThan(0);
    expect(result.metrics.net_pnl).toBeCloseTo(expected.net_pnl, 2);
    expect(result.metrics.win_rate).toBeCloseTo(expected.win_rate, 4);
    expect(result.metrics.max_drawdown).toBeCloseTo(expected.max_drawdown, 2);
    expect(result.period).toEqual({ timezone: ZONE });
    expect(typeof result.report_markdown).toBe('string');
    expect(result.report_markdown.length).toBeGreaterThan(0);
    expect(result.report).toBeDefined();
    expect(Array.isArray(result.patterns)).toBe(true);
    // The stored result is exactly what the workflow returned.
    expect(outcome.status === 'completed' && outcome.result).toEqual(result);

    const calls = progress.mock.calls.map(([, stage, value]) => ({ stage, value }));
    expect(calls.slice(0, 3).map((c) => c.stage)).toEqual(['load_journal', 'compute_metrics', 'collect_media']);
    expect(new Set(calls.slice(3, 6).map((c) => c.stage))).toEqual(new Set(['transcribe_audio', 'analyse_images', 'web_research']));
    expect(calls.slice(6).map((c) => c.stage)).toEqual(['synthesize', 'persist']);
    calls.slice(1).forEach((call, i) => expect(call.value).toBeGreaterThan(calls[i]!.value));
    expect(calls.at(-1)!.value).toBeLessThan(1);
  });

  it('skips every unconfigured step with its reason, never faking its output', async () => {
    await appendTrades(fx.journal, generateTrades(10, { timezone: ZONE, firstDay: '2026-02-02' }));
    const job = await createJob(fx.jobs, { timezone: ZONE });

    await run(job, { skipReasons: { transcribe_audio: 'no Gemini key configured', analyse_images: 'no Gemini key configured' } });

    const { result } = await stored(job);
    expect(result.skipped_steps).toEqual([
      { step: 'collect_media', reason: expect.stringMatching(/no audio transcriber or image analyst/) },
      { step: 'transcribe_audio', reason: 'no Gemini key configured' },
      { step: 'analyse_images', reason: 'no Gemini key configured' },
      { step: 'web_research', reason: expect.stringMatching(/no web researcher/) },
    ]);
    expect(result.audio_insights).toEqual([]);
    expect(result.image_insights).toEqual([]);
    expect(result.external_research).toEqual([]);
  });

  it('runs configured media services and research in parallel and hands their findings to the report', async () => {
    const image = await fx.media.put(OWNER, { filename: 'chart.png', mimeType: 'image/png', data: pngBytes() });
    const audio = await fx.media.put(OWNER, { filename: 'memo.mp3', mimeType: 'audio/mpeg', data: mp3Bytes() });
    const [first, second, ...rest] = generateTrades(6, { timezone: ZONE, firstDay: '2026-02-02' });
    const ref = (m: StoredMedia) => ({ file_id: m.id, mime_type: m.mimeType, link: m.link });
    await appendTrades(fx.journal, [
      { ...first!, file_links: encodeAttachmentCell([ref(image)]) },
      { ...second!, file_links: encodeAttachmentCell([ref(audio), ref(image)]) },
      ...rest,
    ]);
    const job = await createJob(fx.jobs, { timezone: ZONE });

    await run(job, { imageAnalyst, transcriber, researcher });

    const { result } = await stored(job);
    expect(result.skipped_steps).toEqual([]);
    expect(result.warnings).toEqual([]);
    // One insight per file, attributed to the most recent trade that carries it.
    expect(result.image_insights).toEqual([
      { file_id: image.id, trade_id: second!.trade_id, link: image.link, summary: expect.stringContaining('image/png'), risks: ['stop under support'] },
    ]);
    expect(result.audio_insights).toEqual([
      {
        file_id: audio.id,
        trade_id: second!.trade_id,
        link: audio.link,
        summary: 'trader says the entry was rushed',
        transcript: 'I rushed it.',
        sentiment: 'negative',
        highlights: ['rushed entry'],
      },
    ]);
    expect(result.external_research.length).toBeGreaterThan(0);
    expect(result.external_research[0]!.title).toMatch(/^Context: \S+ market news/);
    // What is stored is what the API documents: the schema the document is generated from accepts it as it is.
    expect(analysisResultSchema.parse(result)).toEqual(result);
  });

  it('filters by exit date, both ends inclusive, in the job timezone rather than UTC', async () => {
    const base = generateTrades(1, { timezone: ZONE, firstDay: '2026-03-01' })[0]!;
    const trade = (id: string, exitLocal: string, pnl: number): StoredTrade => {
      const exit = DateTime.fromISO(exitLocal, { zone: ZONE });
      return { ...base, trade_id: id, pnl, entry_timestamp: formatTimestamp(exit.minus({ minutes: 10 })), exit_timestamp: formatTimestamp(exit) };
    };
    const trades = [
      // 23:50 in New York on Feb 28 is already March 1 in UTC: outside.
      trade('before', '2026-02-28T23:50:00', 1000),
      trade('first-day', '2026-03-01T00:15:00', 10.5),
      // 23:30 in New York on March 31 is April 1 in UTC: inside.
      trade('last-day', '2026-03-31T23:30:00', -4.25),
      trade('after', '2026-04-01T00:05:00', 2000),
    ];
    expect(trades.map((t) => localDay(t.exit_timestamp))).toEqual(['2026-02-28', '2026-03-01', '2026-03-31', '2026-04-01']);
    expect(DateTime.fromISO(trades[0]!.exit_timestamp, { zone: 'UTC' }).toISODate()).toBe('2026-03-01');
    await appendTrades(fx.journal, trades);
    const job = await createJob(fx.jobs, { timezone: ZONE, start_date: '2026-03-01', end_date: '2026-03-31' });

    await run(job);

    const { result } = await stored(job);
    expect(result.trade_count).toBe(2);
    expect(result.metrics.net_pnl).toBeCloseTo(6.25, 2);
    expect(result.period).toEqual({ start_date: '2026-03-01', end_date: '2026-03-31', timezone: ZONE });
  });

  it('filters the 200-trade journal like a hand filter on local exit dates', async () => {
    const trades = generateTrades(200, { timezone: ZONE, firstDay: '2026-01-05', seed: 11 });
    await appendTrades(fx.journal, trades);
    const job = await createJob(fx.jobs, { timezone: ZONE, start_date: '2026-02-01', end_date: '2026-02-28' });

    await run(job);

    const inRange = trades.filter((t) => localDay(t.exit_timestamp)! >= '2026-02-01' && localDay(t.exit_timestamp)! <= '2026-02-28');
    const { result } = await stored(job);
    expect(inRange.length).toBeGreaterThan(0);
    expect(result.trade_count).toBe(inRange.length);
    expect(result.metrics.net_pnl).toBeCloseTo(handComputed(inRange).net_pnl, 2);
  });

  it('analyses only the account asked for, and breaks the metrics down by account', async () => {
    const trades = generateTrades(30, { timezone: ZONE, firstDay: '2026-02-02', seed: 5 }).map((t, i) => ({ ...t, account: i % 3 === 0 ? 'IRA' : 'MARGIN' }));
    await appendTrades(fx.journal, trades);
    const all = await createJob(fx.jobs, { timezone: ZONE });
    const ira = await createJob(fx.jobs, { timezone: ZONE, account: 'IRA' });

    await run(all);
    await run(ira);

    const iraTrades = trades.filter((t) => t.account === 'IRA');
    const { result: whole } = await stored(all);
    const { job: iraJob, result: iraResult } = await stored(ira);
    expect(iraJob.request.account).toBe('IRA');
    expect(iraResult.trade_count).toBe(iraTrades.length);
    expect(iraResult.metrics.net_pnl).toBeCloseTo(handComputed(iraTrades).net_pnl, 2);
    expect(whole.metrics.by_account.map((row) => [row.key, row.trade_count])).toEqual([
      ['MARGIN', 20],
      ['IRA', 10],
    ]);
  });

  it('completes an empty range with a "no trades in range" report instead of failing', async () => {
    await appendTrades(fx.journal, generateTrades(20, { timezone: ZONE, firstDay: '2026-01-05' }));
    const job = await createJob(fx.jobs, { timezone: ZONE, start_date: '2030-01-01', end_date: '2030-01-31' });

    const outcome = await run(job, { researcher });

    expect(outcome.status).toBe('completed');
    const { job: done, result } = await stored(job);
    expect(done.status).toBe('completed');
    expect(result.trade_count).toBe(0);
    expect(result.metrics.trade_count).toBe(0);
    expect(result.report.performance_overview.summary).toMatch(/^No trades in range/);
    expect(result.report_markdown).toContain('No trades in range');
    expect(result.skipped_steps).toContainEqual({ step: 'web_research', reason: 'no trades in range to research' });
  });

  it('fails with SHEET.NOT_FOUND when the journal does not exist', async () => {
    const job = await createJob(fx.jobs, { sheet_id: 'no-such-sheet' });

    const failure = run(job);

    await expect(failure).rejects.toBeInstanceOf(NotFoundError);
    await expect(failure).rejects.toMatchObject({ code: 'SHEET.NOT_FOUND' });
    expect((await fx.jobs.getById(job.job_id))!.status).toBe('running');
  });

  describe('media fetch', () => {
    const tradeWithImage = async () => {
      const image = await fx.media.put(OWNER, { filename: 'chart.png', mimeType: 'image/png', data: pngBytes() });
      const [trade] = generateTrades(1, { timezone: ZONE, firstDay: '2026-02-02' });
      await appendTrades(fx.journal, [{ ...trade!, file_links: encodeAttachmentCell([{ file_id: image.id, mime_type: 'image/png', link: image.link }]) }]);
      return image;
    };

    it('retries a transient failure and then uses the file', async () => {
      const image = await tradeWithImage();
      const flaky = new FlakyMediaStore(fx.media, 2);
      const job = await createJob(fx.jobs, { timezone: ZONE });

      await run(job, { media: flaky, imageAnalyst });

      const { result } = await stored(job);
      expect(flaky.reads.get(image.id)).toBe(3);
      expect(result.image_insights).toHaveLength(1);
      expect(result.warnings).toEqual([]);
    });

    it('gives up after 3 tries, records why, and still completes the report', async () => {
      const image = await tradeWithImage();
      const broken = new FlakyMediaStore(fx.media, Number.POSITIVE_INFINITY);
      const job = await createJob(fx.jobs, { timezone: ZONE });

      await run(job, { media: broken, imageAnalyst });

      const { job: done, result } = await stored(job);
      expect(broken.reads.get(image.id)).toBe(3);
      expect(done.status).toBe('completed');
      expect(result.image_insights).toEqual([]);
      expect(result.warnings).toEqual([
        expect.objectContaining({ step: 'collect_media', file_id: image.id, message: expect.stringMatching(/after 3 tries: connection reset/) }),
      ]);
    });

    it('does not download attachments nobody would read', async () => {
      const image = await tradeWithImage();
      const counting = new FlakyMediaStore(fx.media, 0);
      const job = await createJob(fx.jobs, { timezone: ZONE });

      await run(job, { media: counting, transcriber });

      expect(counting.reads.has(image.id)).toBe(false);
    });
  });
});
