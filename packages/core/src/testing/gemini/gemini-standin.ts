// Loopback stand-in for Gemini's `generateContent`: Google's request and reply shapes and error bodies, replies scripted per test.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const GEMINI_STANDIN_API_KEY = 'test-gemini-key';

/** A part as the stand-in saw it: text as sent, inline data as its type and decoded size (bytes are not kept). */
export interface GeminiPartSummary {
  text?: string;
  inlineData?: { mimeType: string; bytes: number };
}

export interface GeminiCall {
  model: string;
  /** Where the key came from: the SDK sends the `x-goog-api-key` header, curl users often `?key=`. */
  apiKeyVia: 'header' | 'query';
  /** Every part of every turn, in order. */
  parts: GeminiPartSummary[];
  turns: { role: string; parts: GeminiPartSummary[] }[];
  systemInstruction?: string;
  generationConfig: Record<string, unknown>;
}

/**
 * A scripted reply: the model's text (wrapped into a real `GenerateContentResponse`), JSON to send as that text, an
 * HTTP error with Google's body, or no answer at all (for timeouts).
 */
export type GeminiReply = { text: string; finishReason?: string } | { json: unknown } | GeminiErrorReply | { hang: true };

export interface GeminiErrorReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface GeminiRequest {
  model: string;
  /** The request body as sent (inline data still base64). */
  body: GeminiRequestBody;
  /** 0 for the first call the stand-in received. */
  index: number;
}

export type GeminiHandler = (request: GeminiRequest) => GeminiReply;

interface RawPart {
  text?: string;
  inlineData?: { mimeType?: string; data?: string };
}

export interface GeminiRequestBody {
  contents?: { role?: string; parts?: RawPart[] }[];
  systemInstruction?: { parts?: RawPart[] };
  generationConfig?: Record<string, unknown>;
}

/**
 * A failure served instead of the scripted reply: `429` (with `Retry-After`), `500`, `slow` (the reply, after
 * `delayMs`: beyond the client's timeout when one is configured), `drop` (the socket destroyed, no answer).
 */
export type GeminiFaultKind = 429 | 500 | 503 | 'slow' | 'drop';

export interface GeminiFaultOptions {
  /** `Retry-After` of a 429, in seconds; default 0. */
  retryAfterSeconds?: number;
  /** How long `slow` holds the reply; default 1,000 ms. */
  delayMs?: number;
}

export interface GeminiStandIn {
  /** Base URL to give the SDK as `httpOptions.baseUrl`. */
  url: string;
  readonly calls: GeminiCall[];
  respond(handler: GeminiHandler): void;
  /** The next `times` calls (recorded in `calls` like any other) fail with `kind`; `Infinity` for an outage, `0` ends every pending fault. */
  failNext(times: number, kind: GeminiFaultKind, options?: GeminiFaultOptions): void;
  close(): Promise<void>;
}

const googleError = (code: number, status: string, message: string, details?: unknown[]) => ({
  error: { code, message, status, ...(details ? { details } : {}) },
});

/** Google's own error replies, for scripting. */
export const geminiErrors = {
  notFound: (model: string): GeminiErrorReply => ({
    status: 404,
    body: googleError(
      404,
      'NOT_FOUND',
      `models/${model} is not found for API version v1beta, or is not supported for generateContent. ` +
        'Call ListModels to see the list of available models and their supported methods.',
    ),
  }),
  rateLimited: (retryAfterSeconds?: number): GeminiErrorReply => ({
    status: 429,
    headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    body: googleError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.'),
  }),
  /** A 429 that says when to come back the way Gemini does: a `RetryInfo` detail rather than a header. */
  rateLimitedWithRetryInfo: (retryDelay: string): GeminiErrorReply => ({
    status: 429,
    body: googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
    ]),
  }),
  unavailable: (): GeminiErrorReply => ({
    status: 503,
    body: googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'),
  }),
  invalidArgument: (message: string): GeminiErrorReply => ({ status: 400, body: googleError(400, 'INVALID_ARGUMENT', message) }),
};

/** A handler that answers each call with the next reply, repeating the last one once the list is used up. */
export function inOrder(...replies: GeminiReply[]): GeminiHandler {
  let next = 0;
  return () => {
    const reply = replies[Math.min(next, replies.length - 1)];
    next += 1;
    if (!reply) throw new Error('inOrder needs at least one reply');
    return reply;
  };
}

const summarize = (parts: RawPart[] | undefined): GeminiPartSummary[] =>
  (parts ?? []).map((part) =>
    part.inlineData
      ? { inlineData: { mimeType: part.inlineData.mimeType ?? '', bytes: Buffer.from(part.inlineData.data ?? '', 'base64').byteLength } }
      : { text: part.text ?? '' },
  );

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

function modelReply(model: string, text: string, finishReason = 'STOP') {
  const promptTokenCount = 100;
  const candidatesTokenCount = Math.max(1, Math.ceil(text.length / 4));
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason, index: 0 }],
    usageMetadata: { promptTokenCount, candidatesTokenCount, totalTokenCount: promptTokenCount + candidatesTokenCount },
    modelVersion: model,
    responseId: `standin-${Date.now().toString(36)}`,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const ROUTE = /^\/v1beta\/models\/([^/:]+):generateContent$/;

/**
 * Starts the stand-in on a free loopback port. `models`, when given, are the only ones it serves: any other answers
 * 404 NOT_FOUND before the handler runs, as Google does for a retired model.
 */
export async function startGeminiStandIn(options: { apiKey?: string; models?: readonly string[] } = {}): Promise<GeminiStandIn> {
  const apiKey = options.apiKey ?? GEMINI_STANDIN_API_KEY;
  const calls: GeminiCall[] = [];
  let handler: GeminiHandler = () => ({ status: 500, body: googleError(500, 'INTERNAL', 'The stand-in has no reply scripted for this call.') });
  const faults: { left: number; kind: GeminiFaultKind; options: GeminiFaultOptions }[] = [];
  const takeFault = () => {
    const fault = faults[0];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) faults.shift();
    return fault;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = ROUTE.exec(url.pathname);
      if (req.method !== 'POST' || !route) {
        sendJson(res, 404, googleError(404, 'NOT_FOUND', `Method not found: ${req.method} ${url.pathname}`));
        return;
      }
      const headerKey = req.headers['x-goog-api-key'];
      const queryKey = url.searchParams.get('key');
      const key = typeof headerKey === 'string' ? headerKey : queryKey;
      if (key === null) {
        sendJson(res, 403, googleError(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."));
        return;
      }
      if (key !== apiKey) {
        sendJson(res, 400, googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
        ]));
        return;
      }
      let body: GeminiRequestBody;
      try {
        body = JSON.parse(await readBody(req)) as GeminiRequestBody;
      } catch {
        sendJson(res, 400, googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'));
        return;
      }
      if (!Array.isArray(body.contents) || body.contents.length === 0) {
        sendJson(res, 400, googleError(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents: contents is not specified'));
        return;
      }
      const model = decodeURIComponent(route[1] ?? '');
      const turns = body.contents.map((turn) => ({ role: turn.role ?? 'user', parts: summarize(turn.parts) }));
      const system = body.systemInstruction?.parts?.map((part) => part.text ?? '').join('\n');
      calls.push({
        model,
        apiKeyVia: typeof headerKey === 'string' ? 'header' : 'query',
        parts: turns.flatMap((turn) => turn.parts),
        turns,
        ...(system === undefined ? {} : { systemInstruction: system }),
        generationConfig: body.generationConfig ?? {},
      });
      if (options.models && !options.models.includes(model)) {
        sendJson(res, 404, geminiErrors.notFound(model).body);
        return;
      }
      const fault = takeFault();
      if (fault?.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 429) {
        const { status, body: errorBody, headers } = geminiErrors.rateLimited(fault.options.retryAfterSeconds ?? 0);
        sendJson(res, status, errorBody, headers);
        return;
      }
      if (fault?.kind === 500 || fault?.kind === 503) {
        sendJson(res, fault.kind, fault.kind === 500 ? googleError(500, 'INTERNAL', 'An internal error has occurred.') : geminiErrors.unavailable().body);
        return;
      }
      if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.options.delayMs ?? 1_000));
      if (res.destroyed) return;
      const reply = handler({ model, body, index: calls.length - 1 });
      if ('hang' in reply) return;
      if ('status' in reply) sendJson(res, reply.status, reply.body ?? googleError(reply.status, 'UNKNOWN', 'error'), reply.headers);
      else if ('json' in reply) sendJson(res, 200, modelReply(model, JSON.stringify(reply.json)));
      else sendJson(res, 200, modelReply(model, reply.text, reply.finishReason));
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, googleError(500, 'INTERNAL', String(error)));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    respond(next) {
      handler = next;
    },
    failNext(times, kind, faultOptions = {}) {
      if (times <= 0) faults.length = 0;
      else faults.push({ left: times, kind, options: faultOptions });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Hanging replies keep their sockets open; close them so the test process can exit.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
