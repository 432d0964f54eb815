// The Gemini stand-in answers like Google on the wire: key checks, error bodies, the reply envelope, recorded calls.
import { GEMINI_STANDIN_API_KEY, type GeminiStandIn, geminiErrors, inOrder, startGeminiStandIn } from './gemini-standin';

let standIn: GeminiStandIn;

beforeAll(async () => {
  standIn = await startGeminiStandIn({ models: ['gemini-test'] });
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(() => {
  standIn.calls.splice(0);
  standIn.respond(() => ({ json: { ok: true } }));
});

const request = { contents: [{ role: 'user', parts: [{ text: 'hi' }, { inlineData: { mimeType: 'image/png', data: Buffer.from('12345').toString('base64') } }] }] };

async function post(model: string, init: { key?: string; query?: string; body?: unknown } = {}) {
  const response = await fetch(`${standIn.url}/v1beta/models/${model}:generateContent${init.query ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.key === undefined ? {} : { 'x-goog-api-key': init.key }) },
    body: JSON.stringify(init.body ?? request),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe('Gemini stand-in', () => {
  it('wraps a scripted answer in a GenerateContentResponse and records the call', async () => {
    const { status, body } = await post('gemini-test', { key: GEMINI_STANDIN_API_KEY });

    expect(status).toBe(200);
    expect(body).toMatchObject({
      candidates: [{ content: { role: 'model', parts: [{ text: '{"ok":true}' }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: expect.any(Number) },
    });
    expect(standIn.calls).toEqual([
      expect.objectContaining({ model: 'gemini-test', apiKeyVia: 'header', parts: [{ text: 'hi' }, { inlineData: { mimeType: 'image/png', bytes: 5 } }] }),
    ]);
  });

  it('accepts the key as the `key` query parameter too', async () => {
    const { status } = await post('gemini-test', { query: `?key=${GEMINI_STANDIN_API_KEY}` });

    expect(status).toBe(200);
    expect(standIn.calls[0]?.apiKeyVia).toBe('query');
  });

  it("refuses a wrong key with Google's INVALID_ARGUMENT body, and a missing one with PERMISSION_DENIED", async () => {
    const wrong = await post('gemini-test', { key: 'nope' });
    const missing = await post('gemini-test');

    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringMatching(/^API key not valid/) } });
    expect(missing.status).toBe(403);
    expect(standIn.calls).toHaveLength(0);
  });

  it('answers 404 NOT_FOUND for a model it does not serve', async () => {
    const { status, body } = await post('gemini-retired', { key: GEMINI_STANDIN_API_KEY });

    expect(status).toBe(404);
    expect(body).toMatchObject({ error: { code: 404, status: 'NOT_FOUND', message: expect.stringContaining('models/gemini-retired is not found') } });
  });

  it('plays scripted errors in order, with their headers', async () => {
    standIn.respond(inOrder(geminiErrors.rateLimited(7), geminiErrors.unavailable(), { text: 'done' }));

    const first = await post('gemini-test', { key: GEMINI_STANDIN_API_KEY });
    const second = await post('gemini-test', { key: GEMINI_STANDIN_API_KEY });
    const third = await post('gemini-test', { key: GEMINI_STANDIN_API_KEY });

    expect([first.status, second.status, third.status]).toEqual([429, 503, 200]);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(first.body).toMatchObject({ error: { status: 'RESOURCE_EXHAUSTED' } });
    expect(second.body).toMatchObject({ error: { status: 'UNAVAILABLE' } });
  });

  it('serves injected faults in order before the scripted replies: 429 with Retry-After, 500, a dropped connection', async () => {
    standIn.failNext(1, 429, { retryAfterSeconds: 2 });
    standIn.failNext(1, 500);
    standIn.failNext(1, 'drop');

    const limited = await post('gemini-test', { key: GEMINI_STANDIN_API_KEY });
    const failed = await post('gemini-test', { key: GEMINI_STANDIN_API_KEY });
    const dropped = await post('gemini-test', { key: GEMINI_STANDIN_API_KEY }).catch((error: Error) => error);
    const answered = await post('gemini-test', { key: GEMINI_STANDIN_API_KEY });

    expect([limited.status, failed.status, answered.status]).toEqual([429, 500, 200]);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(dropped).toMatchObject({ message: 'fetch failed' });
    expect(standIn.calls).toHaveLength(4);
  });

  it('ends an outage with failNext(0)', async () => {
    standIn.failNext(Infinity, 500);
    expect((await post('gemini-test', { key: GEMINI_STANDIN_API_KEY })).status).toBe(500);
    standIn.failNext(0, 500);
    expect((await post('gemini-test', { key: GEMINI_STANDIN_API_KEY })).status).toBe(200);
  });

  it('refuses a request without contents as Google does', async () => {
    const { status, body } = await post('gemini-test', { key: GEMINI_STANDIN_API_KEY, body: { contents: [] } });

    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } });
  });
});
