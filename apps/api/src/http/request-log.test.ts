import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { REDACTED_PATHS } from '../logger';
import { requestLog } from './request-log';
import { listenOnLoopback, type Listening } from '../testing/listen';

interface Line {
  level: number;
  msg: string;
  req?: { id: string; method: string; path: string };
  res?: { statusCode: number };
  responseTime?: number;
  user_id?: string;
  marker?: string;
}

const lines: Line[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const text of chunk.toString('utf8').split('\n')) if (text) lines.push(JSON.parse(text) as Line);
    done();
  },
});
const logger = pino({ level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);

let listening: Listening;
let base: string;
beforeAll(async () => {
  const app = express();
  app.use(requestLog(logger, { redactPath: (path) => path.replace(/\/shared\/[^/]+/, '/shared/[token]') }));
  app.get('/ok', (req, res) => {
    (req as { userId?: string }).userId = 'alice';
    res.json({ ok: true });
  });
  app.get('/shared/:token', (_req, res) => void res.json({}));
  app.get('/secretive', (req, res) => {
    req.log?.warn({ detail: { token: 'tok_should_not_appear' } }, 'with a secret');
    res.json({});
  });
  app.get('/boom', (req, res) => {
    req.log?.error({ marker: 'from the handler' }, 'something broke');
    res.status(500).json({});
  });
  app.get('/slow', (_req, res) => void setTimeout(() => res.end('late'), 200));
  listening = await listenOnLoopback(app);
  base = listening.base;
});
afterAll(async () => {
  await listening.close();
});
beforeEach(() => {
  lines.length = 0;
});

/** The lines logged once the response (or the abandoned request) has been seen through. */
async function linesUntil(count: number): Promise<Line[]> {
  for (let i = 0; i < 100 && lines.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return lines;
}

describe('requestLog', () => {
  it('logs one line per request with id, method, path without query, status, time and user, and echoes the id', async () => {
    const res = await fetch(`${base}/ok?secret=1`, { headers: { 'X-Request-Id': 'req-1', Authorization: 'Bearer pk_should_not_appear' } });
    expect(res.headers.get('x-request-id')).toBe('req-1');
    const [line, ...rest] = await linesUntil(1);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 30, msg: 'request completed', req: { id: 'req-1', method: 'GET', path: '/ok' }, res: { statusCode: 200 }, user_id: 'alice' });
    expect(typeof line!.responseTime).toBe('number');
    expect(JSON.stringify(lines)).not.toMatch(/pk_should_not_appear|secret/);
  });

  it('replaces a request id that is too long or has odd characters with a UUID', async () => {
    for (const id of ['x'.repeat(129), 'a b', 'bad/id', 'id;drop', '']) {
      lines.length = 0;
      const res = await fetch(`${base}/ok`, { headers: { 'X-Request-Id': id } });
      const sent = res.headers.get('x-request-id');
      expect(sent).toMatch(/^[0-9a-f-]{36}$/);
      expect((await linesUntil(1))[0]!.req!.id).toBe(sent);
    }
  });

  it('redacts the path as told', async () => {
    await fetch(`${base}/shared/tok_secret`);
    expect((await linesUntil(1))[0]!.req!.path).toBe('/shared/[token]');
  });

  it('gives handlers a logger bound to the request, and logs a 5xx at error level', async () => {
    const res = await fetch(`${base}/boom`, { headers: { 'X-Request-Id': 'req-boom' } });
    expect(res.status).toBe(500);
    const logged = await linesUntil(2);
    expect(logged[0]).toMatchObject({ level: 50, msg: 'something broke', marker: 'from the handler', req: { id: 'req-boom', path: '/boom' } });
    expect(logged[1]).toMatchObject({ level: 50, msg: 'request errored', res: { statusCode: 500 } });
  });

  it('writes the request line exactly as the redacting logger would (no redaction path matches its fields)', async () => {
    await fetch(`${base}/ok`, { headers: { 'X-Request-Id': 'req-same' } });
    const [line] = await linesUntil(1);
    const { level: _level, time: _time, pid: _pid, hostname: _hostname, msg, ...fields } = line as Line & Record<string, unknown>;
    const redacted: string[] = [];
    const redacting = pino({ level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, new Writable({ write: (chunk: Buffer, _e, done) => void (redacted.push(chunk.toString('utf8')), done()) }));
    redacting.info(fields, msg);
    const { time: _t, pid: _p, hostname: _h, ...expected } = JSON.parse(redacted[0]!) as Record<string, unknown>;
    const { time: _t2, pid: _p2, hostname: _h2, ...actual } = line as unknown as Record<string, unknown>;
    expect(actual).toEqual(expected);
    expect(Object.keys(actual)).toEqual(Object.keys(expected));
  });

  it('still redacts what handlers log through req.log', async () => {
    await fetch(`${base}/secretive`);
    const logged = await linesUntil(2);
    expect(logged[0]).toMatchObject({ msg: 'with a secret', detail: { token: '[redacted]' } });
    expect(JSON.stringify(logged)).not.toContain('tok_should_not_appear');
  });

  it('logs a request the client gave up on as aborted, once', async () => {
    await expect(fetch(`${base}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toThrow();
    const logged = await linesUntil(1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 40, msg: 'request aborted', req: { path: '/slow' } });
  });
});
