// GeminiImageAnalyst with the real SDK against the stand-in: batching, matching answers by file id, omitted images.
import { GEMINI_STANDIN_API_KEY, type GeminiRequest, type GeminiStandIn, geminiErrors, startGeminiStandIn } from '../../testing/gemini/gemini-standin';
import { pngBytes } from '../../testing/media-samples';
import type { MediaItem } from '../../ports/media-analysis.port';
import { batches, GeminiImageAnalyst, type GeminiImageAnalystOptions } from './gemini-image-analyst';

let standIn: GeminiStandIn;

beforeAll(async () => {
  standIn = await startGeminiStandIn({ models: ['gemini-vision'] });
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(() => {
  standIn.calls.splice(0);
});

const analyst = (options: Partial<GeminiImageAnalystOptions> = {}) =>
  new GeminiImageAnalyst({ apiKey: GEMINI_STANDIN_API_KEY, models: ['gemini-vision'], baseUrl: standIn.url, fetch, retry: { tries: 1 }, ...options });

const image = (n: number, bytes?: number): MediaItem => ({
  file_id: `img-${n}`,
  mime_type: 'image/png',
  data: bytes === undefined ? pngBytes() : new Uint8Array(bytes),
});

/** The file ids the request labelled, in order: the analyst writes `file_id: "…"` before each image. */
const idsIn = (request: GeminiRequest): string[] =>
  (request.body.contents?.[0]?.parts ?? []).flatMap((part) => /^file_id: "(.+)"$/.exec(part.text ?? '')?.slice(1) ?? []);

const analysisOf = (fileId: string) => ({ file_id: fileId, summary: `Chart ${fileId}`, risks: ['stop under support'], opportunities: [] });

describe('GeminiImageAnalyst', () => {
  it('sends 10 images in two calls of at most 6 and returns one analysis per image, in order', async () => {
    standIn.respond((request) => ({ json: idsIn(request).reverse().map(analysisOf) }));
    const items = Array.from({ length: 10 }, (_, i) => image(i + 1));

    const analyses = await analyst().analyse(items);

    expect(standIn.calls.map((call) => call.parts.filter((part) => part.inlineData).length)).toEqual([6, 4]);
    expect(analyses.map((analysis) => analysis.file_id)).toEqual(items.map((item) => item.file_id));
    expect(analyses[0]).toEqual({ file_id: 'img-1', summary: 'Chart img-1', risks: ['stop under support'], opportunities: [] });
  });

  it('leaves out an image the model did not answer for', async () => {
    standIn.respond((request) => ({ json: idsIn(request).filter((id) => id !== 'img-2').map(analysisOf) }));

    const analyses = await analyst().analyse([image(1), image(2), image(3)]);

    expect(analyses.map((analysis) => analysis.file_id)).toEqual(['img-1', 'img-3']);
  });

  it('repairs an answer that names an image it was not sent', async () => {
    let calls = 0;
    standIn.respond((request) => {
      calls += 1;
      return { json: calls === 1 ? [analysisOf('img-99')] : idsIn(request).map(analysisOf) };
    });

    const analyses = await analyst().analyse([image(1)]);

    expect(analyses.map((analysis) => analysis.file_id)).toEqual(['img-1']);
    expect(standIn.calls[1]?.turns[2]?.parts[0]?.text).toContain('file_id "img-99" is not one of the images sent');
  });

  it('splits by bytes as well as by count', async () => {
    standIn.respond((request) => ({ json: idsIn(request).map(analysisOf) }));

    await analyst({ maxBytesPerCall: 1_000 }).analyse([image(1, 600), image(2, 600), image(3, 300)]);

    expect(standIn.calls.map((call) => call.parts.filter((part) => part.inlineData).map((part) => part.inlineData?.bytes))).toEqual([[600], [600, 300]]);
  });

  it('throws when every batch fails, so the reason reaches the warnings', async () => {
    standIn.respond(() => geminiErrors.unavailable());

    const error = await analyst().analyse([image(1)]).catch((reason: unknown) => reason);

    expect(error).toMatchObject({ code: 'GEMINI.UNAVAILABLE' });
  });

  it('keeps the analyses of the batches that worked when one batch fails', async () => {
    standIn.respond((request) => (idsIn(request).includes('img-1') ? geminiErrors.invalidArgument('image could not be read') : { json: idsIn(request).map(analysisOf) }));
    const items = Array.from({ length: 8 }, (_, i) => image(i + 1));

    const analyses = await analyst().analyse(items);

    // The first batch (img-1…img-6) failed; the second (img-7, img-8) stands.
    expect(analyses.map((analysis) => analysis.file_id)).toEqual(['img-7', 'img-8']);
  });
});

describe('batches', () => {
  it('puts an image larger than the byte limit in a call of its own', () => {
    const groups = batches([image(1, 10), image(2, 50), image(3, 10)], 6, 20);

    expect(groups.map((group) => group.map((item) => item.file_id))).toEqual([['img-1'], ['img-2'], ['img-3']]);
  });
});
