// GeminiExtractor with the real SDK against the stand-in: media sent inline, schema sent, answers checked, repaired, salvaged.
import { UpstreamError } from '../../errors';
import { GEMINI_STANDIN_API_KEY, type GeminiStandIn, geminiErrors, inOrder, startGeminiStandIn } from '../../testing/gemini/gemini-standin';
import { mp3Bytes, pngBytes } from '../../testing/media-samples';
import type { ExtractionAttachment } from '../../ports/trade-extractor.port';
import { GeminiExtractor } from './gemini-extractor';

// A Friday afternoon in New York (EDT, UTC-4): "today" is 2026-03-20 there.
const NOW = new Date('2026-03-20T19:00:00Z');
const ZONE = 'America/New_York';
const NARRATIVE = 'Shorted $tsla this morning at 09:41, covered 10:15 for +240. Chart and voice note attached.';

const completeAnswer = {
  ticker: '$tsla',
  position_type: 'Short',
  pnl: 240,
  entry_timestamp: '2026-03-20T09:41',
  exit_timestamp: '2026-03-20T10:15',
  quantity: 10,
  entry_price: 182.5,
  exit_price: 158.5,
  stop_loss: null,
  tags: ['breakdown'],
  notes: null,
};

let standIn: GeminiStandIn;

beforeAll(async () => {
  standIn = await startGeminiStandIn({ models: ['gemini-test'] });
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(() => {
  standIn.calls.splice(0);
});

const extractor = () =>
  new GeminiExtractor({
    apiKey: GEMINI_STANDIN_API_KEY,
    models: ['gemini-test'],
    baseUrl: standIn.url,
    fetch,
    timeoutMs: 2_000,
    retry: { tries: 2, minDelayMs: 5, maxDelayMs: 50 },
  });

const attachment = (filename: string, mime_type: string, data: Uint8Array): ExtractionAttachment => ({ filename, mime_type, data });

const extract = (attachments: ExtractionAttachment[] = []) =>
  extractor().extract({ content: NARRATIVE, attachments, timezone: ZONE, now: NOW });

describe('GeminiExtractor', () => {
  it('sends the narrative with the chart and voice note inline, under the trade response schema', async () => {
    standIn.respond(() => ({ json: completeAnswer }));
    const chart = pngBytes();
    const voice = mp3Bytes();

    const result = await extract([attachment('chart.png', 'image/png', chart), attachment('note.mp3', 'audio/mpeg', voice)]);

    expect(result).toEqual({
      fields: {
        ticker: 'TSLA',
        position_type: 'short',
        pnl: 240,
        entry_timestamp: '2026-03-20T09:41',
        exit_timestamp: '2026-03-20T10:15',
        quantity: 10,
        entry_price: 182.5,
        exit_price: 158.5,
        tags: ['breakdown'],
      },
      missing: [],
      source: 'gemini:gemini-test',
    });
    const [call] = standIn.calls;
    expect(call?.parts).toEqual([
      { text: `Journal entry:\n${NARRATIVE}` },
      { text: 'Attachment "chart.png" (image/png):' },
      { inlineData: { mimeType: 'image/png', bytes: chart.byteLength } },
      { text: 'Attachment "note.mp3" (audio/mpeg):' },
      { inlineData: { mimeType: 'audio/mpeg', bytes: voice.byteLength } },
    ]);
    expect(call?.systemInstruction).toContain('time zone is America/New_York. It is now 2026-03-20, Friday 15:00');
    expect(call?.generationConfig).toMatchObject({
      responseMimeType: 'application/json',
      responseJsonSchema: {
        type: 'object',
        properties: {
          ticker: { type: ['string', 'null'] },
          position_type: { anyOf: expect.arrayContaining([expect.objectContaining({ enum: ['long', 'short'] })]) },
          entry_timestamp: { description: expect.stringContaining('without offset') },
        },
      },
    });
  });

  it('reports what the model left null as missing', async () => {
    standIn.respond(() => ({ json: { ...completeAnswer, pnl: null, exit_timestamp: null } }));

    const result = await extract();

    expect(result.missing).toEqual(['pnl', 'exit_timestamp']);
    expect(result.fields).not.toHaveProperty('pnl');
  });

  it('repairs an answer whose times carry an offset, and keeps the repaired fields', async () => {
    standIn.respond(inOrder({ json: { ...completeAnswer, entry_timestamp: '2026-03-20T13:41:00Z' } }, { json: completeAnswer }));

    const result = await extract();

    expect(result.fields.entry_timestamp).toBe('2026-03-20T09:41');
    expect(result.missing).toEqual([]);
    expect(standIn.calls).toHaveLength(2);
    expect(standIn.calls[1]?.turns[2]?.parts[0]?.text).toContain('entry_timestamp: "2026-03-20T13:41:00Z" must be a local date-time without offset');
  });

  it('keeps the fields that pass their own rule when the repair fails too, and lists the rest as missing', async () => {
    const invalid = {
      ...completeAnswer,
      position_type: 'sideways',
      pnl: 'a lot',
      entry_timestamp: '2026-03-20T10:15',
      exit_timestamp: '2026-03-20T09:41',
      stop_loss: -5,
    };
    standIn.respond(() => ({ json: invalid }));

    const result = await extract();

    expect(result).toEqual({
      fields: { ticker: 'TSLA', quantity: 10, entry_price: 182.5, exit_price: 158.5, tags: ['breakdown'] },
      missing: ['position_type', 'pnl', 'entry_timestamp', 'exit_timestamp'],
      source: 'gemini:gemini-test',
    });
    expect(standIn.calls).toHaveLength(2);
  });

  it('refuses a local time that does not exist in the zone (skipped by the clock change)', async () => {
    standIn.respond(() => ({ json: { ...completeAnswer, entry_timestamp: '2026-03-08T02:30', exit_timestamp: '2026-03-08T03:30' } }));

    const result = await extract();

    expect(result.missing).toEqual(['entry_timestamp']);
    expect(result.fields.exit_timestamp).toBe('2026-03-08T03:30');
  });

  it('leaves out a video past the inline budget but still reads the rest', async () => {
    standIn.respond(() => ({ json: completeAnswer }));
    const video = new Uint8Array(15 * 1024 * 1024 + 1);

    await extract([attachment('screen.mp4', 'video/mp4', video), attachment('chart.png', 'image/png', pngBytes())]);

    const inline = standIn.calls[0]?.parts.filter((part) => part.inlineData).map((part) => part.inlineData?.mimeType);
    expect(inline).toEqual(['image/png']);
  });

  it('throws the UpstreamError when Gemini itself is down, so the API answers 503', async () => {
    standIn.respond(() => geminiErrors.unavailable());

    const error = await extract().catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: 'GEMINI.UNAVAILABLE', status: 503 });
  });
});
