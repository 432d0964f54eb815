// The ingest bench's hand-written handler does the work it stands for: a row it cannot skip, a key it checks, core's
// validation, the headers and the answer the API gives. (Its speed is the bench's to show, never a test's.)
import { startHandWrittenIngest, type HandWrittenIngest } from './hand-written-ingest';
import { tradeBody } from './journal-fixture';

let server: HandWrittenIngest;
beforeAll(async () => {
  server = await startHandWrittenIngest();
});
afterAll(async () => {
  await server.close();
});

const post = (body: string, key: string | null = server.key) =>
  fetch(server.url, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}) } });

describe('the hand-written ingest handler', () => {
  it('appends each trade as a new row and answers 201 as the API does', async () => {
    const first = await post(tradeBody());
    const second = await post(tradeBody());
    expect([first.status, second.status]).toEqual([201, 201]);
    const a = (await first.json()) as { trade: { trade_id: string; user_id: string; ticker: string }; location: { row_number: number; sheet_id: string } };
    const b = (await second.json()) as typeof a;
    expect(a.trade).toMatchObject({ user_id: 'local', ticker: JSON.parse(tradeBody()).ticker });
    expect(b.trade.trade_id).not.toBe(a.trade.trade_id);
    expect(b.location.row_number).toBe(a.location.row_number + 1);
    expect(first.headers.get('location')).toBe(`/api/trades/${a.trade.trade_id}?sheet_id=bench-ingest`);
  });

  it("sends Helmet's headers and a request id", async () => {
    const response = await post(tradeBody());
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=/);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('refuses a missing or unknown key, and a trade core refuses, without writing', async () => {
    const before = (await (await post(tradeBody())).json()) as { location: { row_number: number } };
    expect((await post(tradeBody(), null)).status).toBe(401);
    expect((await post(tradeBody(), `pk_${'A'.repeat(43)}`)).status).toBe(401);
    expect((await post(JSON.stringify({ ...JSON.parse(tradeBody()), pnl: 'lots' }))).status).toBe(400);
    const after = (await (await post(tradeBody())).json()) as { location: { row_number: number } };
    expect(after.location.row_number).toBe(before.location.row_number + 1);
  });
});
