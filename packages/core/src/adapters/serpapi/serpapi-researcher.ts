// SerpAPI WebResearcher: Google's organic results for a query as research findings, with bounded retries and a timeout.
import { UpstreamError } from '../../errors';
import type { ResearchFinding, WebResearcher } from '../../ports/media-analysis.port';
import { parseRetryAfter } from '../../domain/retry-after';
import { withUpstreamBackoff } from '../upstream-backoff';

export const DEFAULT_SERPAPI_BASE_URL = 'https://serpapi.com';
export const DEFAULT_SERPAPI_TIMEOUT_MS = 15_000;
const DEFAULT_RETRY = { tries: 3, minDelayMs: 500, maxDelayMs: 8_000 };

export interface SerpApiResearcherOptions {
  apiKey: string;
  /** SerpAPI's own host when unset; tests point it at a loopback stand-in. */
  baseUrl?: string;
  /** Per attempt (default 15 s). */
  timeoutMs?: number;
  /** jest needs the global fetch passed explicitly. */
  fetch?: typeof fetch;
  /** Findings per query (default 5). */
  maxResults?: number;
  /** Attempts in all (default 3), first wait (500 ms), longest wait and longest `Retry-After` waited for (8 s). */
  retry?: { tries?: number; minDelayMs?: number; maxDelayMs?: number };
}

interface SearchReply {
  error?: unknown;
  organic_results?: { title?: unknown; link?: unknown; snippet?: unknown }[];
}

// SerpAPI answers 200 with this `error` when Google found nothing: an empty answer, not a failure.
const NO_RESULTS = /hasn't returned any results/i;

export class SerpApiResearcher implements WebResearcher {
  readonly name = 'serpapi';
  private readonly options: SerpApiResearcherOptions;
  private readonly retry: { tries: number; minDelayMs: number; maxDelayMs: number };

  constructor(options: SerpApiResearcherOptions) {
    this.options = options;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  async research(query: string): Promise<ResearchFinding[]> {
    const maxResults = this.options.maxResults ?? 5;
    const base = (this.options.baseUrl ?? DEFAULT_SERPAPI_BASE_URL).replace(/\/+$/, '');
    const url = new URL(`${base}/search.json`);
    url.search = new URLSearchParams({ engine: 'google', q: query, num: String(maxResults), api_key: this.options.apiKey }).toString();

    const reply = await this.withBackoff(() => this.search(url));
    if (typeof reply.error === 'string') {
      if (NO_RESULTS.test(reply.error)) return [];
      throw new UpstreamError('SERPAPI.REJECTED', `SerpAPI refused the search: ${this.redact(reply.error)}`);
    }
    return (reply.organic_results ?? [])
      .filter((result) => typeof result.title === 'string' && typeof result.link === 'string')
      .slice(0, maxResults)
      .map((result) => ({
        title: result.title as string,
        summary: typeof result.snippet === 'string' ? result.snippet : '',
        url: result.link as string,
      }));
  }

  private async search(url: URL): Promise<SearchReply> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_SERPAPI_TIMEOUT_MS;
    const fetchImpl = this.options.fetch ?? globalThis.fetch;
    let response: Response;
    let text: string;
    try {
      // The signal also bounds reading the body: a server that sends headers and then stalls still times out.
      response = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
      text = await response.text();
    } catch (error) {
      // By name, not class: the abort is a DOMException, which is not an `Error` of the jest realm.
      const name = error !== null && typeof error === 'object' ? (error as { name?: unknown }).name : undefined;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new UpstreamError('SERPAPI.UNAVAILABLE', `SerpAPI did not answer within ${timeoutMs} ms`, undefined, 503);
      }
      // Never the raw error as cause: fetch failures can carry the request URL, and with it the key.
      const message = this.redact(error instanceof Error ? error.message : String(error));
      throw new UpstreamError('SERPAPI.UNAVAILABLE', `SerpAPI could not be reached: ${message}`, new Error(message), 503);
    }
    const body = parseJson(text);
    if (response.ok) {
      if (body === undefined) throw new UpstreamError('SERPAPI.UNAVAILABLE', `SerpAPI answered ${response.status} without JSON`, undefined, 503);
      return body as SearchReply;
    }

    const said = body && typeof (body as SearchReply).error === 'string' ? `: ${this.redact((body as { error: string }).error)}` : '';
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      throw new UpstreamError('SERPAPI.RATE_LIMITED', `SerpAPI rate limit reached (429)${said}`, undefined, 503, { retryAfterMs });
    }
    if (response.status >= 500) {
      throw new UpstreamError('SERPAPI.UNAVAILABLE', `SerpAPI is unavailable (${response.status})${said}`, undefined, 503);
    }
    throw new UpstreamError('SERPAPI.REJECTED', `SerpAPI rejected the request (${response.status})${said}`);
  }

  private withBackoff<R>(operation: () => Promise<R>): Promise<R> {
    return withUpstreamBackoff(operation, { ...this.retry, retryable: ['SERPAPI.RATE_LIMITED', 'SERPAPI.UNAVAILABLE'] });
  }

  /** The key travels in the query string, so any text that might echo the URL is scrubbed of it. */
  private redact(text: string): string {
    const key = this.options.apiKey;
    return key === '' ? text : text.split(key).join('[redacted]').split(encodeURIComponent(key)).join('[redacted]');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

