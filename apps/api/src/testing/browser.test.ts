import { findChromium, isSkipped } from './browser';

describe('findChromium', () => {
  const nowhere = ['/nonexistent/chromium'];

  it('skips with the reason when Chromium is missing and may not be installed', () => {
    const found = findChromium({ candidates: nowhere, install: false, ci: false });

    expect(isSkipped(found) && found.skipped).toMatch(/^Chromium is not installed \(none of \/nonexistent\/chromium;.*apt-get install -y chromium/);
  });

  it('fails instead of skipping on CI', () => {
    expect(() => findChromium({ candidates: nowhere, install: false, ci: true })).toThrow(/CI=true, so the browser suites fail rather than skip/);
  });

  it('takes the first executable candidate', () => {
    expect(findChromium({ candidates: [...nowhere, process.execPath], install: false, ci: true })).toEqual({ executablePath: process.execPath });
  });
});
