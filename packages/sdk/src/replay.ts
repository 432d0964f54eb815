// How a request's body is made again for a retry, so that the retry need not Request.clone() it: a clone tees the body,
// and the branch kept for the next attempt holds a copy of every byte sent — undici does this even for a Blob body.

/** A fresh body for one more attempt (and `duplex` when it is a stream). */
export type Replay = () => { body: Blob | ReadableStream<Uint8Array>; duplex?: 'half' };

// openapi-fetch copies request options it does not know onto the Request it builds; a retry finds the Replay there.
const KEY = 'pecuniaReplay';

/** Spread into openapi-fetch request options. */
export const replayOption = (replay: Replay): Record<string, Replay> => ({ [KEY]: replay });

/** A request to send for one more attempt, leaving `request` unread: rebuilt around a fresh body, else cloned. */
export function nextAttempt(request: Request): Request {
  const replay = (request as unknown as Record<string, unknown>)[KEY];
  return typeof replay === 'function' ? new Request(request, (replay as Replay)()) : request.clone();
}
