// SerpApiResearcher against the SerpAPI stand-in: results mapped to findings, errors without the key, bounded retries.
import { UpstreamError } from '../../errors';
import { SERPAPI_STANDIN_API_KEY, type SerpApiStandIn, serpApiErrors, startSerpApiStandIn } from '../../testing/gemini/serpapi-standin';
import { SerpApiResearcher, type SerpApiResearcherOptions } from './serpapi-researcher';

let standIn: SerpApiStandIn;

beforeAll(async () => {
  standIn = await startSerpApiStandIn();
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(() => {
  standIn.calls.splice(0);
});

const researcher = (options: Partial<SerpApiResearcherOptions> = {}) =>
  new SerpApiResearcher({
    apiKey: SERPAPI_STANDIN_API_KEY,
    baseUrl: standIn.url,
    fetch,
    timeoutMs: 2_000,
    retry: { tries: 3, minDelayMs: 5, maxDelayMs: 2_000 },
    ...options,
  });

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(error)}`);
  return error;
}

const QUERY = 'TSLA market news and price action from 2026-03-02 to 2026-03-27';

describe('SerpApiResearcher', () => {
  it('is named serpapi', () => {
    expect(researcher().name).toBe('serpapi');
  });

  it('searches Google through SerpAPI and maps organic results to findings, at most maxResults', async () => {
    standIn.respond(() => ({
      results: [
        { title: 'Tesla slides on delivery miss', link: 'https://news.example/tsla-1', snippet: 'Shares fell after deliveries…' },
        { title: 'No snippet here', link: 'https://news.example/tsla-2' },
        { title: 'Third', link: 'https://news.example/tsla-3', snippet: 'Cut by maxResults.' },
      ],
    }));

    const findings = await researcher({ maxResults: 2 }).research(QUERY);

    expect(findings).toEqual([
      { title: 'Tesla slides on delivery miss', summary: 'Shares fell after deliveries…', url: 'https://news.example/tsla-1' },
      { title: 'No snippet here', summary: '', url: 'https://news.example/tsla-2' },
    ]);
    expect(standIn.calls).toEqual([{ query: QUERY, params: { engine: 'google', q: QUERY, num: '2' } }]);
  });

  it('returns no findings when Google found nothing', async () => {
    standIn.respond(() => ({ results: [] }));

    expect(await researcher().research(QUERY)).toEqual([]);
  });

  it('fails with SERPAPI.REJECTED on a bad key, once, and never puts the key in the error', async () => {
    const secret = 'serp-secret-key-0123456789';

    const error = await failure(researcher({ apiKey: secret }).research(QUERY));

    expect(error.code).toBe('SERPAPI.REJECTED');
    expect(error.message).toContain('Invalid API key');
    expect(JSON.stringify({ message: error.message, stack: error.stack, cause: String(error.cause) })).not.toContain(secret);
  });

  it('retries a 429 after its Retry-After, then returns the results', async () => {
    let calls = 0;
    standIn.respond(() => {
      calls += 1;
      return calls === 1 ? serpApiErrors.rateLimited(1) : { results: [{ title: 'Back', link: 'https://news.example/back', snippet: 'ok' }] };
    });
    const started = Date.now();

    const findings = await researcher().research(QUERY);

    expect(findings).toEqual([{ title: 'Back', summary: 'ok', url: 'https://news.example/back' }]);
    expect(standIn.calls).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up on 5xx after the bounded number of tries', async () => {
    standIn.respond(() => serpApiErrors.serverError());

    const error = await failure(researcher({ retry: { tries: 2, minDelayMs: 5, maxDelayMs: 20 } }).research(QUERY));

    expect(error).toMatchObject({ code: 'SERPAPI.UNAVAILABLE', status: 503 });
    expect(standIn.calls).toHaveLength(2);
  });

  it('times out a search that never answers', async () => {
    standIn.respond(() => ({ hang: true }));

    const error = await failure(researcher({ timeoutMs: 100, retry: { tries: 1 } }).research(QUERY));

    expect(error.code).toBe('SERPAPI.UNAVAILABLE');
    expect(error.message).toBe('SerpAPI did not answer within 100 ms');
  });
});
