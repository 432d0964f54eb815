// Shared Gemini call: JSON out of `generateContent`, checked against a zod schema and repaired once, with model fallback and backoff.
import { ApiError, type Content, type GenerateContentConfig, type GenerateContentResponse, GoogleGenAI } from '@google/genai';
import { z } from 'zod';
import { UpstreamError } from '../../errors';
import { parseRetryAfter } from '../../domain/retry-after';
import { withUpstreamBackoff } from '../upstream-backoff';

export const DEFAULT_GEMINI_TIMEOUT_MS = 30_000;
export const DEFAULT_GEMINI_DEADLINE_MS = 90_000;
export const DEFAULT_GEMINI_RETRY: Required<GeminiRetryOptions> = { tries: 3, minDelayMs: 500, maxDelayMs: 8_000 };
/**
 * Media bytes sent inline in one request. Gemini refuses requests above 20 MB and base64 adds a third, so 15 MB of
 * bytes is what fits beside the prompt.
 */
export const MAX_INLINE_BYTES = 15 * 1024 * 1024;
/** Problems quoted back to the model in the repair call: enough to fix, short enough not to crowd out the task. */
const MAX_PROBLEMS = 20;

export interface GeminiRetryOptions {
  /** Attempts per model in all, the first included (default 3). */
  tries?: number;
  /** Wait before the second attempt; each later wait doubles (default 500 ms). */
  minDelayMs?: number;
  /** Longest single wait, and the longest `Retry-After` waited for: a longer one is passed up (default 8 s). */
  maxDelayMs?: number;
}

export interface GeminiClientOptions {
  apiKey: string;
  /** Ordered: the configured model first, then the fallbacks used when a model is unavailable (404). */
  models: readonly string[];
  /** Google's endpoint when unset; tests point it at a loopback stand-in. */
  baseUrl?: string;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /**
   * For a whole `generateJson`, retries and the repair call included (default 90 s): a request a trader waits on must
   * not hang for minutes while attempts time out one after another.
   */
  deadlineMs?: number;
  /** The SDK's fetch; jest needs the global one passed explicitly. */
  fetch?: typeof fetch;
  retry?: GeminiRetryOptions;
}

export type GeminiPart = { text: string } | { inlineData: { mimeType: string; data: string } };

export interface GeminiJsonRequest<T> {
  parts: readonly GeminiPart[];
  schema: z.ZodType<T>;
  system?: string;
}

/**
 * An answer that never validated is an expected outcome, not an exception: callers decide what is salvageable
 * (`reply` is the last answer, parsed when it was JSON).
 */
export type GeminiJsonResult<T> =
  | { ok: true; value: T; model: string }
  | { ok: false; problems: string[]; model: string; reply: unknown };

export const inlinePart = (mimeType: string, data: Uint8Array): GeminiPart => ({
  inlineData: { mimeType, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') },
});

/** A 404 for one model: the next one in the list is tried. Never leaves this module. */
class ModelUnavailable extends Error {}

export class GeminiClient {
  private readonly ai: GoogleGenAI;
  private readonly models: readonly string[];
  private readonly retry: Required<GeminiRetryOptions>;
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly apiKey: string;
  /** The model that answered last: later calls start there rather than walking past a retired model each time. */
  private preferred: string;

  constructor(options: GeminiClientOptions) {
    const first = options.models[0];
    if (first === undefined) throw new Error('GeminiClient needs at least one model name');
    this.models = [...options.models];
    this.preferred = first;
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_GEMINI_TIMEOUT_MS;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_GEMINI_DEADLINE_MS;
    this.retry = { ...DEFAULT_GEMINI_RETRY, ...options.retry };
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    // No `retryOptions`: the SDK then makes one attempt per call, and the backoff below stays the only retry loop.
    this.ai = new GoogleGenAI({
      apiKey: options.apiKey,
      httpOptions: {
        ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
        timeout: this.timeoutMs,
        fetch: this.fetchImpl,
      },
    });
  }

  /** The model later calls start with. */
  get currentModel(): string {
    return this.preferred;
  }

  /**
   * Asks for JSON matching `schema` (sent as the response schema), parses and validates it, and on failure asks once
   * more with the problems listed. Throws UpstreamError only when Gemini itself fails.
   */
  async generateJson<T>(request: GeminiJsonRequest<T>, validate?: (value: T) => string[]): Promise<GeminiJsonResult<T>> {
    const config: GenerateContentConfig = {
      responseMimeType: 'application/json',
      responseJsonSchema: geminiJsonSchema(request.schema),
      ...(request.system === undefined ? {} : { systemInstruction: request.system }),
    };
    const question: Content = { role: 'user', parts: [...request.parts] };
    const deadline = Date.now() + this.deadlineMs;
    const first = await this.generate([question], config, deadline);
    const firstCheck = checkReply(first.text, request.schema, validate);
    if (firstCheck.ok) return { ok: true, value: firstCheck.value, model: first.model };

    const repair: Content[] = [
      question,
      { role: 'model', parts: [{ text: first.text.trim() === '' ? '(no answer)' : first.text }] },
      { role: 'user', parts: [{ text: repairPrompt(firstCheck.problems) }] },
    ];
    const second = await this.generate(repair, config, deadline);
    const secondCheck = checkReply(second.text, request.schema, validate);
    if (secondCheck.ok) return { ok: true, value: secondCheck.value, model: second.model };
    return { ok: false, problems: secondCheck.problems, model: second.model, reply: secondCheck.reply };
  }

  private async generate(contents: Content[], config: GenerateContentConfig, deadline: number): Promise<{ text: string; model: string }> {
    const order = [this.preferred, ...this.models.filter((model) => model !== this.preferred)];
    let lastMissing = '';
    for (const model of order) {
      try {
        const text = await this.withBackoff(() => this.attempt(model, contents, config, deadline), deadline);
        this.preferred = model;
        return { text, model };
      } catch (error) {
        if (!(error instanceof ModelUnavailable)) throw error;
        lastMissing = error.message;
      }
    }
    // 502, not 503: asking again will not bring a retired model back; the configured names need changing.
    throw new UpstreamError('GEMINI.UNAVAILABLE', `None of the configured Gemini models is available (${order.join(', ')}); last: ${lastMissing}`, undefined, 502);
  }

  private async attempt(model: string, contents: Content[], config: GenerateContentConfig, deadline: number): Promise<string> {
    const left = deadline - Date.now();
    if (left <= 0) throw new UpstreamError('GEMINI.UNAVAILABLE', `Gemini did not answer within ${this.deadlineMs} ms in all`, undefined, 503);
    // The SDK's ApiError keeps the status but drops the headers: a per-call fetch keeps this call's Retry-After.
    let retryAfter: string | null = null;
    const capture: typeof fetch = async (input, init) => {
      const response = await this.fetchImpl(input, init);
      if (!response.ok) retryAfter = response.headers.get('retry-after');
      return response;
    };
    try {
      // Each attempt ends at its own timeout or at the overall deadline, whichever comes first.
      const abortSignal = AbortSignal.timeout(Math.min(this.timeoutMs, left));
      const response = await this.ai.models.generateContent({ model, contents, config: { ...config, abortSignal, httpOptions: { fetch: capture } } });
      return replyText(response);
    } catch (error) {
      throw this.toError(error, model, retryAfter);
    }
  }

  /** 429, 5xx, timeouts and network failures are tried again; a `Retry-After` longer than `maxDelayMs` is passed up. */
  private withBackoff<R>(operation: () => Promise<R>, deadline: number): Promise<R> {
    return withUpstreamBackoff(operation, { ...this.retry, retryable: ['GEMINI.RATE_LIMITED', 'GEMINI.UNAVAILABLE'], deadline });
  }

  private toError(error: unknown, model: string, retryAfterHeader: string | null): Error {
    const redact = (text: string) => (this.apiKey === '' ? text : text.split(this.apiKey).join('[redacted]'));
    if (error instanceof ApiError) {
      const google = googleErrorOf(error.message);
      const what = `${error.status}${google.status ? ` ${google.status}` : ''}`;
      const detail = redact(google.message ?? error.message).slice(0, 300);
      const cause = new Error(redact(error.message));
      if (error.status === 404) return new ModelUnavailable(`${model}: ${detail}`);
      if (error.status === 429) {
        const retryAfterMs = parseRetryAfter(retryAfterHeader) ?? google.retryDelayMs;
        return new UpstreamError('GEMINI.RATE_LIMITED', `Gemini rate limit reached for ${model} (${what}): ${detail}`, cause, 503, { retryAfterMs });
      }
      if (error.status === 408 || error.status >= 500) {
        const retryAfterMs = parseRetryAfter(retryAfterHeader);
        return new UpstreamError('GEMINI.UNAVAILABLE', `Gemini is unavailable for ${model} (${what}): ${detail}`, cause, 503, { retryAfterMs });
      }
      return new UpstreamError('GEMINI.REJECTED', `Gemini rejected the request to ${model} (${what}): ${detail}`, cause, 502);
    }
    if (isAbort(error)) {
      return new UpstreamError('GEMINI.UNAVAILABLE', `Gemini (${model}) did not answer within ${this.timeoutMs} ms`, undefined, 503);
    }
    const message = redact(error instanceof Error ? error.message : String(error));
    return new UpstreamError('GEMINI.UNAVAILABLE', `Gemini (${model}) could not be reached: ${message}`, new Error(message), 503);
  }
}

/**
 * The timeout fired. The SDK wraps what is not an `Error` in its realm (a DOMException under jest) into one whose
 * cause is the abort, so the cause is checked too.
 */
function isAbort(error: unknown): boolean {
  for (let current = error, depth = 0; current !== null && typeof current === 'object' && depth < 3; depth += 1) {
    const { name, cause } = current as { name?: unknown; cause?: unknown };
    if (name === 'AbortError' || name === 'TimeoutError') return true;
    current = cause;
  }
  return false;
}

/** The answer's text parts (thoughts left out); the SDK's `text` getter would warn on the console for other parts. */
function replyText(response: GenerateContentResponse): string {
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  return parts
    .filter((part) => typeof part.text === 'string' && part.thought !== true)
    .map((part) => part.text)
    .join('');
}

type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[]; reply: unknown };

function checkReply<T>(text: string, schema: z.ZodType<T>, validate?: (value: T) => string[]): Checked<T> {
  if (text.trim() === '') return { ok: false, problems: ['the answer was empty'], reply: undefined };
  let reply: unknown;
  try {
    // responseMimeType asks for bare JSON, but a fenced block costs nothing to accept.
    reply = JSON.parse(text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch (error) {
    return { ok: false, problems: [`the answer is not valid JSON (${(error as Error).message})`], reply: undefined };
  }
  const parsed = schema.safeParse(reply);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'the answer'}: ${issue.message}`);
    return { ok: false, problems: problems.slice(0, MAX_PROBLEMS), reply };
  }
  const problems = validate?.(parsed.data) ?? [];
  return problems.length === 0 ? { ok: true, value: parsed.data } : { ok: false, problems: problems.slice(0, MAX_PROBLEMS), reply };
}

function repairPrompt(problems: readonly string[]): string {
  return [
    'Your answer did not pass validation:',
    ...problems.map((problem) => `- ${problem}`),
    'Answer again with the complete corrected JSON, following the response schema. Use null where a value is unknown and allowed to be null.',
  ].join('\n');
}

function googleErrorOf(message: string): { message?: string; status?: string; retryDelayMs?: number } {
  try {
    const body = JSON.parse(message) as { error?: { message?: unknown; status?: unknown; details?: unknown } };
    const error = body.error ?? {};
    const details = Array.isArray(error.details) ? (error.details as Record<string, unknown>[]) : [];
    const retryInfo = details.find((detail) => detail['@type'] === 'type.googleapis.com/google.rpc.RetryInfo');
    const delay = typeof retryInfo?.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(retryInfo.retryDelay) : null;
    return {
      ...(typeof error.message === 'string' ? { message: error.message } : {}),
      ...(typeof error.status === 'string' ? { status: error.status } : {}),
      ...(delay?.[1] ? { retryDelayMs: Math.ceil(Number(delay[1]) * 1000) } : {}),
    };
  } catch {
    return {};
  }
}


// The subset of JSON Schema Gemini's `responseJsonSchema` documents. The rest (patterns, lengths, defaults) is left
// to the zod check: the model gets the shape, our validation keeps the rules.
const SUPPORTED_KEYWORDS = new Set([
  'type', 'properties', 'required', 'items', 'prefixItems', 'enum', 'anyOf', 'oneOf', 'description', 'title', 'format',
  'minimum', 'maximum', 'minItems', 'maxItems', 'additionalProperties',
]);
const schemaCache = new WeakMap<z.ZodType, unknown>();

/** The response schema sent for a zod schema: its input side, `$ref`s inlined, unsupported keywords dropped. */
export function geminiJsonSchema(schema: z.ZodType): unknown {
  const cached = schemaCache.get(schema);
  if (cached !== undefined) return cached;
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const defs = (json.$defs ?? {}) as Record<string, unknown>;
  const simplify = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(simplify);
    if (node === null || typeof node !== 'object') return node;
    const source = node as Record<string, unknown>;
    const ref = typeof source.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(source.$ref)?.[1] : undefined;
    // Our schemas have no cycles, so inlining terminates; the referenced node's own keywords come first.
    const merged = ref === undefined ? source : { ...(defs[ref] as Record<string, unknown>), ...source };
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(merged)) {
      if (!SUPPORTED_KEYWORDS.has(key)) continue;
      if (key === 'properties') {
        out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, child]) => [name, simplify(child)]));
      } else if (key === 'additionalProperties' && typeof value === 'boolean') {
        out[key] = value;
      } else {
        out[key] = simplify(value);
      }
    }
    return out;
  };
  const result = simplify(json);
  schemaCache.set(schema, result);
  return result;
}
