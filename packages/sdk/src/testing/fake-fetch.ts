// Test helper: a fetch that records each request and answers from a script, so tests need no server and no mocks.

export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
  /** The body as sent, for binary ones (a multipart form with files). */
  bytes: Uint8Array;
}

export type Answer = Response | Error | ((request: Request) => Response | Promise<Response>);

export interface FakeFetch {
  (request: Request): Promise<Response>;
  seen: SeenRequest[];
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

export const problem = (status: number, code: string, detail: string, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify({ type: 'about:blank', title: 'Error', status, code, detail, request_id: 'req-1' }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });

/** Answers requests in order; the last answer repeats once the script runs out. */
export function fakeFetch(...answers: Answer[]): FakeFetch {
  const seen: SeenRequest[] = [];
  const fn = async (request: Request): Promise<Response> => {
    const bytes = new Uint8Array(await request.arrayBuffer());
    seen.push({ method: request.method, url: new URL(request.url), headers: new Headers(request.headers), body: new TextDecoder().decode(bytes), bytes });
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)];
    if (answer === undefined) throw new Error('fakeFetch: no answer scripted');
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer(request) : answer.clone();
  };
  return Object.assign(fn, { seen });
}

/** A sleep that records what it was asked to wait and returns at once. */
export function fakeSleep(): ((ms: number, signal?: AbortSignal) => Promise<void>) & { waits: number[] } {
  const waits: number[] = [];
  const fn = async (ms: number, signal?: AbortSignal) => {
    waits.push(ms);
    if (signal?.aborted) throw signal.reason;
  };
  return Object.assign(fn, { waits });
}

/** An analysis job as the API returns it, for scripted answers. */
export const jobBody = (status: string, stage: string, progress: number, extra: Record<string, unknown> = {}) => ({
  job_id: 'job-1',
  status,
  stage,
  progress,
  created_at: '2026-03-02T10:00:00.000Z',
  updated_at: '2026-03-02T10:00:01.000Z',
  request: { sheet_id: 'journal', sheet_range: 'Journal!A1', prompt: 'why?', timezone: 'UTC' },
  ...extra,
});
