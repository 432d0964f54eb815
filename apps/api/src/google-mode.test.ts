// Google mode end to end: the API pointed at loopback stand-ins of Google (OAuth, userinfo, Drive, Sheets), Gemini and
// SerpAPI — real client libraries, the whole loop from connecting an account to a finished report.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  mp3Bytes,
  pngBytes,
  scriptedGeminiAnswers,
  STANDIN_TOKEN_SECRET,
  standInEnv,
  startGeminiStandIn,
  startGoogleStandIn,
  startSerpApiStandIn,
  toBase64,
  type GeminiStandIn,
  type GoogleStandIn,
  type SerpApiStandIn,
  type StandInCall,
} from '@pecunia/core/testing';
import { startTestServer, type TestServer } from './testing/test-server';
import { pollJob } from './testing/poll-job';

jest.setTimeout(60_000);

const ACCOUNT = { sub: '108555000111222333444', email: 'trader@example.com' };
const INTRUDER = { sub: '108999888777666555444', email: 'intruder@example.com' };
const INTRUDER_TWO = { sub: '108999888777666555000', email: 'intruder-two@example.com' };
const NARRATIVE = 'Bought 100 AAPL at 189.20 on 2026-03-02 at 09:41, sold 10:15 at 191.05. +$185';

const geminiAnswers = scriptedGeminiAnswers();

const count = (calls: readonly StandInCall[], method: string, pattern: RegExp) => calls.filter((c) => c.method === method && pattern.test(c.path)).length;

describe('Google mode, end to end on loopback stand-ins', () => {
  let google: GoogleStandIn;
  let gemini: GeminiStandIn;
  let serp: SerpApiStandIn;
  let api: TestServer;
  let spreadsheetId: string;
  const secret = STANDIN_TOKEN_SECRET;

  beforeAll(async () => {
    [google, gemini, serp] = await Promise.all([startGoogleStandIn(), startGeminiStandIn(), startSerpApiStandIn()]);
    gemini.respond(geminiAnswers);
    serp.respond(() => ({ results: [{ title: 'AAPL slips after the open', link: 'https://news.example/aapl', snippet: 'Apple fell in early trade.' }] }));
    spreadsheetId = google.createSpreadsheet(ACCOUNT, { title: 'Trading journal', tabs: { Journal: [] } });
    api = await startTestServer({
      ...standInEnv({ google, gemini, serp }),
    });
  });
  afterAll(async () => {
    await api?.close();
    await Promise.all([google?.close(), gemini?.close(), serp?.close()]);
  });

  async function connect(userId: string, code: string, account = ACCOUNT, key: string | null = null) {
    const authorize = await api.request(`/api/auth/google/authorize?user_id=${userId}`, { key });
    expect(authorize.status).toBe(200);
    const { authorization_url, state } = await authorize.json();
    google.registerCode(code, account);
    return { authorization_url: authorization_url as string, state: state as string, callback: () => api.request('/api/auth/google/callback', { key: null, json: { code, state } }) };
  }

  it('connects, captures a trade with a chart and a voice note, and analyses the journal', async () => {
    // 1. Connect: the consent URL asks for offline access with our redirect and scopes.
    const flow = await connect('trader', 'code-1');
    const consent = new URL(flow.authorization_url);
    expect(consent.searchParams.get('access_type')).toBe('offline');
    expect(consent.searchParams.get('prompt')).toBe('consent');
    expect(consent.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:8000/api/auth/google/callback');
    expect(consent.searchParams.get('scope')).toContain('https://www.googleapis.com/auth/drive.file');
    expect(consent.searchParams.get('state')).toBe(flow.state);
    const connected = await flow.callback();
    expect(connected.status).toBe(200);
    const { api_key: key, user_id, email } = await connected.json();
    expect({ user_id, email }).toEqual({ user_id: 'trader', email: ACCOUNT.email });
    expect(key).toEqual(expect.any(String));

    // 2. Submit a narrative with a chart and a voice note: Gemini reads all three, Drive gets two files, the Sheet one row.
    const callsBefore = google.calls.length;
    const submitted = await api.request(`/api/trades/submit?sheet_id=${spreadsheetId}`, {
      key,
      json: {
        content: NARRATIVE,
        attachments: [
          { filename: 'chart.png', mime_type: 'image/png', data: toBase64(pngBytes()) },
          { filename: 'memo.mp3', mime_type: 'audio/mpeg', data: toBase64(mp3Bytes()) },
        ],
      },
    });
    expect(submitted.status).toBe(201);
    const trade = await submitted.json();
    expect(trade).toMatchObject({ extracted_by: expect.stringMatching(/^gemini:/), trade: { ticker: 'AAPL', pnl: 185 } });
    const extraction = gemini.calls.find((c) => c.systemInstruction?.includes('You read one closed trade'))!;
    expect(extraction.parts.map((p) => p.inlineData?.mimeType).filter(Boolean)).toEqual(['image/png', 'audio/mpeg']);
    const captureCalls = google.calls.slice(callsBefore);
    expect(count(captureCalls, 'POST', /^\/upload\/drive\/v3\/files/)).toBe(2);
    expect(count(captureCalls, 'POST', /:append$/)).toBe(1);
    const append = captureCalls.find((c) => c.path.endsWith(':append'))!;
    expect(append.query).toMatchObject({ valueInputOption: 'RAW', insertDataOption: 'INSERT_ROWS' });
    const rows = google.tabRows(spreadsheetId, 'Journal')!;
    expect(rows[0]![0]).toBe('user_id');
    expect(String(rows[1]![7])).toMatch(/\|image\/png\|.*; .*\|audio\/mpeg\|/);

    // 3. Analyse: one Sheets read for the job, both files downloaded and read by Gemini, research from SerpAPI.
    const jobCallsStart = google.calls.length;
    const queued = await api.request('/api/analysis/jobs', { key, json: { sheet_id: spreadsheetId, prompt: 'Am I chasing entries?' } });
    expect(queued.status).toBe(202);
    const { job_id } = await queued.json();
    const job = await pollJob(() => api.request(`/api/analysis/jobs/${job_id}`, { key }), { timeoutMs: 20_000 });
    expect(job).toMatchObject({
      status: 'completed',
      trade_count: 1,
      skipped_steps: [],
      audio_insights: [expect.objectContaining({ summary: 'Admits chasing the open.', sentiment: 'negative', link: expect.stringMatching(/^http/) })],
      image_insights: [expect.objectContaining({ risks: ['entry into resistance'] })],
      external_research: [expect.objectContaining({ url: 'https://news.example/aapl' })],
      report: expect.objectContaining({ opportunities: ['Wait for the first pullback instead of chasing the open.'] }),
    });
    const jobCalls = google.calls.slice(jobCallsStart);
    expect(count(jobCalls, 'GET', /^\/v4\/spreadsheets\/[^/]+\/values\//)).toBe(1);
    expect(count(jobCalls, 'GET', /^\/drive\/v3\/files\//)).toBeGreaterThanOrEqual(2);

    // 4. No token is stored or logged in the clear. The database is read whole (main file and write-ahead log), and
    // the stored ciphertext must be found in it: proof that the scan looks where the tokens are.
    const files = ['pecunia.sqlite', 'pecunia.sqlite-wal'].map((name) => path.join(api.dataDir, name)).filter((file) => existsSync(file));
    const database = Buffer.concat(files.map((file) => readFileSync(file)));
    const { ciphertext } = (await api.composition.tokens.get('trader'))!;
    expect(database.includes(Buffer.from(ciphertext))).toBe(true);
    expect(google.issuedTokens().length).toBeGreaterThan(1);
    for (const token of google.issuedTokens()) {
      expect(database.includes(Buffer.from(token))).toBe(false);
      expect(api.logs.join('')).not.toContain(token);
    }
    expect(api.logs.join('')).not.toContain(secret);

    // 5. Import a broker export: three round trips reach the Sheet in one append; importing it again appends nothing.
    const fills = [
      'Account,Symbol,Side,Qty,Price,Time,Commission',
      ...[0, 1, 2].flatMap((i) => [`U1,MSFT,Buy,10,400,2026-03-0${3 + i} 10:00:00,1`, `U1,MSFT,Sell,10,401,2026-03-0${3 + i} 10:30:00,1`]),
    ].join('\n');
    const upload = () => {
      const form = new FormData();
      form.append('file', new Blob([fills], { type: 'text/csv' }), 'fills.csv');
      return api.request(`/api/imports?sheet_id=${spreadsheetId}&timezone=America/New_York`, { key, method: 'POST', body: form });
    };
    const importStart = google.calls.length;
    const imported = await upload();
    expect(imported.status).toBe(201);
    expect(await imported.json()).toMatchObject({ imported: 3, duplicates_skipped: 0 });
    const importCalls = google.calls.slice(importStart);
    expect(count(importCalls, 'POST', /:append$/)).toBe(1);
    // Two reads: the tab (what is already imported) and the append's own look at row 1 (is the header there?).
    expect(count(importCalls, 'GET', /^\/v4\/spreadsheets\/[^/]+\/values\//)).toBe(2);
    const again = await upload();
    expect(await again.json()).toMatchObject({ imported: 0, duplicates_skipped: 3 });
    expect(count(google.calls.slice(importStart), 'POST', /:append$/)).toBe(1);
  });

  it('refuses a replayed, tampered or malformed state and a refused code, each with its own code', async () => {
    const flow = await connect('replayer', 'code-2', { sub: '108000000000000000222', email: 'replayer@example.com' });
    expect((await flow.callback()).status).toBe(200);

    const replay = await flow.callback();
    expect(replay.status).toBe(400);
    expect((await replay.json()).code).toBe('OAUTH.STATE_REPLAYED');

    const second = await connect('tamper', 'code-3');
    const tampered = `${second.state.slice(0, -2)}${second.state.endsWith('AA') ? 'BB' : 'AA'}`;
    const refused = await api.request('/api/auth/google/callback', { key: null, json: { code: 'code-3', state: tampered } });
    expect(refused.status).toBe(400);
    expect((await refused.json()).code).toBe('OAUTH.STATE_TAMPERED');

    const malformed = await api.request('/api/auth/google/callback', { key: null, json: { code: 'code-3', state: 'not-a-state' } });
    expect((await malformed.json()).code).toBe('OAUTH.STATE_MALFORMED');

    const third = await connect('badcode', 'code-4');
    const badCode = await api.request('/api/auth/google/callback', { key: null, json: { code: 'never-issued', state: third.state } });
    expect(badCode.status).toBe(400);
    expect((await badCode.json()).code).toBe('OAUTH.EXCHANGE_FAILED');
  });

  it('does not let a consent started before a user existed bind them once they do, nor a revoked user be taken over', async () => {
    // A state for a user nobody has yet…
    const early = await connect('latecomer', 'code-8', INTRUDER_TWO);
    // …the operator then creates that user: the early state can no longer bind them.
    const key = await api.keyFor('latecomer');
    const late = await early.callback();
    expect(late.status).toBe(401);
    expect((await late.json()).code).toBe('OAUTH.KEY_REQUIRED');

    // A user whose keys were all revoked still exists: no anonymous consent for them.
    await api.composition.apiKeys.revoke('latecomer');
    const anonymous = await api.request('/api/auth/google/authorize?user_id=latecomer', { key: null });
    expect(anonymous.status).toBe(401);
    expect(key).toEqual(expect.any(String));
  });

  it('lets no one take over an account through the callback', async () => {
    const first = await connect('owner', 'code-5', INTRUDER);
    const { api_key: ownerKey } = await (await first.callback()).json();

    // Reconnecting an existing user needs their key…
    const anonymous = await api.request('/api/auth/google/authorize?user_id=owner', { key: null });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).code).toBe('OAUTH.KEY_REQUIRED');
    // …and even with it, the user stays bound to the Google account they connected first.
    const other = await connect('owner', 'code-6', ACCOUNT, ownerKey);
    const conflict = await other.callback();
    expect(conflict.status).toBe(409);
    expect((await conflict.json()).code).toMatch(/^OAUTH\.(USER_BOUND_ELSEWHERE|ACCOUNT_IN_USE)$/);
  });

  it('answers the browser redirect with a page, and a declined consent with a 400 page', async () => {
    const flow = await connect('browser', 'code-7', { sub: '108000000000000000777', email: 'browser@example.com' });
    const page = await api.request(`/api/auth/google/callback?code=code-7&state=${encodeURIComponent(flow.state)}`, { key: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Google account connected');
    // The page's own policy (its inline stylesheet) replaces the app-wide one, which allows no style at all.
    expect(page.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");

    const declined = await api.request('/api/auth/google/callback?error=access_denied&state=x', { key: null });
    expect(declined.status).toBe(400);
    expect(await declined.text()).toContain('OAUTH.CONSENT_DENIED');
  });

  it('disconnects: the grant is revoked at Google, the tokens deleted, and the account free to connect again', async () => {
    const account = { sub: '108000000000000000999', email: 'leaving@example.com' };
    const flow = await connect('leaving', 'code-9', account);
    const { api_key: key } = await (await flow.callback()).json();
    const revokesBefore = google.calls.filter((c) => c.path === '/revoke').length;

    const gone = await api.request('/api/auth/google/connection', { method: 'DELETE', key });

    expect(gone.status).toBe(200);
    expect(await gone.json()).toEqual({ status: 'disconnected', user_id: 'leaving' });
    expect(google.calls.filter((c) => c.path === '/revoke').length).toBe(revokesBefore + 1);
    expect(await api.composition.tokens.get('leaving')).toBeNull();
    const again = await api.request('/api/auth/google/connection', { method: 'DELETE', key });
    expect(again.status).toBe(404);
    expect((await again.json()).code).toBe('OAUTH.NOT_CONNECTED');
    expect((await api.request('/api/auth/google/connection', { method: 'DELETE', key: null })).status).toBe(401);
    // The same Google account can now serve another user.
    const other = await connect('arriving', 'code-10', account);
    expect((await other.callback()).status).toBe(200);
  });
});
