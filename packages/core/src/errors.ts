// Error classes of the core: each carries a stable `code` that survives HTTP and queues where `instanceof` does not.

export type ErrorDetails = Record<string, unknown>;

/** Base of every expected failure raised by the core. `status` is the HTTP status an API maps it to. */
export class PecuniaError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: ErrorDetails | undefined;

  constructor(code: string, message: string, options: { status?: number; details?: ErrorDetails; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PecuniaError';
    this.code = code;
    this.status = options.status ?? 400;
    this.details = options.details;
  }
}

/** Input that breaks a domain rule (bad field, bad range, bad attachment). */
export class ValidationError extends PecuniaError {
  constructor(code: string, message: string, details?: ErrorDetails, cause?: unknown) {
    super(code, message, { status: 400, details, cause });
    this.name = 'ValidationError';
  }
}

export class AttachmentError extends PecuniaError {
  constructor(code: string, message: string, details?: ErrorDetails, status = 400) {
    super(code, message, { status, details });
    this.name = 'AttachmentError';
  }
}

export class NotFoundError extends PecuniaError {
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(code, message, { status: 404, details });
    this.name = 'NotFoundError';
  }
}

/** The caller is not (or no longer) allowed: a missing key, a Google connection to renew. */
export class UnauthorizedError extends PecuniaError {
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(code, message, { status: 401, details });
    this.name = 'UnauthorizedError';
  }
}

export class ConflictError extends PecuniaError {
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(code, message, { status: 409, details });
    this.name = 'ConflictError';
  }
}

/** A downstream service (Drive, Sheets, Gemini, SQS…) failed; the request may be retried. */
export class UpstreamError extends PecuniaError {
  /** How long the service asked us to wait before trying again (its `Retry-After`), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, cause?: unknown, status = 502, options: { retryAfterMs?: number } = {}) {
    super(code, message, { status, cause });
    this.name = 'UpstreamError';
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The caller has used up a quota (jobs waiting, requests per minute): `429`, to be tried again after `retryAfterSeconds`. */
export class TooManyRequestsError extends PecuniaError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
    details?: ErrorDetails,
  ) {
    super(code, message, { status: 429, details });
    this.name = 'TooManyRequestsError';
  }
}

/** The configuration cannot work: every problem at once, one per line, so a person fixes them in one go. */
export class ConfigError extends PecuniaError {
  constructor(
    readonly problems: readonly string[],
    heading = 'Invalid configuration',
  ) {
    super('CONFIG.INVALID', `${heading}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { status: 500, details: { problems } });
    this.name = 'ConfigError';
  }
}

export const isPecuniaError = (error: unknown): error is PecuniaError => error instanceof PecuniaError;
