// Errors the SDK's helpers throw: each carries a stable `code` to switch on, like the API's problem+json answers.
import type { Job, Problem } from './types';

/** Base of every error the SDK throws. `code` is stable; `message` is for people. */
export class PecuniaError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PecuniaError';
    this.code = code;
  }
}

/** The API answered with an error: its problem+json body, typed (`code` such as `TRADE.INVALID`). */
export class PecuniaApiError extends PecuniaError {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly type: string | undefined;
  readonly instance: string | undefined;
  readonly requestId: string | undefined;
  /** The whole problem body, extension members (`issues` …) included. */
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.code, `${problem.code}: ${problem.detail}`);
    this.name = 'PecuniaApiError';
    this.status = problem.status;
    this.title = problem.title;
    this.detail = problem.detail;
    this.type = problem.type;
    this.instance = problem.instance;
    this.requestId = problem.request_id;
    this.problem = problem;
  }
}

/** Codes of failures on the client's side of the wire. */
export type ClientErrorCode = 'CLIENT.NETWORK' | 'CLIENT.ABORTED' | 'CLIENT.TIMEOUT' | 'CLIENT.UNEXPECTED_RESPONSE' | 'CLIENT.INVALID_OPTIONS';

/** The request never got an answer (network, abort, timeout), or the answer was not one the API gives. */
export class PecuniaClientError extends PecuniaError {
  declare readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'PecuniaClientError';
  }
}

/** An analysis job ended `failed`; `code` is the job's own error code. */
export class PecuniaJobFailedError extends PecuniaError {
  readonly job: Job;

  constructor(job: Job) {
    const code = job.error?.code ?? 'ANALYSIS.FAILED';
    super(code, `Analysis job ${job.job_id} failed: ${job.error?.message ?? 'no reason given'}`);
    this.name = 'PecuniaJobFailedError';
    this.job = job;
  }
}

export const isPecuniaError = (error: unknown): error is PecuniaError => error instanceof PecuniaError;

const isProblem = (value: unknown): value is Problem =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Problem).code === 'string' &&
  typeof (value as Problem).status === 'number' &&
  typeof (value as Problem).detail === 'string';

/**
 * The error for a non-2xx answer. A body that is not a problem (a proxy's HTML page, an empty 502) still becomes a
 * PecuniaApiError, with a code made from the status, so callers handle one shape.
 */
export function apiErrorFrom(body: unknown, response: Response): PecuniaApiError {
  if (isProblem(body)) return new PecuniaApiError(body);
  return new PecuniaApiError({
    type: 'about:blank',
    title: response.statusText || 'Error',
    status: response.status,
    detail: `The server answered ${response.status} without a problem+json body`,
    code: `HTTP.${response.status}`,
    request_id: response.headers.get('x-request-id') ?? undefined,
  });
}
