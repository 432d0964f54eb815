// The report page in headless Chromium at a laptop's and a phone's width, opened by its owner (API key) and through a
// share link (no key): it loads nothing, breaks no policy, shows the job's net P&L and equity curve, and fits a phone.
import type { Page } from 'playwright-core';
import { formatMoney } from '@pecunia/core';
import { describeWithChromium, saveScreenshot, VIEWPORTS, watchPage } from '../testing/browser';
import { startTestServer, type TestServer } from '../testing/test-server';

// Generous for a slow, shared 2-core machine; never an assertion on how long anything took.
const TIMEOUT_MS = 60_000;
const SHEET = 'browser-report';
const TICKERS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMD'];

// The weekdays of the first two weeks of March 2026.
const DAYS = ['02', '03', '04', '05', '06', '09', '10', '11', '12', '13'];

/** 30 trades, three a day: mostly small wins, a few larger losses, both directions, some tagged. */
function trades() {
  return Array.from({ length: 30 }, (_, i) => {
    const day = DAYS[i % DAYS.length];
    const hour = String(14 + (i % 3)).padStart(2, '0');
    const pnl = i % 5 === 0 ? -(120 + i * 7.5) : i % 7 === 0 ? 0 : 45 + (i % 6) * 18.25;
    return {
      ticker: TICKERS[i % TICKERS.length],
      position_type: i % 4 === 0 ? 'short' : 'long',
      pnl,
      quantity: 50 + (i % 4) * 25,
      entry_timestamp: `2026-03-${day}T${hour}:05`,
      exit_timestamp: `2026-03-${day}T${hour}:${String(20 + i).padStart(2, '0')}`,
      ...(i % 3 === 0 ? { tags: ['breakout'] } : {}),
    };
  });
}

/** The amount as the page prints it: two decimals, thousands separators, the sign always written. */
const printedMoney = (value: number): string => (value > 0 ? `+${formatMoney(value)}` : formatMoney(value));

async function waitForCompletion(api: TestServer, jobId: string): Promise<{ status: string; metrics: { net_pnl: number } }> {
  // The in-process worker runs the job; a slow machine gets minutes, a finished job returns at once.
  for (let attempt = 0; attempt < 1_200; attempt++) {
    const job = await (await api.request(`/api/analysis/jobs/${jobId}`)).json();
    if (job.status === 'completed' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** What every report page must show, wherever it was opened from. */
async function readPage(page: Page) {
  // Located as a reader finds it: the card labelled "Net P&L" in the key metrics.
  const netPnl = page.locator('dl.cards > div').filter({ has: page.locator('dt', { hasText: /^Net P&L$/ }) }).locator('dd > span').first();
  const equity = page.locator('svg#equity-chart');
  const box = await equity.boundingBox();
  return {
    netPnl: { visible: await netPnl.isVisible(), text: (await netPnl.textContent())?.trim() },
    equityCurve: { visible: await equity.isVisible(), sized: (box?.width ?? 0) > 0 && (box?.height ?? 0) > 0 },
    // A string: this project's TypeScript has no DOM types.
    widths: await page.evaluate<{ scroll: number; inner: number }>('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })'),
  };
}

describeWithChromium('the report page in Chromium', (browser) => {
  let api: TestServer;
  let jobId: string;
  let netPnl: number;
  let shareUrl: string;

  beforeAll(async () => {
    api = await startTestServer();
    for (const trade of trades()) {
      const logged = await api.request(`/api/trades?sheet_id=${SHEET}`, { json: trade });
      if (logged.status !== 201) throw new Error(`logging a trade answered ${logged.status}: ${await logged.text()}`);
    }
    const created = await (await api.request('/api/analysis/jobs', { json: { sheet_id: SHEET, prompt: 'How did my first two weeks of March go?' } })).json();
    jobId = created.job_id;
    const job = await waitForCompletion(api, jobId);
    if (job.status !== 'completed') throw new Error(`the analysis ended ${job.status}: ${JSON.stringify(job)}`);
    netPnl = job.metrics.net_pnl;
    const shared = await api.request(`/api/analysis/jobs/${jobId}/share`, { method: 'POST' });
    if (shared.status !== 201) throw new Error(`sharing answered ${shared.status}: ${await shared.text()}`);
    shareUrl = (await shared.json()).url;
  }, TIMEOUT_MS);
  afterAll(() => api?.close());

  it.each(VIEWPORTS)('shows the net P&L and the equity curve at $name width, to the owner and through a share link', async ({ name, options }) => {
    // Arrange
    const context = await browser().newContext(options);
    try {
      const owner = await context.newPage();
      await owner.setExtraHTTPHeaders({ Authorization: `Bearer ${api.key}` });
      const ownerWatch = watchPage(owner, new URL(api.url).origin);
      const visitor = await context.newPage();
      const visitorWatch = watchPage(visitor, new URL(shareUrl).origin);

      // Act
      const ownerResponse = await owner.goto(`${api.url}/api/analysis/jobs/${jobId}/report.html`);
      const ownerView = await readPage(owner);
      await saveScreenshot(owner, `report-${name}`);
      const visitorResponse = await visitor.goto(shareUrl);
      const visitorView = await readPage(visitor);

      // Assert
      const expected = {
        netPnl: { visible: true, text: printedMoney(netPnl) },
        equityCurve: { visible: true, sized: true },
        // A phone browser widens its layout viewport to fit content that overflows: the width must stay the device's.
        widths: { scroll: expect.any(Number), inner: options.viewport.width },
      };
      for (const [response, view, watch] of [
        [ownerResponse, ownerView, ownerWatch],
        [visitorResponse, visitorView, visitorWatch],
      ] as const) {
        expect(response?.status()).toBe(200);
        expect(view).toEqual(expected);
        expect(view.widths.scroll).toBeLessThanOrEqual(view.widths.inner);
        expect(watch.problems()).toEqual([]);
      }
    } finally {
      await context.close();
    }
  }, TIMEOUT_MS);
});
