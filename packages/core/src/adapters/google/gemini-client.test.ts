// The shared Gemini call against the loopback stand-in with the real SDK: schema sent, repair, fallback, backoff, timeout.
import { z } from 'zod';
import { reportSchema } from '../../domain/report';
import { UpstreamError } from '../../errors';
import { GEMINI_STANDIN_API_KEY, type GeminiStandIn, geminiErrors, inOrder, startGeminiStandIn } from '../../testing/gemini/gemini-standin';
import { GeminiClient, type GeminiClientOptions, geminiJsonSchema } from './gemini-client';

const answerSchema = z.object({ answer: z.string().min(1), confidence: z.number().min(0).max(1) });

let standIn: GeminiStandIn;

beforeAll(async () => {
  standIn = await startGeminiStandIn({ models: ['gemini-main', 'gemini-backup'] });
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(() => {
  standIn.calls.splice(0);
});

const client = (options: Partial<GeminiClientOptions> = {}) =>
  new GeminiClient({
    apiKey: GEMINI_STANDIN_API_KEY,
    models: ['gemini-main'],
    baseUrl: standIn.url,
    fetch,
    timeoutMs: 2_000,
    retry: { tries: 3, minDelayMs: 5, maxDelayMs: 2_000 },
    ...options,
  });

const ask = (gemini: GeminiClient, validate?: (value: z.infer<typeof answerSchema>) => string[]) =>
  gemini.generateJson({ parts: [{ text: 'What is it?' }], schema: answerSchema, system: 'Answer in JSON.' }, validate);

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(error)}`);
  return error;
}

describe('GeminiClient.generateJson', () => {
  it('asks for JSON with the response schema derived from zod and returns the validated value', async () => {
    standIn.respond(() => ({ json: { answer: 'a chart', confidence: 0.9 } }));

    const result = await ask(client());

    expect(result).toEqual({ ok: true, value: { answer: 'a chart', confidence: 0.9 }, model: 'gemini-main' });
    expect(standIn.calls).toHaveLength(1);
    expect(standIn.calls[0]).toMatchObject({
      model: 'gemini-main',
      apiKeyVia: 'header',
      systemInstruction: 'Answer in JSON.',
      parts: [{ text: 'What is it?' }],
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: {
          type: 'object',
          properties: { answer: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
          required: ['answer', 'confidence'],
        },
      },
    });
  });

  it('repairs once: the second call carries the first answer and the problems found', async () => {
    standIn.respond(inOrder({ json: { answer: '', confidence: 3 } }, { json: { answer: 'a chart', confidence: 0.5 } }));

    const result = await ask(client());

    expect(result).toEqual({ ok: true, value: { answer: 'a chart', confidence: 0.5 }, model: 'gemini-main' });
    expect(standIn.calls).toHaveLength(2);
    const repair = standIn.calls[1]?.turns ?? [];
    expect(repair.map((turn) => turn.role)).toEqual(['user', 'model', 'user']);
    expect(repair[1]?.parts).toEqual([{ text: '{"answer":"","confidence":3}' }]);
    expect(repair[2]?.parts[0]?.text).toMatch(/answer: .*\n- confidence: /s);
  });

  it('runs the caller’s own check too, and returns the problems as a value when the repair fails as well', async () => {
    standIn.respond(() => ({ json: { answer: 'forty-two', confidence: 0.5 } }));

    const result = await ask(client(), (value) => (value.answer.includes('forty') ? ['answer must not be a number'] : []));

    expect(result).toEqual({
      ok: false,
      problems: ['answer must not be a number'],
      model: 'gemini-main',
      reply: { answer: 'forty-two', confidence: 0.5 },
    });
    expect(standIn.calls).toHaveLength(2);
    expect(standIn.calls[1]?.turns[2]?.parts[0]?.text).toContain('- answer must not be a number');
  });

  it('treats text that is not JSON as a problem to repair', async () => {
    standIn.respond(inOrder({ text: 'Sure! It is a chart.' }, { text: '```json\n{"answer":"a chart","confidence":1}\n```' }));

    const result = await ask(client());

    expect(result).toMatchObject({ ok: true, value: { answer: 'a chart', confidence: 1 } });
    expect(standIn.calls[1]?.turns[2]?.parts[0]?.text).toContain('not valid JSON');
  });
});

describe('GeminiClient model fallback', () => {
  it('moves to the next model on 404 and starts with the one that worked next time', async () => {
    standIn.respond(() => ({ json: { answer: 'ok', confidence: 1 } }));
    const gemini = client({ models: ['gemini-retired', 'gemini-backup'] });

    const first = await ask(gemini);
    const second = await ask(gemini);

    expect(first).toMatchObject({ ok: true, model: 'gemini-backup' });
    expect(second).toMatchObject({ ok: true, model: 'gemini-backup' });
    expect(standIn.calls.map((call) => call.model)).toEqual(['gemini-retired', 'gemini-backup', 'gemini-backup']);
    expect(gemini.currentModel).toBe('gemini-backup');
  });

  it('fails as GEMINI.UNAVAILABLE when no configured model exists, without retrying a 404', async () => {
    const error = await failure(ask(client({ models: ['gemini-old', 'gemini-older'] })));

    expect(error.code).toBe('GEMINI.UNAVAILABLE');
    expect(error.message).toContain('gemini-old, gemini-older');
    expect(standIn.calls.map((call) => call.model)).toEqual(['gemini-old', 'gemini-older']);
  });
});

describe('GeminiClient backoff', () => {
  it('waits out a 429’s Retry-After, then succeeds', async () => {
    standIn.respond(inOrder(geminiErrors.rateLimited(1), { json: { answer: 'ok', confidence: 1 } }));
    const started = Date.now();

    const result = await ask(client());

    expect(result).toMatchObject({ ok: true });
    expect(standIn.calls).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('honours the RetryInfo delay Gemini puts in the error body', async () => {
    standIn.respond(inOrder(geminiErrors.rateLimitedWithRetryInfo('0.3s'), { json: { answer: 'ok', confidence: 1 } }));
    const started = Date.now();

    const result = await ask(client());

    expect(result).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('passes a Retry-After longer than it may wait up as GEMINI.RATE_LIMITED, after one call', async () => {
    standIn.respond(() => geminiErrors.rateLimited(60));

    const error = await failure(ask(client()));

    expect(error).toMatchObject({ code: 'GEMINI.RATE_LIMITED', status: 503, retryAfterMs: 60_000 });
    expect(standIn.calls).toHaveLength(1);
  });

  it('gives up on 503 after the bounded number of tries', async () => {
    standIn.respond(() => geminiErrors.unavailable());

    const error = await failure(ask(client({ retry: { tries: 3, minDelayMs: 5, maxDelayMs: 20 } })));

    expect(error.code).toBe('GEMINI.UNAVAILABLE');
    expect(error.message).toContain('503 UNAVAILABLE');
    expect(standIn.calls).toHaveLength(3);
  });

  it('does not retry a rejected key, and never puts the key in the error', async () => {
    const secret = 'AIza-not-the-right-key-123';

    const error = await failure(ask(client({ apiKey: secret })));

    expect(error.code).toBe('GEMINI.REJECTED');
    expect(error.message).toContain('API key not valid');
    expect(JSON.stringify({ message: error.message, stack: error.stack, cause: String(error.cause) })).not.toContain(secret);
    expect(standIn.calls).toHaveLength(0);
  });

  it('times out a call that never answers', async () => {
    standIn.respond(() => ({ hang: true }));

    const error = await failure(ask(client({ timeoutMs: 150, retry: { tries: 2, minDelayMs: 5, maxDelayMs: 20 } })));

    expect(error.code).toBe('GEMINI.UNAVAILABLE');
    expect(error.message).toContain('did not answer within 150 ms');
    expect(standIn.calls).toHaveLength(2);
  });

  it('gives up at the overall deadline, however many tries and models are left', async () => {
    standIn.respond(() => ({ hang: true }));

    const error = await failure(ask(client({ timeoutMs: 150, deadlineMs: 200, retry: { tries: 5, minDelayMs: 5, maxDelayMs: 20 } })));

    expect(error.code).toBe('GEMINI.UNAVAILABLE');
    // Five tries of 150 ms would need 750 ms; the deadline stops after the second.
    expect(standIn.calls.length).toBeLessThanOrEqual(2);
  });
});

describe('geminiJsonSchema', () => {
  it('inlines named schemas and keeps only the keywords Gemini documents', () => {
    const schema = geminiJsonSchema(reportSchema) as Record<string, unknown>;

    expect(schema.type).toBe('object');
    expect(JSON.stringify(schema)).not.toMatch(/\$ref|\$defs|\$schema|minLength/);
    expect(schema).toMatchObject({
      required: ['performance_overview', 'behavioural_patterns', 'opportunities', 'action_plan'],
      properties: { action_plan: { type: 'array', items: { type: 'object', required: ['title', 'detail'] } } },
    });
  });
});
