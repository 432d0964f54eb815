import { replayOption } from './replay';
import { retryAfterMs, retryingFetch } from './retry';
import { fakeFetch, fakeSleep, problem } from './testing/fake-fetch';

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-03-02T10:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Mon, 02 Mar 2026 10:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Mon, 02 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
  });
});

describe('retryingFetch', () => {
  it('waits the full backoff with the highest jitter, capped at the largest wait', async () => {
    const fetch = fakeFetch(problem(503, 'X', 'busy'));
    const sleep = fakeSleep();
    const send = retryingFetch(fetch, { sleep, random: () => 1, baseDelayMs: 10_000, maxDelayMs: 25_000 });

    const response = await send(new Request('http://api.test/api/health'));

    expect(response.status).toBe(503);
    expect(sleep.waits).toEqual([10_000, 20_000, 25_000]);
  });

  it('retries a 409 of a keyed write still in progress, but not a 409 without Retry-After', async () => {
    const keyed = () => new Request('http://api.test/api/trades', { method: 'POST', body: '{}', headers: { 'Idempotency-Key': 'k' } });
    const inProgress = fakeFetch(problem(409, 'IDEMPOTENCY.IN_PROGRESS', 'wait', { 'Retry-After': '1' }), new Response('{}', { status: 201 }));
    expect((await retryingFetch(inProgress, { sleep: fakeSleep() })(keyed())).status).toBe(201);

    const conflict = fakeFetch(problem(409, 'OTHER', 'no'));
    expect((await retryingFetch(conflict, { sleep: fakeSleep() })(keyed())).status).toBe(409);
    expect(conflict.seen).toHaveLength(1);
  });

  it('never repeats a plain POST whose work may have been done (network error, 502)', async () => {
    const plain = () => new Request('http://api.test/api/other', { method: 'POST', body: '{}' });
    for (const answer of [new TypeError('fetch failed'), problem(502, 'UPSTREAM', 'late')]) {
      const fetch = fakeFetch(answer, new Response('{}', { status: 201 }));
      const outcome = await retryingFetch(fetch, { sleep: fakeSleep() })(plain()).then(
        (response) => response.status,
        (error: unknown) => (error as Error).name,
      );
      expect(outcome).not.toBe(201);
      expect(fetch.seen).toHaveLength(1);
    }
  });

  it('makes a body that says how to be made again afresh for each retry, rather than cloning it', async () => {
    const form = new Blob(['--b\r\n', new Uint8Array([1, 2, 3]), '\r\n--b--\r\n'], { type: 'multipart/form-data; boundary=b' });
    const replays: Blob[] = [];
    const request = Object.assign(
      new Request('http://api.test/api/trades', { method: 'POST', body: form, headers: { 'Idempotency-Key': 'k' } }),
      replayOption(() => {
        replays.push(form);
        return { body: form };
      }),
    );
    const fetch = fakeFetch(problem(503, 'X', 'busy'), problem(503, 'X', 'busy'), new Response('{}', { status: 201 }));

    const response = await retryingFetch(fetch, { sleep: fakeSleep() })(request);

    expect(response.status).toBe(201);
    expect(replays).toHaveLength(3);
    expect(fetch.seen.map((seen) => seen.headers.get('idempotency-key'))).toEqual(['k', 'k', 'k']);
    expect(fetch.seen.map((seen) => seen.body)).toEqual(Array(3).fill(await form.text()));
    expect(request.bodyUsed).toBe(false);
  });

  it('stops retrying as soon as the request is aborted', async () => {
    const controller = new AbortController();
    const fetch = fakeFetch(() => {
      controller.abort(new Error('stop'));
      return problem(503, 'X', 'busy');
    });
    const response = await retryingFetch(fetch, { sleep: fakeSleep() })(new Request('http://api.test/api/health', { signal: controller.signal }));
    expect(response.status).toBe(503);
    expect(fetch.seen).toHaveLength(1);
  });
});
