// Load with integrity (issue 12): concurrent clients post trades with Idempotency-Keys, retry at random and give up
// mid-flight; afterwards the journal holds exactly the accepted trades — none lost, none twice — and memory settles.
import { pngBytes, seededRandom, toBase64 } from '@pecunia/core/testing';
import { startTestServer, type TestServer } from './testing/test-server';

jest.setTimeout(90_000);

const CLIENTS = 16;
// Bounded by time, never asserted on: each client stops starting trades once the window has passed.
const WINDOW_MS = 3_000;
const SHEET = 'load-journal';

interface Tally {
  keys: number;
  sentTwice: number;
  aborted: number;
  replays: number;
  inProgress: number;
}

describe('trades under concurrent load, with retries and aborted requests', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await startTestServer({ RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '0', WORKER_ENABLED: 'false' });
  });
  afterAll(async () => {
    await api?.close();
  });

  function post(key: string, body: string, signal?: AbortSignal) {
    return api.request(`/api/trades?sheet_id=${SHEET}`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
      ...(signal ? { signal } : {}),
    });
  }

  /** Sends until a definite answer: a 201 (first or replayed) gives the trade id; 409 in progress waits and retries. */
  async function settle(key: string, body: string, tally: Tally): Promise<string> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const res = await post(key, body);
      if (res.status === 201) {
        if (res.headers.get('idempotent-replayed') === 'true') tally.replays++;
        return (await res.json()).trade.trade_id as string;
      }
      const problem = await res.json();
      // An aborted first attempt may still be running, or its body may have been cut (400, key released): retry.
      if (res.status === 409 && problem.code === 'IDEMPOTENCY.IN_PROGRESS') {
        tally.inProgress++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      if (res.status === 400 && problem.code === 'BODY.ABORTED') continue;
      throw new Error(`key ${key}: unexpected ${res.status} ${JSON.stringify(problem)}`);
    }
    throw new Error(`key ${key}: no definite answer after 200 attempts`);
  }

  async function client(index: number, deadline: number, accepted: Map<string, string>, tally: Tally): Promise<void> {
    const random = seededRandom(1_000 + index);
    for (let n = 0; Date.now() < deadline; n++) {
      const key = `load-${index}-${n}`;
      tally.keys++;
      const body = JSON.stringify({
        ticker: 'MSFT',
        position_type: random() < 0.5 ? 'long' : 'short',
        pnl: Math.round((random() - 0.5) * 1_000),
        entry_timestamp: '2026-03-02T09:41:00Z',
        exit_timestamp: '2026-03-02T10:15:00Z',
        notes: `client ${index} trade ${n}`,
        // Every tenth trade carries a chart, so attachments go through the same retries.
        ...(n % 10 === 0 ? { attachments: [{ filename: 'chart.png', mime_type: 'image/png', data: toBase64(pngBytes()) }] } : {}),
      });
      const roll = random();
      let ids: string[];
      if (roll < 0.1) {
        // Sent twice at once: one wins, the other is told to wait (or replayed), never a second write.
        tally.sentTwice++;
        ids = await Promise.all([settle(key, body, tally), settle(key, body, tally)]);
      } else if (roll < 0.2) {
        // Sent again after the first answer: a replay of it.
        tally.sentTwice++;
        ids = [await settle(key, body, tally)];
        ids.push(await settle(key, body, tally));
      } else if (roll < 0.35) {
        // Given up mid-flight, then retried with the same key: the first attempt may or may not have been written.
        tally.aborted++;
        const controller = new AbortController();
        const first = post(key, body, controller.signal).catch(() => undefined);
        setTimeout(() => controller.abort(), Math.floor(random() * 8));
        await first;
        ids = [await settle(key, body, tally)];
      } else {
        ids = [await settle(key, body, tally)];
      }
      expect(new Set(ids).size).toBe(1);
      accepted.set(key, ids[0]!);
    }
  }

  it('holds exactly the accepted trades, each once, and gives memory back', async () => {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const accepted = new Map<string, string>();
    const tally: Tally = { keys: 0, sentTwice: 0, aborted: 0, replays: 0, inProgress: 0 };

    const deadline = Date.now() + WINDOW_MS;
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i, deadline, accepted, tally)));

    const journal: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { trades: { trade_id: string }[]; next_cursor: string | null } = await (
        await api.request(`/api/trades?sheet_id=${SHEET}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      ).json();
      journal.push(...page.trades.map((t) => t.trade_id));
      cursor = page.next_cursor;
    } while (cursor);

    global.gc?.();
    const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    console.log(
      `load: ${CLIENTS} clients, ${tally.keys} trades (${tally.sentTwice} sent twice, ${tally.aborted} aborted and retried), ` +
        `${tally.replays} replays, ${tally.inProgress} in-progress answers; journal ${journal.length} rows; RSS ${rssGrowthMb.toFixed(1)} MB over start`,
    );

    const acceptedIds = [...accepted.values()];
    expect(accepted.size).toBe(tally.keys);
    expect(new Set(acceptedIds).size).toBe(acceptedIds.length);
    expect(journal.length).toBe(new Set(journal).size);
    expect(new Set(journal)).toEqual(new Set(acceptedIds));
    expect(tally.keys).toBeGreaterThan(CLIENTS);
    expect(rssGrowthMb).toBeLessThan(150);
    expect((await api.request('/api/health', { key: null })).status).toBe(200);
  });
});
