// Loopback stand-in for SerpAPI's Google search (`GET /search.json`): its reply and error shapes, results scripted per query.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SERPAPI_STANDIN_API_KEY = 'test-serpapi-key';

export interface SerpApiResult {
  title: string;
  link: string;
  snippet?: string;
}

export interface SerpApiCall {
  query: string;
  /** Every query parameter except `api_key`, which is checked and never recorded. */
  params: Record<string, string>;
}

/** Scripted reply: organic results (wrapped into SerpAPI's full reply), an HTTP error, or no answer (for timeouts). */
export type SerpApiReply = { results: SerpApiResult[] } | SerpApiErrorReply | { hang: true };

export interface SerpApiErrorReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type SerpApiHandler = (request: { query: string; params: Record<string, string>; index: number }) => SerpApiReply;

export interface SerpApiStandIn {
  /** Base URL for the researcher's `baseUrl`. */
  url: string;
  readonly calls: SerpApiCall[];
  respond(handler: SerpApiHandler): void;
  close(): Promise<void>;
}

/** SerpAPI's own error replies, for scripting. */
export const serpApiErrors = {
  rateLimited: (retryAfterSeconds?: number): SerpApiErrorReply => ({
    status: 429,
    headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    body: { error: 'Your account has run out of searches.' },
  }),
  serverError: (): SerpApiErrorReply => ({ status: 500, body: { error: 'Something went wrong on our end. Please try again.' } }),
};

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function searchReply(params: Record<string, string>, results: readonly SerpApiResult[]) {
  const id = `standin${Date.now().toString(16)}`;
  const now = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const base = {
    search_metadata: { id, status: 'Success', json_endpoint: `https://serpapi.com/searches/${id}.json`, created_at: now, processed_at: now, total_time_taken: 0.42 },
    search_parameters: { engine: params.engine, q: params.q, google_domain: 'google.com', device: 'desktop' },
  };
  // With nothing found SerpAPI still answers 200, with an `error` beside the metadata instead of results.
  if (results.length === 0) return { ...base, error: "Google hasn't returned any results for this query." };
  return {
    ...base,
    search_information: { organic_results_state: 'Results for exact spelling', total_results: results.length },
    organic_results: results.map((result, index) => ({
      position: index + 1,
      title: result.title,
      link: result.link,
      displayed_link: result.link.replace(/^https?:\/\//, ''),
      ...(result.snippet === undefined ? {} : { snippet: result.snippet }),
    })),
  };
}

export async function startSerpApiStandIn(options: { apiKey?: string } = {}): Promise<SerpApiStandIn> {
  const apiKey = options.apiKey ?? SERPAPI_STANDIN_API_KEY;
  const calls: SerpApiCall[] = [];
  let handler: SerpApiHandler = () => ({ results: [] });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== '/search.json') {
      sendJson(res, 404, { error: 'Not found.' });
      return;
    }
    const params = Object.fromEntries(url.searchParams);
    const key = params.api_key;
    delete params.api_key;
    if (key !== apiKey) {
      sendJson(res, 401, { error: 'Invalid API key. Your API key should be here: https://serpapi.com/manage-api-key' });
      return;
    }
    if (params.engine !== 'google') {
      sendJson(res, 400, { error: `Unsupported \`${params.engine ?? ''}\` search engine.` });
      return;
    }
    const query = params.q ?? '';
    if (query.trim() === '') {
      sendJson(res, 400, { error: 'Missing query `q` parameter.' });
      return;
    }
    calls.push({ query, params });
    const reply = handler({ query, params, index: calls.length - 1 });
    if ('hang' in reply) return;
    if ('status' in reply) sendJson(res, reply.status, reply.body ?? { error: 'error' }, reply.headers);
    else sendJson(res, 200, searchReply(params, reply.results));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    respond(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
