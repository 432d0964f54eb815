// Fuzzing (issue 12): requests generated from the OpenAPI document, then broken, against every route of a real server.
// The server must never answer ≥ 500 or crash, and every 4xx must be problem+json with a code.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { seededRandom } from '@pecunia/core/testing';
import {
  BROKEN_PATH_SEGMENTS,
  BROKEN_QUERY_VALUES,
  BROKEN_VALUES,
  brokenAttachments,
  brokenJsonTexts,
  FILLS_CSV,
  multipartBody,
  operationsOf,
  sample,
  validTradeBody,
  type FuzzRequest,
} from './testing/fuzz-requests';
import { startTestServer, type TestServer } from './testing/test-server';

jest.setTimeout(120_000);

const DOCUMENT = JSON.parse(readFileSync(path.join(__dirname, '../../../packages/sdk/openapi.json'), 'utf8'));
const SHARED_REPORT = '/api/shared/reports/{token}';
const SHEET = 'fuzz-journal';

interface Outcome {
  request: FuzzRequest;
  status: number;
  contentType: string;
  body: string;
  error?: string;
}

/** Sends exactly what the request says: raw path, repeated headers, any bytes. */
function send(baseUrl: string, key: string, agent: http.Agent, request: FuzzRequest): Promise<Outcome> {
  const url = new URL(baseUrl);
  const headers: Record<string, string | string[]> = { ...request.headers };
  if (request.auth && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) headers.Authorization = `Bearer ${key}`;
  if (request.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length' || h.toLowerCase() === 'transfer-encoding')) {
    headers['Content-Length'] = String(request.body.byteLength);
  }
  return new Promise<Outcome>((resolve) => {
    const req = http.request({ host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ request, status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => resolve({ request, status: res.statusCode ?? 0, contentType: '', body: '', error: error.message }));
    });
    req.on('error', (error) => resolve({ request, status: 0, contentType: '', body: '', error: error.message }));
    req.end(request.body);
  });
}

async function inPool<T, R>(items: readonly T[], width: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await run(items[index]!);
      }
    }),
  );
  return results;
}

const jsonBuffer = (value: unknown) => Buffer.from(JSON.stringify(value));

/** Every request of the run: for each operation a valid one, then broken auth, params, headers and bodies. */
function buildRequests(ids: Record<string, string>): FuzzRequest[] {
  const random = seededRandom(12);
  const pick = <T>(items: readonly T[], count: number): T[] => [...items].sort(() => random() - 0.5).slice(0, count);
  const requests: FuzzRequest[] = [];
  for (const op of operationsOf(DOCUMENT)) {
    const operation = `${op.method} ${op.path}`;
    const pathValue = (name: string) => ids[name] ?? 'fuzz';
    const fillPath = (override: Record<string, string> = {}) => op.path.replace(/\{(\w+)\}/g, (_m, name: string) => override[name] ?? encodeURIComponent(pathValue(name)));
    const queryParams = op.parameters.filter((p) => p.in === 'query');
    const validQuery: Record<string, string> = Object.fromEntries(
      queryParams.filter((p) => p.required || p.name === 'sheet_id').map((p) => [p.name, p.name === 'sheet_id' ? SHEET : String(sample(p.schema, p.name))]),
    );
    const queryString = (query: Record<string, string>, extra = '') => {
      const text = Object.entries(query).map(([k, v]) => `${k}=${v}`).join('&') + extra;
      return text ? `?${text}` : '';
    };
    const jsonSchema = op.bodyTypes['application/json'];
    let validBody: Record<string, unknown> | undefined = jsonSchema ? (sample(jsonSchema) as Record<string, unknown>) : undefined;
    const writes = op.method === 'POST' || op.method === 'PUT';
    if (op.path === '/api/trades' && writes) validBody = validTradeBody();
    if (op.path === '/api/trades/submit') validBody = { content: 'Bought 100 AAPL at 189.20 on 2026-03-02 at 09:41, sold 10:15 at 191.05. +$185' };
    if (op.path === '/api/analysis/jobs' && op.method === 'POST') validBody = { sheet_id: SHEET, prompt: 'How did I do?' };
    if (op.path === '/api/schedules/weekly') validBody = { sheet_id: SHEET, enabled: false };
    if (op.path === '/api/imports') validBody = { filename: 'fills.csv', data: Buffer.from(FILLS_CSV).toString('base64') };
    const jsonHeaders = { 'Content-Type': 'application/json' };
    const base = (label: string, patch: Partial<FuzzRequest> = {}): FuzzRequest => ({
      operation,
      label,
      method: op.method,
      path: fillPath() + queryString(validQuery),
      headers: validBody ? { ...jsonHeaders } : {},
      ...(validBody ? { body: jsonBuffer(validBody) } : {}),
      auth: true,
      ...patch,
    });

    if (op.path === SHARED_REPORT) {
      // A fixed 404 page whatever the token: a few cases are enough.
      for (const segment of ['junk', '%2e%2e%2f%2e%2e%2f', '%00', 'x'.repeat(10_240), '%ZZ']) requests.push(base(`token ${segment.slice(0, 20)}`, { path: `/api/shared/reports/${segment}`, auth: false }));
      continue;
    }

    requests.push(base('valid'), base('no key', { auth: false }), base('junk key', { headers: { ...base('').headers, Authorization: 'Bearer pk_junk' } }));
    requests.push(base('8 KB junk Authorization', { headers: { ...base('').headers, Authorization: `Bearer ${'\u00ff'.repeat(10)}${'x'.repeat(8 * 1024)}` } }));
    requests.push(base('two Authorizations', { headers: { ...base('').headers, Authorization: ['Bearer a', 'Bearer b'] } }));
    requests.push(base('Basic auth', { headers: { ...base('').headers, Authorization: 'Basic Zm9vOmJhcg==' } }));
    requests.push(base('X-Request-Id oddity', { headers: { ...base('').headers, 'X-Request-Id': ['../../x', 'y'.repeat(4000)] } }));

    for (const param of queryParams) {
      const values = param.name === 'sheet_id' || param.name === 'limit' || param.name === 'timezone' ? BROKEN_QUERY_VALUES : pick(BROKEN_QUERY_VALUES, 6);
      for (const value of values) requests.push(base(`query ${param.name}=${value.slice(0, 20)}`, { path: fillPath() + queryString({ ...validQuery, [param.name]: value }) }));
      requests.push(base(`query ${param.name} duplicated`, { path: fillPath() + queryString(validQuery, `&${param.name}=1&${param.name}=2`) }));
      if (param.required) {
        const { [param.name]: _dropped, ...rest } = validQuery;
        requests.push(base(`query ${param.name} missing`, { path: fillPath() + queryString(rest) }));
      }
    }
    for (const param of op.parameters.filter((p) => p.in === 'path')) {
      for (const segment of BROKEN_PATH_SEGMENTS) requests.push(base(`path ${param.name}=${segment.slice(0, 20)}`, { path: fillPath({ [param.name]: segment }) + queryString(validQuery) }));
    }

    if (writes) {
      requests.push(base('two Idempotency-Keys', { headers: { ...jsonHeaders, 'Idempotency-Key': ['fuzz-a', 'fuzz-b'] } }));
      requests.push(base('8 KB Idempotency-Key', { headers: { ...jsonHeaders, 'Idempotency-Key': 'k'.repeat(8 * 1024) } }));
      requests.push(base('empty Idempotency-Key', { headers: { ...jsonHeaders, 'Idempotency-Key': '' } }));
      requests.push(base('latin-1 Idempotency-Key', { headers: { ...jsonHeaders, 'Idempotency-Key': 'caf\u00e9\u00ff' } }));
      const body = validBody ? jsonBuffer(validBody) : Buffer.from('{}');
      requests.push(base('Content-Type missing', { headers: {}, body }));
      for (const type of ['text/plain', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/merge-patch+json', 'image/png']) {
        requests.push(base(`Content-Type ${type}`, { headers: { 'Content-Type': type }, body }));
      }
      requests.push(base('two Content-Types', { headers: { 'Content-Type': ['application/json', 'text/plain'] }, body }));
      requests.push(base('gzip body that is not gzip', { headers: { ...jsonHeaders, 'Content-Encoding': 'gzip' }, body }));
      requests.push(base('gzipped body', { headers: { ...jsonHeaders, 'Content-Encoding': 'gzip' }, body: gzipSync(body) }));
      requests.push(base('unknown Content-Encoding', { headers: { ...jsonHeaders, 'Content-Encoding': 'br, zstd' }, body }));
      requests.push(base('Content-Length lies short', { headers: { ...jsonHeaders, 'Content-Length': String(Math.max(0, body.byteLength - 3)) }, body }));
      requests.push(base('chunked', { headers: { ...jsonHeaders, 'Transfer-Encoding': 'chunked' }, body }));
      for (const [index, text] of brokenJsonTexts().entries()) requests.push(base(`broken JSON #${index}`, { headers: { ...jsonHeaders }, body: text }));
    }

    if (jsonSchema && validBody) {
      const properties = Object.keys((jsonSchema.properties ?? {}) as Record<string, unknown>);
      for (const property of properties) {
        const values = pick(BROKEN_VALUES, ['ticker', 'pnl', 'entry_timestamp', 'notes', 'content', 'sheet_id', 'prompt', 'data', 'expires_in'].includes(property) ? 9 : 4);
        for (const [index, value] of values.entries()) requests.push(base(`body ${property} #${index}`, { body: jsonBuffer({ ...validBody, [property]: value }) }));
        const { [property]: _dropped, ...rest } = validBody;
        requests.push(base(`body ${property} missing`, { body: jsonBuffer(rest) }));
      }
      requests.push(base('body unknown property', { body: jsonBuffer({ ...validBody, zz_unknown: 1 }) }));
    }

    if ((op.path === '/api/trades' && writes) || op.path === '/api/trades/submit') {
      // The 16 MB attachment (the last) once only: it is the slowest request of the run.
      const attachments = op.path === '/api/trades' ? brokenAttachments() : brokenAttachments().slice(0, -1);
      for (const [index, attachment] of attachments.entries()) requests.push(base(`attachment #${index}`, { body: jsonBuffer({ ...validBody, attachments: [attachment] }) }));
      requests.push(base('11 attachments', { body: jsonBuffer({ ...validBody, attachments: Array.from({ length: 11 }, () => validTradeBody().attachments).flat() }) }));
      const notes = `\u202e\u0000${'\u05d0\u202e\u0000e\u0301'.repeat(2_500)}`;
      requests.push(base('10k unicode notes with RTL and NULs', { body: jsonBuffer({ ...validBody, notes: notes.slice(0, 10_000) }) }));
      requests.push(base('10k+1 notes', { body: jsonBuffer({ ...validBody, notes: 'n'.repeat(10_001) }) }));
      requests.push(base('exit before entry', { body: jsonBuffer({ ...validBody, exit_timestamp: '2026-03-01T00:00:00Z' }) }));
      requests.push(base('timezone nowhere', { body: jsonBuffer({ ...validBody, timezone: 'Mars/Olympus_Mons' }) }));
    }

    if (op.path === '/api/imports') requests.push(...importRequests(base));
  }
  return requests;
}

/** Multipart uploads of a broker export, broken in the ways real clients and attackers break them. */
function importRequests(base: (label: string, patch?: Partial<FuzzRequest>) => FuzzRequest): FuzzRequest[] {
  const form = (label: string, parts: Parameters<typeof multipartBody>[0], patch: Partial<FuzzRequest> = {}) => {
    const { body, contentType } = multipartBody(parts);
    return base(`multipart ${label}`, { headers: { 'Content-Type': contentType }, body, ...patch });
  };
  const file = (filename: string, data: Buffer | string, contentType = 'text/csv') => ({ name: 'file', filename, contentType, data });
  const invalidUtf8 = Buffer.concat([Buffer.from('Account,Symbol,Side,Qty,Price,Time,Commission\nU1,'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from(',Buy,10,400,2026-03-03 10:00:00,1\n')]);
  const requests = [
    form('valid', [file('fills.csv', FILLS_CSV)]),
    form('traversal filename', [file('../../etc/passwd', FILLS_CSV)]),
    form('windows traversal filename', [file('..\\..\\x.csv', FILLS_CSV)]),
    form('NUL in filename', [file('fills\u0000.csv', FILLS_CSV)]),
    form('RTL filename', [file('\u202evsc.exe', FILLS_CSV)]),
    form('lying type: png bytes as csv', [file('fills.csv', Buffer.from(pngBytesLike()))]),
    form('lying type: csv as image/png', [file('fills.csv', FILLS_CSV, 'image/png')]),
    form('lying type: application/x-msdownload', [file('fills.exe', 'MZ\u0090\u0000', 'application/x-msdownload')]),
    form('invalid UTF-8 CSV', [file('fills.csv', invalidUtf8)]),
    form('UTF-16 CSV', [file('fills.csv', Buffer.from(`\ufeff${FILLS_CSV}`, 'utf16le'))]),
    form('0-byte file', [file('fills.csv', Buffer.alloc(0))]),
    form('header only', [file('fills.csv', 'Account,Symbol,Side,Qty,Price,Time,Commission\n')]),
    form('huge single line, one cell', [file('fills.csv', 'x'.repeat(1024 * 1024))]),
    // Wider lines cost seconds of CPU per megabyte in format detection (see SECURITY.md): kept small here.
    form('wide single line', [file('fills.csv', 'A,'.repeat(50_000))]),
    form('10k columns header', [file('fills.csv', `${Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',')}\n1,2,3`)]),
    form('unterminated quote', [file('fills.csv', `${FILLS_CSV}\n"U1,MSFT,Buy`)]),
    form('formula cells', [file('fills.csv', FILLS_CSV.replace('MSFT', '=HYPERLINK("http://evil")'))]),
    form('no file', [{ name: 'format', data: 'generic' }]),
    form('two files', [file('a.csv', FILLS_CSV), file('b.csv', FILLS_CSV)]),
    form('file in another field', [{ name: 'upload', filename: 'a.csv', contentType: 'text/csv', data: FILLS_CSV }]),
    form('unknown field', [{ name: 'evil', data: 'x' }, file('fills.csv', FILLS_CSV)]),
    form('field after file', [file('fills.csv', FILLS_CSV), { name: 'format', data: 'generic' }]),
    form('unknown format', [{ name: 'format', data: 'nope' }, file('fills.csv', FILLS_CSV)]),
    form('broken mapping JSON', [{ name: 'format', data: 'generic' }, { name: 'mapping', data: '{"symbol":' }, file('fills.csv', FILLS_CSV)]),
    form('mapping of wrong types', [{ name: 'format', data: 'generic' }, { name: 'mapping', data: '{"symbol":[1,{}],"__proto__":{"x":1}}' }, file('fills.csv', FILLS_CSV)]),
    form('timezone nowhere', [{ name: 'timezone', data: 'Mars/Olympus_Mons' }, file('fills.csv', FILLS_CSV)]),
    form('65 KB field', [{ name: 'account', data: 'a'.repeat(65 * 1024) }, file('fills.csv', FILLS_CSV)]),
    form('disposition without name', [{ name: '', rawDisposition: 'form-data; filename="x.csv"', contentType: 'text/csv', data: FILLS_CSV }]),
    form('filename*', [{ name: 'file', rawDisposition: "form-data; name=\"file\"; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd", contentType: 'text/csv', data: FILLS_CSV }]),
  ];
  const { body } = multipartBody([file('fills.csv', FILLS_CSV)]);
  requests.push(
    base('multipart without boundary', { headers: { 'Content-Type': 'multipart/form-data' }, body }),
    base('multipart with a wrong boundary', { headers: { 'Content-Type': 'multipart/form-data; boundary=other' }, body }),
    base('multipart truncated', { headers: { 'Content-Type': 'multipart/form-data; boundary=fuzzBoundary7MA4YWxkTrZu0gW' }, body: body.subarray(0, body.byteLength - 40) }),
    base('multipart 200-char boundary', { headers: { 'Content-Type': `multipart/form-data; boundary=${'b'.repeat(200)}` }, body }),
    base('multipart, body empty', { headers: { 'Content-Type': 'multipart/form-data; boundary=x' }, body: Buffer.alloc(0) }),
    base('JSON import with bad base64', { headers: { 'Content-Type': 'application/json' }, body: jsonBuffer({ filename: 'fills.csv', data: '!!!***' }) }),
    base('JSON import with traversal filename', { headers: { 'Content-Type': 'application/json' }, body: jsonBuffer({ filename: '../../etc/passwd', data: Buffer.from(FILLS_CSV).toString('base64') }) }),
  );
  return requests;
}

function pngBytesLike(): Uint8Array {
  return Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
}

describe('fuzzing every operation of the OpenAPI document', () => {
  let api: TestServer;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startTestServer({ RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '0' });
    // Real ids, so the valid requests reach the handlers' inner paths (a trade, its file, a completed job, a share link).
    const created = await (await api.request(`/api/trades?sheet_id=${SHEET}`, { json: validTradeBody() })).json();
    ids.trade_id = created.trade.trade_id;
    ids.id = created.attachments[0].id;
    const job = await (await api.request('/api/analysis/jobs', { json: { sheet_id: SHEET, prompt: 'How did I do?' } })).json();
    ids.job_id = job.job_id;
    for (let i = 0; i < 200; i++) {
      const { status } = await (await api.request(`/api/analysis/jobs/${job.job_id}`)).json();
      if (status === 'completed' || status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const share = await (await api.request(`/api/analysis/jobs/${job.job_id}/share`, { json: {} })).json();
    ids.share_id = share.id;
    ids.token = String(share.url).split('/').pop()!;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers every request below 500, every 4xx as problem+json with a code, and stays up', async () => {
    const requests = buildRequests(ids);
    // A connection per request: a reused keep-alive socket the server is closing at that moment would be a client artefact.
    const agent = new http.Agent({ keepAlive: false, maxSockets: 8 });
    const outcomes = await inPool(requests, 8, (request) => send(api.url, api.key, agent, request));
    agent.destroy();

    const statuses: Record<string, number> = {};
    for (const { status, error } of outcomes) statuses[error ? 'dropped' : status] = (statuses[error ? 'dropped' : status] ?? 0) + 1;
    const operations = new Set(outcomes.map((o) => o.request.operation)).size;
    const serverErrors = outcomes.filter((o) => o.status >= 500);
    console.log(`fuzz: ${outcomes.length} requests over ${operations} operations, statuses ${JSON.stringify(statuses)}, ${serverErrors.length} ≥ 500`);

    const describe = (o: Outcome) => `${o.request.operation} [${o.request.label}] → ${o.status || o.error} ${o.body.slice(0, 160)}`;
    expect(serverErrors.map(describe)).toEqual([]);
    const dropped = outcomes.filter((o) => o.error !== undefined);
    expect(dropped.map(describe)).toEqual([]);
    const notProblems = outcomes.filter((o) => {
      if (o.status < 400 || o.status >= 500) return false;
      if (!o.contentType.startsWith('application/problem+json')) return true;
      try {
        return typeof JSON.parse(o.body).code !== 'string';
      } catch {
        return true;
      }
    });
    expect(notProblems.map(describe)).toEqual([]);
    expect(operations).toBe(operationsOf(DOCUMENT).length);

    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    // Every request was answered and its handler finished: none is left hanging on the server.
    for (let i = 0; i < 100 && api.inFlightRequests() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(api.inFlightRequests()).toBe(0);
    // No failure was swallowed on the way either: the server logged no unhandled error.
    expect(api.logs.filter((line) => line.includes('"level":50')).map((line) => line.slice(0, 300))).toEqual([]);
    const health = await api.request('/api/health', { key: null });
    expect(health.status).toBe(200);
  });
});
