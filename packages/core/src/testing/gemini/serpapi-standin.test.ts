// The SerpAPI stand-in answers like SerpAPI on the wire: the search reply, its key check and its errors.
import { SERPAPI_STANDIN_API_KEY, type SerpApiStandIn, serpApiErrors, startSerpApiStandIn } from './serpapi-standin';

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

async function search(params: Record<string, string>) {
  const response = await fetch(`${standIn.url}/search.json?${new URLSearchParams(params).toString()}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('SerpAPI stand-in', () => {
  it('answers a Google search with numbered organic results and records it without the key', async () => {
    standIn.respond(({ query }) => ({ results: [{ title: `About ${query}`, link: 'https://example.com/a', snippet: 'A snippet.' }] }));

    const { status, body } = await search({ engine: 'google', q: 'AAPL news', api_key: SERPAPI_STANDIN_API_KEY });

    expect(status).toBe(200);
    expect(body).toMatchObject({
      search_metadata: { status: 'Success' },
      organic_results: [{ position: 1, title: 'About AAPL news', link: 'https://example.com/a', snippet: 'A snippet.' }],
    });
    expect(standIn.calls).toEqual([{ query: 'AAPL news', params: { engine: 'google', q: 'AAPL news' } }]);
  });

  it('says when Google found nothing the way SerpAPI does: 200 with an error text', async () => {
    standIn.respond(() => ({ results: [] }));

    const { status, body } = await search({ engine: 'google', q: 'zzz', api_key: SERPAPI_STANDIN_API_KEY });

    expect(status).toBe(200);
    expect(body.error).toMatch(/hasn't returned any results/);
    expect(body.organic_results).toBeUndefined();
  });

  it('refuses a bad key with 401 and a missing query with 400', async () => {
    const badKey = await search({ engine: 'google', q: 'x', api_key: 'nope' });
    const noQuery = await search({ engine: 'google', api_key: SERPAPI_STANDIN_API_KEY });

    expect(badKey).toEqual({ status: 401, body: { error: expect.stringMatching(/^Invalid API key/) } });
    expect(noQuery.status).toBe(400);
  });

  it('plays scripted errors', async () => {
    standIn.respond(() => serpApiErrors.rateLimited());

    const { status, body } = await search({ engine: 'google', q: 'x', api_key: SERPAPI_STANDIN_API_KEY });

    expect(status).toBe(429);
    expect(body.error).toEqual(expect.any(String));
  });
});
