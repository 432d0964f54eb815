// GeminiTranscriber with the real SDK against the stand-in: the recording goes inline, the answer maps to the port's fields.
import { GEMINI_STANDIN_API_KEY, type GeminiStandIn, inOrder, startGeminiStandIn } from '../../testing/gemini/gemini-standin';
import { mp3Bytes } from '../../testing/media-samples';
import { GeminiTranscriber } from './gemini-transcriber';

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

const transcriber = () =>
  new GeminiTranscriber({ apiKey: GEMINI_STANDIN_API_KEY, models: ['gemini-test'], baseUrl: standIn.url, fetch, retry: { tries: 1 } });

const voiceNote = () => ({ file_id: 'drive-file-1', mime_type: 'audio/mpeg', data: mp3Bytes() });

const answer = {
  transcript: 'I chased the open again. Stopped out, annoyed.',
  summary: 'The trader chased the open and was stopped out.',
  sentiment: 'negative',
  highlights: ['I chased the open again'],
};

describe('GeminiTranscriber', () => {
  it('returns transcript, summary, sentiment and highlights for the file', async () => {
    standIn.respond(() => ({ json: answer }));
    const item = voiceNote();

    const transcript = await transcriber().transcribe(item);

    expect(transcript).toEqual({ file_id: 'drive-file-1', ...answer });
    expect(standIn.calls[0]?.parts).toEqual([{ text: 'Voice note:' }, { inlineData: { mimeType: 'audio/mpeg', bytes: item.data.byteLength } }]);
    expect(standIn.calls[0]?.generationConfig.responseJsonSchema).toMatchObject({
      properties: { sentiment: { enum: ['positive', 'neutral', 'negative', 'mixed'] } },
      required: ['transcript', 'summary', 'sentiment', 'highlights'],
    });
  });

  it('repairs a sentiment outside the list', async () => {
    standIn.respond(inOrder({ json: { ...answer, sentiment: 'furious' } }, { json: answer }));

    const transcript = await transcriber().transcribe(voiceNote());

    expect(transcript.sentiment).toBe('negative');
    expect(standIn.calls).toHaveLength(2);
  });

  it('throws GEMINI.INVALID_REPLY when the repair fails too, so the workflow warns for this file', async () => {
    standIn.respond(() => ({ json: { ...answer, summary: '' } }));

    const error = await transcriber().transcribe(voiceNote()).catch((reason: unknown) => reason);

    expect(error).toMatchObject({ code: 'GEMINI.INVALID_REPLY', message: expect.stringContaining('drive-file-1') });
  });
});
