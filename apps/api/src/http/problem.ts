// The one error handler: every failure becomes RFC 9457 application/problem+json with a stable `code`.
import type { Duplex } from 'node:stream';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { isPecuniaError, TooManyRequestsError } from '@pecunia/core';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  request_id?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

const titleOf = (status: number): string => TITLES[status] ?? 'Error';

/** A problem document: its `type` and `title` follow from the code and the status. */
export function problemBody(status: number, code: string, detail: string, extensions: Record<string, unknown> = {}): Problem {
  return {
    type: `https://docs.pecunia.dev/problems/${code.toLowerCase().replace(/[._]/g, '-')}`,
    title: titleOf(status),
    status,
    detail,
    code,
    ...extensions,
  };
}

export function sendProblem(res: Response, status: number, code: string, detail: string, extensions: Record<string, unknown> = {}): void {
  const problem = problemBody(status, code, detail, {
    instance: res.req.originalUrl.split('?')[0],
    request_id: res.req.id === undefined ? undefined : String(res.req.id),
    ...extensions,
  });
  // A 503 is temporary by definition: say when to come back, as the API document promises.
  if (status === 503 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', '5');
  res.status(status).type('application/problem+json').send(JSON.stringify(problem));
}

/**
 * Requests Node refuses before Express sees them (headers too large, malformed request line) still get a
 * problem+json answer with a code, like every other error of this API. Used as the server's `clientError` listener.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Node's own rule: once a response has started on this socket, writing another would corrupt it for the peer.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, code, detail } = clientProblem(error.code);
  const body = JSON.stringify(problemBody(status, code, detail));
  socket.end(
    `HTTP/1.1 ${status} ${titleOf(status)}\r\n` +
      `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** What a request Node refused before routing gets: a timeout is the client being slow, not its request being wrong. */
function clientProblem(errorCode: string | undefined): { status: number; code: string; detail: string } {
  switch (errorCode) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'REQUEST.HEADERS_TOO_LARGE', detail: 'The request headers are larger than this server accepts' };
    // The server's requestTimeout/headersTimeout ran out before the whole request arrived.
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST.TIMEOUT', detail: 'The request was not received in time; send it again' };
    default:
      return { status: 400, code: 'REQUEST.MALFORMED', detail: 'The request could not be parsed as HTTP' };
  }
}

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, 404, 'ROUTE.NOT_FOUND', `No route for ${req.method} ${req.path}`);
};

export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) return next(error);
  if (isPecuniaError(error)) {
    if (error.status >= 500) req.log?.error({ err: error }, 'upstream failure');
    if (error instanceof TooManyRequestsError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    return sendProblem(res, error.status, error.code, error.message, error.details ?? {});
  }
  const parserError = error as BodyParserError;
  switch (parserError.type) {
    case 'entity.parse.failed':
      return sendProblem(res, 400, 'BODY.MALFORMED_JSON', 'The request body is not valid JSON');
    case 'entity.too.large':
      return sendProblem(res, 413, 'BODY.TOO_LARGE', 'The request body is larger than this server accepts');
    // Compressed bodies are never inflated (refuseEncodedBodies answers first; this is the parser's own refusal).
    case 'encoding.unsupported':
      return sendProblem(res, 415, 'BODY.ENCODING_UNSUPPORTED', 'Compressed request bodies are not accepted; send the body without Content-Encoding');
    case 'charset.unsupported':
      return sendProblem(res, 415, 'BODY.UNSUPPORTED_ENCODING', 'The request body encoding is not supported; send UTF-8 JSON');
    case 'request.aborted':
      return sendProblem(res, 400, 'BODY.ABORTED', 'The request body was not received completely');
    default:
      break;
  }
  if (error instanceof URIError) {
    // Express 5 cannot decode a malformed percent-escape in a path parameter (`/api/media/%ZZ`).
    return sendProblem(res, 400, 'REQUEST.INVALID_PATH', 'The request path has a malformed percent-encoded character');
  }
  if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    return sendProblem(res, parserError.status, 'REQUEST.INVALID', 'The request could not be read');
  }
  req.log?.error({ err: error }, 'unhandled error');
  return sendProblem(res, 500, 'INTERNAL', 'Something went wrong on our side; the request id identifies it in our logs');
};
