// The problem+json responses the API document names, by HTTP status: component name and when each happens.

/** Problem responses shared by the operations, by status. */
export const PROBLEM_RESPONSES = {
  400: ['BadRequest', 'The request is invalid; `code` says how (`TRADE.INVALID`, `SHEET.INVALID_ID`, `ATTACHMENT.TOO_LARGE`, `BODY.TOO_DEEP` for JSON nested over 64 levels, …).'],
  401: ['Unauthorized', 'No API key, or an unknown or revoked one (`AUTH.MISSING_KEY`, `AUTH.INVALID_KEY`); or the Google connection must be renewed (`OAUTH.RECONNECT_REQUIRED`, with the authorize route in `authorize`).'],
  404: ['NotFound', 'Nothing here for this caller; another user’s resource answers the same way.'],
  409: ['Conflict', 'A request with this Idempotency-Key is still being processed (`IDEMPOTENCY.IN_PROGRESS`): retry after `Retry-After`; or it ran but its answer could not be recorded (`IDEMPOTENCY.OUTCOME_UNKNOWN`): check whether it was written before sending it again with a new key; or a Google account already bound elsewhere (`OAUTH.ACCOUNT_IN_USE`, `OAUTH.USER_BOUND_ELSEWHERE`); or a report asked for before its job has completed (`ANALYSIS.JOB_NOT_COMPLETED`, with the job’s `job_status`).'],
  413: ['ContentTooLarge', 'The request body is larger than the server accepts (`BODY.TOO_LARGE`).'],
  415: ['UnsupportedMediaType', 'The body is not JSON (`BODY.UNSUPPORTED_MEDIA_TYPE`), or is compressed: bodies are never decompressed (`BODY.ENCODING_UNSUPPORTED`).'],
  422: ['UnprocessableContent', 'This Idempotency-Key was used with a different request (`IDEMPOTENCY.KEY_REUSED`).'],
  429: ['TooManyRequests', 'Too many requests this minute, per user or per address without a valid key (`REQUEST.RATE_LIMITED`); or too many analysis jobs queued or running (`ANALYSIS.TOO_MANY_QUEUED`). Retry after `Retry-After` seconds.'],
  500: ['InternalError', 'Something went wrong on the server; `request_id` identifies it in the logs.'],
  502: ['BadGateway', 'A downstream service failed; the request may be retried.'],
  503: ['ServiceUnavailable', 'A dependency is unavailable (`QUEUE.UNAVAILABLE`, …); retry after a while.'],
} as const;
export type ProblemStatus = keyof typeof PROBLEM_RESPONSES;
