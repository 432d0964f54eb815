import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../testing/test-server';

let api: TestServer;
beforeAll(async () => {
  api = await startTestServer({ MAX_BODY_MB: '1' });
});
afterAll(async () => {
  await api.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Body bytes written before the answer arrived. */
  sentBeforeAnswer: number;
}

const CHUNK = Buffer.alloc(1024 * 1024, 0x20);

/**
 * A POST declaring `declaredBytes` of which only the first piece is sent: an answer at all shows the server did not
 * wait for (read) the body — one that did would wait for the rest until the test times out. With `sendAll`, the whole
 * body is written, 1 MiB at a time as the socket drains (the server must discard it, not keep it).
 */
function post(path: string, options: { declaredBytes: number; headers?: Record<string, string>; first?: Buffer; sendAll?: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered: Answer | null = null;
    const req = http.request(`${api.url}${path}`, {
      method: 'POST',
      agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(options.declaredBytes), ...options.headers },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        answered = { status: res.statusCode ?? 0, headers: res.headers, body, sentBeforeAnswer: sent };
        if (!options.sendAll || sent >= options.declaredBytes) {
          req.destroy();
          resolve(answered);
        }
      });
    });
    req.on('error', (error) => (answered ? resolve(answered) : reject(error)));
    const write = (): void => {
      while (sent < options.declaredBytes && (options.sendAll || sent === 0)) {
        const piece = sent === 0 && options.first ? options.first : CHUNK.subarray(0, Math.min(CHUNK.length, options.declaredBytes - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', write);
          return;
        }
      }
      if (sent >= options.declaredBytes && answered) {
        req.destroy();
        resolve(answered);
      }
    };
    req.flushHeaders();
    write();
  });
}

describe('compressed bodies', () => {
  it.each([
    ['without a key', null],
    ['with a key', 'valid'],
  ])('are refused %s with 415 BODY.ENCODING_UNSUPPORTED before the body is read', async (_label, key) => {
    // A gzip bomb's opening bytes, declaring 10 MiB: the answer comes after the first piece, nothing is inflated.
    const bomb = gzipSync(Buffer.from(`"${'a'.repeat(8 * 1024 * 1024)}"`));
    const headers: Record<string, string> = { 'Content-Encoding': 'gzip', ...(key ? { Authorization: `Bearer ${api.key}` } : {}) };

    const answer = await post('/api/trades?sheet_id=x', { declaredBytes: 10 * 1024 * 1024, headers, first: bomb });

    expect(answer.status).toBe(415);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'BODY.ENCODING_UNSUPPORTED' });
    expect(answer.sentBeforeAnswer).toBe(bomb.length); // the rest of the 10 MiB was never sent
  });

  it('are refused on a route without a key too (the Google callback)', async () => {
    const res = await api.request('/api/auth/google/callback', { key: null, method: 'POST', body: gzipSync('{}'), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'br' } });
    expect(res.status).toBe(415);
    expect((await res.json()).code).toBe('BODY.ENCODING_UNSUPPORTED');
  });
});

describe('body size and authentication order', () => {
  it('answers a request without a key 401 before reading its body, and does not keep the body in memory', async () => {
    const declared = 50 * 1024 * 1024;
    const before = process.memoryUsage().rss;

    // Four at once, each writing all 50 MiB: the server answers at once and discards what follows.
    const answers = await Promise.all(Array.from({ length: 4 }, () => post('/api/trades?sheet_id=x', { declaredBytes: declared, sendAll: true })));

    const grown = process.memoryUsage().rss - before;
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'AUTH.MISSING_KEY' });
      expect(answer.sentBeforeAnswer).toBeLessThan(declared);
    }
    // Loose: the old parser held each body (200 MiB in all) before the key check.
    expect(grown).toBeLessThan(50 * 1024 * 1024);
  });

  it('answers a declared Content-Length over MAX_BODY_MB with 413 before reading the body', async () => {
    const answer = await post('/api/trades?sheet_id=x', { declaredBytes: 50 * 1024 * 1024, headers: { Authorization: `Bearer ${api.key}` } });

    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'BODY.TOO_LARGE', max_bytes: 1024 * 1024 });
    expect(answer.sentBeforeAnswer).toBeLessThan(50 * 1024 * 1024);
  });

  it('never parses the body of a request whose key is missing: malformed JSON gets the 401, not a 400', async () => {
    const res = await api.request('/api/trades?sheet_id=x', { key: null, method: 'POST', body: '{not json', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(401);
  });

  it('still checks a parsed body (depth) once the key is known', async () => {
    const res = await api.request('/api/trades?sheet_id=x', { method: 'POST', body: `${'['.repeat(100)}${']'.repeat(100)}`, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('BODY.TOO_DEEP');
  });

  it('gives the public Google callback its own small JSON limit', async () => {
    const small = await api.request('/api/auth/google/callback', { key: null, json: { code: 'c', state: 's' } });
    const large = await api.request('/api/auth/google/callback', { key: null, json: { code: 'c'.repeat(65 * 1024), state: 's' } });

    // Parsed, then turned away because this server has no Google client; the large one never gets that far.
    expect((await small.json()).code).toBe('OAUTH.NOT_CONFIGURED');
    expect(large.status).toBe(413);
    expect((await large.json()).code).toBe('BODY.TOO_LARGE');
  });
});
