import { OAuth2Client } from 'google-auth-library';
import { startGoogleStandIn, type GoogleStandIn } from './google-standin';

const alice = { sub: '111111111111111111111', email: 'alice@example.com' };

describe('Google stand-in', () => {
  let standIn: GoogleStandIn;

  beforeAll(async () => {
    standIn = await startGoogleStandIn();
  });
  afterAll(async () => {
    await standIn.close();
  });

  const oauthClient = (clientSecret = standIn.clientSecret) =>
    new OAuth2Client({
      clientId: standIn.clientId,
      clientSecret,
      redirectUri: 'http://localhost:3000/api/auth/google/callback',
      endpoints: { oauth2TokenUrl: standIn.tokenUrl, oauth2AuthBaseUrl: standIn.authUrl },
      transporterOptions: { fetchImplementation: fetch },
    });
  const userinfo = (accessToken: string) =>
    fetch(new URL('oauth2/v3/userinfo', standIn.url), { headers: { Authorization: `Bearer ${accessToken}` } });

  it('exchanges a registered code once, for tokens that userinfo accepts', async () => {
    standIn.registerCode('code-1', alice);
    const client = oauthClient();

    const { tokens } = await client.getToken('code-1');
    const answer = await userinfo(tokens.access_token ?? '');

    expect(tokens).toMatchObject({ token_type: 'Bearer', refresh_token: expect.stringMatching(/^1\/\//) });
    expect(tokens.scope).toContain('https://www.googleapis.com/auth/drive.file');
    expect(await answer.json()).toEqual({ sub: alice.sub, email: alice.email, email_verified: true });
    await expect(client.getToken('code-1')).rejects.toMatchObject({ response: { status: 400, data: { error: 'invalid_grant' } } });
  });

  it('refuses a wrong client secret and a revoked refresh token like Google', async () => {
    standIn.registerCode('code-2', alice);
    const { refreshToken } = standIn.grantTokens(alice);
    const client = oauthClient();
    client.setCredentials({ refresh_token: refreshToken });

    const refreshed = await client.getAccessToken();
    standIn.revokeRefreshToken(refreshToken);
    const afterRevoke = await userinfo(refreshed.token ?? '');

    await expect(oauthClient('wrong').getToken('code-2')).rejects.toMatchObject({ response: { status: 401, data: { error: 'invalid_client' } } });
    expect(afterRevoke.status).toBe(401);
    client.setCredentials({ refresh_token: refreshToken });
    await expect(client.getAccessToken()).rejects.toMatchObject({ response: { status: 400, data: { error: 'invalid_grant' } } });
  });

  it('answers an API call without a valid token with Google’s 401 body, and records it', async () => {
    const before = standIn.calls.length;

    const answer = await fetch(new URL('drive/v3/files/abc', standIn.url), { headers: { Authorization: 'Bearer nope' } });

    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED', errors: [{ reason: 'authError' }] } });
    expect(standIn.calls.slice(before)).toEqual([{ method: 'GET', path: '/drive/v3/files/abc', query: {}, status: 401 }]);
  });

  it('reads A1 ranges with quoted tab names and refuses a missing tab as Sheets does', async () => {
    const { accessToken } = standIn.grantTokens(alice);
    const id = standIn.createSpreadsheet(alice, { tabs: { "Bob's trades": [['a', 1], ['b', 2, true]] } });
    const get = (range: string) =>
      fetch(new URL(`v4/spreadsheets/${id}/values/${encodeURIComponent(range)}?valueRenderOption=UNFORMATTED_VALUE`, standIn.url), {
        headers: { Authorization: `Bearer ${accessToken}` },
      });

    const whole = await (await get("'Bob''s trades'")).json();
    const cell = (await (await get("'Bob''s trades'!B2")).json()) as { values: unknown };
    const missing = await get('Nope!A1');

    expect(whole).toEqual({ range: "'Bob''s trades'!A1:Z1000", majorDimension: 'ROWS', values: [['a', 1], ['b', 2, true]] });
    expect(cell.values).toEqual([[2]]);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 400, message: 'Unable to parse range: Nope!A1', status: 'INVALID_ARGUMENT' } });
  });

  it('reads several ranges in one batchGet, cuts a range at the grid and refuses one that starts below it', async () => {
    const { accessToken } = standIn.grantTokens(alice);
    const id = standIn.createSpreadsheet(alice, { tabs: { Journal: [['h'], ['r2'], [], ['r4']] } });
    const batchGet = (...ranges: string[]) =>
      fetch(new URL(`v4/spreadsheets/${id}/values:batchGet?${ranges.map((r) => `ranges=${encodeURIComponent(r)}`).join('&')}`, standIn.url), {
        headers: { Authorization: `Bearer ${accessToken}` },
      });

    const both = await (await batchGet('Journal!1:1', 'Journal!2:1500')).json();
    const below = await batchGet('Journal!1:1', 'Journal!1001:1100');

    expect(both).toEqual({
      spreadsheetId: id,
      valueRanges: [
        { range: 'Journal!A1:Z1', majorDimension: 'ROWS', values: [['h']] },
        { range: 'Journal!A2:Z1000', majorDimension: 'ROWS', values: [['r2'], [], ['r4']] },
      ],
    });
    expect(below.status).toBe(400);
    expect(await below.json()).toMatchObject({ error: { message: 'Range (Journal!1001:1100) exceeds grid limits. Max rows: 1000, max columns: 26' } });
  });

  it('runs USER_ENTERED input as a person typing would (formulas live) and keeps RAW input as text', async () => {
    const { accessToken } = standIn.grantTokens(alice);
    const id = standIn.createSpreadsheet(alice, { tabs: { Journal: [] } });
    const append = (valueInputOption: string) =>
      fetch(new URL(`v4/spreadsheets/${id}/values/Journal!A1:append?valueInputOption=${valueInputOption}&insertDataOption=INSERT_ROWS`, standIn.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ values: [['=1+1', '42']] }),
      });

    const typed = await (await append('USER_ENTERED')).json();
    await append('RAW');

    expect(typed).toEqual({
      spreadsheetId: id,
      updates: { spreadsheetId: id, updatedRange: 'Journal!A1:B1', updatedRows: 1, updatedColumns: 2, updatedCells: 2 },
    });
    expect(standIn.tabRows(id, 'Journal')).toEqual([
      [{ formula: '=1+1' }, 42],
      ['=1+1', '42'],
    ]);
  });

  it('serves an injected fault instead of the call, the given number of times', async () => {
    const { accessToken } = standIn.grantTokens(alice);
    standIn.failNext({ pathPattern: '/oauth2/v3/userinfo', status: 429, headers: { 'Retry-After': '7' }, times: 2 });

    const answers = [await userinfo(accessToken), await userinfo(accessToken), await userinfo(accessToken)];

    expect(answers.map((a) => a.status)).toEqual([429, 429, 200]);
    expect(answers[0]?.headers.get('retry-after')).toBe('7');
    expect(await answers[0]?.json()).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
  });
});
