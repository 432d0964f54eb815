// The API reference in headless Chromium at a laptop's and a phone's width: it renders from this server alone, and
// a person can authorize with an API key and call a route from it.
import { describeWithChromium, saveScreenshot, VIEWPORTS, watchPage } from '../testing/browser';
import { startTestServer, type TestServer } from '../testing/test-server';

// Generous for a slow, shared 2-core machine; never an assertion on how long anything took.
const TIMEOUT_MS = 60_000;

describeWithChromium('the docs page in Chromium', (browser) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startTestServer();
  }, TIMEOUT_MS);
  afterAll(() => api?.close());

  it.each(VIEWPORTS)('renders every operation at $name width and runs an authorized call from the page', async ({ name, options }) => {
    // Arrange
    const context = await browser().newContext(options);
    try {
      const page = await context.newPage();
      const watch = watchPage(page, new URL(api.url).origin);

      // Act
      await page.goto(`${api.url}/api/docs`);
      const logTrade = page.locator('#operations-Trades-logTrade .opblock-summary');
      await logTrade.waitFor({ state: 'visible' });
      await page.locator('.scheme-container button.authorize').click();
      await page.locator('.modal-ux .auth-container input').fill(api.key);
      await page.locator('.modal-ux .auth-btn-wrapper button.authorize').click();
      await page.locator('.modal-ux .auth-btn-wrapper button.btn-done').click();
      // The overview, authorized, before any call: the screenshot shows no key and no request of this run (nor the
      // focus ring closing the dialog leaves).
      await page.evaluate('document.activeElement && document.activeElement.blur()');
      await saveScreenshot(page, `docs-${name}`);
      // A string: this project's TypeScript has no DOM types.
      const widths = await page.evaluate<{ scroll: number; inner: number }>('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })');
      const operation = page.locator('#operations-Analysis-listAnalysisJobs');
      await operation.locator('.opblock-summary-control').click();
      const called = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/analysis/jobs');
      await operation.locator('button.execute').click();
      const response = await called;
      const shownStatus = operation.locator('.live-responses-table .response .response-col_status').first();
      await shownStatus.waitFor({ state: 'visible' });

      // Assert
      expect(await logTrade.locator('.opblock-summary-method').textContent()).toBe('POST');
      expect(await logTrade.locator('.opblock-summary-path').getAttribute('data-path')).toBe('/api/trades');
      expect(response.request().headers()['authorization']).toBe(`Bearer ${api.key}`);
      expect(response.status()).toBe(200);
      expect((await shownStatus.textContent())?.trim()).toBe('200');
      // A phone browser widens its layout viewport to fit what overflows: the width must stay the device's.
      expect(widths.inner).toBe(options.viewport.width);
      expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
      expect(watch.problems()).toEqual([]);
    } finally {
      await context.close();
    }
  }, TIMEOUT_MS);
});
