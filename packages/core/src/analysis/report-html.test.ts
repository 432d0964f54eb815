import { createHash } from 'node:crypto';
import type { AnalysisResult } from '../domain/analysis-result';
import type { Metrics } from '../domain/metrics';
import { tradeSeries } from '../testing/make-trade';
import { completedReportJob, reportPageFixture } from '../testing/report-page';
import { formatDate, formatMoney, formatPercent, formatR } from './format';
import { ungroundedNumbers } from './grounding';
import { computeMetrics } from './metrics';
import { REPORT_PAGE_CSP, renderReportHtml, type ReportPageInput } from './report-html';
import { describePeriod } from './report-html/overview';
import { roundMetrics } from './round-metrics';

const decode = (text: string): string =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** What a reader sees or hears: the text of the document (no stylesheet) and the charts' aria-labels. */
function visibleText(page: string): string {
  const labels = [...page.matchAll(/aria-label="([^"]*)"/g)].map((match) => decode(match[1]!));
  const text = decode(page.replace(/<style>[\s\S]*?<\/style>/g, ' ').replace(/<[^>]+>/g, ' '));
  return [text, ...labels].join('\n');
}

const headings = (page: string) => [...page.matchAll(/<h([1-6])[^>]*>(.*?)<\/h\1>/g)].map((match) => ({ level: Number(match[1]), text: decode(match[2]!) }));

const section = (page: string, id: string): string => {
  const start = page.indexOf(`aria-labelledby="${id}"`);
  expect(start).toBeGreaterThan(-1);
  return page.slice(start, page.indexOf('</section>', start));
};

const svgs = (page: string): string[] => page.match(/<svg[\s\S]*?<\/svg>/g) ?? [];

const render = (input: Partial<ReportPageInput> = {}): { page: string; result: AnalysisResult } => {
  const fixture = reportPageFixture();
  const result = input.result ?? fixture.result;
  return { page: renderReportHtml({ job: fixture.job, ...input, result }), result };
};

describe('renderReportHtml: structure', () => {
  const { page, result } = render({ footerNote: 'Shared link · expires 2026-12-09' });

  it('is one English document with a main landmark, a single h1 and no skipped heading level', () => {
    const levels = headings(page).map((heading) => heading.level);

    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page.match(/<main[ >]/g)).toHaveLength(1);
    expect(levels.filter((level) => level === 1)).toHaveLength(1);
    expect(levels[0]).toBe(1);
    levels.forEach((level, index) => expect(level).toBeLessThanOrEqual((levels[index - 1] ?? 0) + 1));
  });

  it('puts the question and its answer first, then metrics, charts, tables, patterns, media, research, plan and notes', () => {
    const sections = headings(page)
      .filter((heading) => heading.level === 2)
      .map((heading) => heading.text);

    expect(sections).toEqual([
      'Question and answer',
      'Key metrics',
      'Equity curve and drawdown',
      'Breakdowns',
      'Behavioural patterns',
      'Voice notes and charts',
      'Market context',
      'Opportunities',
      'Action plan',
      'About this report',
    ]);
    const question = page.indexOf('Why do I keep losing on TSLA');
    const answer = page.indexOf(result.report.performance_overview.summary);
    expect(question).toBeGreaterThan(page.indexOf('<h1>'));
    expect(answer).toBeGreaterThan(question);
    expect(answer).toBeLessThan(page.indexOf('id="metrics-heading"'));
    expect(page).toContain('<p class="meta"><span class="label">Period:</span> 2026-03-01 to 2026-03-31 (UTC)</p>');
  });

  it('shows the stored metrics as cards, signed and worded so profit and loss do not rest on colour', () => {
    const { metrics } = result;
    const cards = section(page, 'metrics-heading');

    expect(metrics.net_pnl).toBeGreaterThan(0);
    expect(cards).toContain(`<dt>Net P&amp;L</dt><dd><span class="profit">+${formatMoney(metrics.net_pnl)}</span><span class="note">net profit</span></dd>`);
    expect(cards).toContain(`<dt>Win rate</dt><dd>${formatPercent(metrics.win_rate)}`);
    expect(cards).toContain(`<dt>Largest loss</dt><dd><span class="loss">${formatMoney(metrics.largest_loss)}</span>`);
    expect(cards).toContain(`<dt>Max drawdown</dt><dd>${formatMoney(metrics.max_drawdown)}`);
    expect(cards).toContain(`· ${metrics.breakeven_count} break-even`);
    expect(cards).toContain(`<dt>Average R</dt><dd>${formatR(metrics.average_r)}`);
    expect(cards.match(/<div class="card">/g)?.length).toBeGreaterThanOrEqual(12);
  });

  it('draws the equity curve and the drawdown as labelled images with money and date axes', () => {
    const { metrics } = result;
    const [equity, drawdown] = svgs(page);
    const first = formatDate(metrics.first_exit!, 'UTC');
    const last = formatDate(metrics.last_exit!, 'UTC');

    expect(svgs(page)).toHaveLength(2);
    for (const svg of [equity!, drawdown!]) {
      expect(svg).toMatch(/^<svg class="chart" id="[a-z-]+" viewBox="0 0 \d+ \d+" width="\d+" height="\d+" role="img" aria-label="[^"]+"/);
      expect(svg).toMatch(/<title>[^<]+<\/title>/);
      expect(svg).toContain('>Exit date (UTC)</text>');
      expect(svg).toContain(`>${first}</text>`);
      expect(svg).toContain(`>${last}</text>`);
      expect(svg).toContain('>0.00</text>');
    }
    expect(equity).toContain('>Cumulative P&amp;L</text>');
    expect(equity).toContain(`>${formatMoney(metrics.net_pnl)}</text>`);
    expect(equity).toContain(`ending at +${formatMoney(metrics.net_pnl)}`);
    expect(drawdown).toContain(`>${formatMoney(-metrics.max_drawdown)}</text>`);
    expect(page).toContain('.chart{display:block;width:100%;');
  });

  it('renders every breakdown as a captioned table with column and row headers, in its own scrolling box', () => {
    const tables = section(page, 'breakdowns-heading');
    const captions = [...tables.matchAll(/<caption[^>]*>(.*?)<\/caption>/g)].map((match) => decode(match[1]!));

    expect(captions).toEqual([
      'By ticker',
      'By side',
      'By weekday of exit (UTC)',
      'By hour of entry (UTC)',
      'By tag (a trade counts under each of its tags)',
      'By account',
    ]);
    expect(tables.match(/<div class="table-wrap" role="region" aria-labelledby="[a-z-]+" tabindex="0"><table/g)).toHaveLength(6);
    expect(tables.match(/<th scope="col"/g)).toHaveLength(6 * 4);
    const tsla = result.metrics.by_ticker.find((row) => row.key === 'TSLA')!;
    expect(tables).toContain(
      `<tr><th scope="row">TSLA</th><td class="num">${tsla.trade_count}</td><td class="num"><span class="loss">${formatMoney(tsla.net_pnl)}</span></td><td class="num">${formatPercent(tsla.win_rate)}</td></tr>`,
    );
    expect(tables).toContain('<th scope="row">13:00</th>');
    expect(page).toContain('.table-wrap{overflow-x:auto;');
  });

  it('shows each behavioural pattern with its evidence and the trades that show it', () => {
    const patterns = section(page, 'patterns-heading');

    expect(result.patterns.length).toBeGreaterThan(0);
    for (const pattern of result.patterns) {
      expect(patterns).toMatch(new RegExp(`<h3 id="pattern-\\d+">${pattern.title}</h3><p>${pattern.description.replace(/[.()]/g, '\\$&')}</p>`));
      for (const tradeId of pattern.trade_ids) {
        const trade = result.pattern_trades!.find((t) => t.trade_id === tradeId)!;
        expect(patterns).toContain(`<tr><th scope="row">${trade.exit_timestamp.slice(0, 10)}</th><td>${trade.ticker}</td><td>${trade.position_type}</td>`);
      }
    }
    // A result stored before pattern trades were kept still lists the trades, by id.
    const older = renderReportHtml({ job: completedReportJob(), result: { ...result, pattern_trades: undefined } });
    const tradeId = result.patterns[0]!.trade_ids[0]!;
    expect(older).toContain(`<tr><th scope="row">${tradeId}</th><td>2026-03-`);
    expect(patterns).toContain('<dt>Revenge net P&amp;L</dt><dd>215.13</dd>');
    expect(patterns).toContain('<dt>Window minutes</dt><dd>60.0 min</dd>');
    // The local coach's lines repeat the descriptions: printed once.
    expect(patterns.split(result.patterns[0]!.description)).toHaveLength(2);
  });

  it('links each voice note and chart to its file, research to its source, and lists the plan and notes', () => {
    const media = section(page, 'media-heading');

    expect(media).toContain('<a href="https://drive.google.com/file/d/drive-audio-1/view" rel="noopener noreferrer">Open the voice note</a>');
    expect(media).toContain('<a href="/api/media/media-chart-1" rel="noopener noreferrer">Open the chart</a>');
    expect(media).toContain('<details><summary>Transcript</summary><p class="transcript">Ugh, stopped out again.\nI am getting back in');
    expect(section(page, 'research-heading')).toContain(
      '<a href="https://example.com/markets/tesla-deliveries" rel="noopener noreferrer">Tesla shares swing on delivery numbers</a>',
    );
    expect(section(page, 'plan-heading')).toContain('<ol class="plan"><li><span class="label">Pause TSLA</span>: ');
    expect(section(page, 'about-heading')).toContain('<h3>Warnings</h3><ul><li><span class="label">Reading charts:</span> A chart could not be read');
    expect(page).toMatch(/<footer class="page-footer"><p>Shared link · expires 2026-12-09<\/p>/);
  });

  it('sends media links through mediaHref, and lists skipped steps', () => {
    const fixture = reportPageFixture({ overrides: { skipped_steps: [{ step: 'web_research', reason: 'No research service is configured.' }] } });

    const shared = renderReportHtml({ ...fixture, mediaHref: (insight) => `/api/shared/tok/media/${insight.file_id}` });

    expect(shared).toContain('<a href="/api/shared/tok/media/drive-audio-1" rel="noopener noreferrer">Open the voice note</a>');
    expect(shared).not.toContain('href="https://drive.google.com');
    expect(section(shared, 'about-heading')).toContain('<li><span class="label">Market research:</span> No research service is configured.</li>');
    expect(renderReportHtml({ ...fixture, mediaHref: () => undefined })).toContain('File drive-audio-1 (no link stored)');
  });

  it('renders the account table only when the metrics carry one, whatever an older result holds', () => {
    const { metrics } = reportPageFixture().result;
    const without: Partial<Metrics> = { ...metrics };
    delete without.by_account;
    const withMetrics = (value: unknown) => render({ result: reportPageFixture({ overrides: { metrics: value as Metrics } }).result }).page;

    expect(withMetrics(without)).not.toContain('By account');
    expect(withMetrics({ ...metrics, by_account: 'oops' })).not.toContain('By account');
    expect(withMetrics({ ...metrics, by_account: [{ key: 'IB-main', trade_count: 40, net_pnl: metrics.net_pnl, win_rate: metrics.win_rate }] })).toContain(
      '<th scope="row">IB-main</th>',
    );
  });

  it('shows a break-even period and a period without losses in words, not as errors', () => {
    const metricsOf = (pnls: number[]) => roundMetrics(computeMetrics(tradeSeries(pnls)));
    const page = (metrics: Metrics) => section(render({ result: reportPageFixture({ overrides: { metrics } }).result }).page, 'metrics-heading');

    const even = page(metricsOf([10, -10, 0]));
    const noLosses = page(metricsOf([10, 0]));

    expect(even).toContain('<dt>Net P&amp;L</dt><dd><span class="even">0.00</span><span class="note">break-even</span></dd>');
    expect(even).toContain('1 win · 1 loss · 1 break-even');
    expect(noLosses).toContain('<dt>Profit factor</dt><dd>n/a<span class="note">no losing trades</span></dd>');
  });

  it('names the account the job was limited to, and heads the answer "Summary" when nothing was asked', () => {
    const { job, result } = reportPageFixture({ prompt: '  ' });
    const request = { ...job.request, account: 'IB <main>' } as ReportPageInput['job']['request'];

    const page = renderReportHtml({ job: { ...job, request }, result });

    expect(page).toContain(' · <span class="label">Account:</span> IB &lt;main&gt;</p>');
    expect(page).toContain('<h2 id="answer-heading">Summary</h2><p class="answer">');
    expect(page).not.toContain('class="question"');
  });

  it('refuses a job that has not completed', () => {
    const { result } = reportPageFixture();

    expect(() => renderReportHtml({ job: completedReportJob(undefined, { status: 'running' }), result })).toThrow(/running, not completed/);
  });
});

describe('renderReportHtml: self-contained and locked down', () => {
  const { page, result } = render();

  it('has one stylesheet whose sha256 is the only style source the CSP allows', () => {
    const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1]!);
    const hash = createHash('sha256').update(styles[0]!, 'utf8').digest('base64');

    expect(page.match(/<style/g)).toHaveLength(1);
    expect(REPORT_PAGE_CSP).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(styles[0]).not.toMatch(/@import|url\(/);
  });

  it('has no script, no inline style, nothing that loads', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/\sstyle=/i);
    expect(page).not.toMatch(/\s(?:src|srcset|action|formaction|background|poster)=/i);
    expect(page).not.toMatch(/<(?:img|iframe|object|embed|form|input|video|audio|source|base)\b/i);
    expect(page).not.toMatch(/\son[a-z]+=/i);
    expect(page.match(/<link [^>]*>/g)).toEqual(['<link rel="icon" href="data:,">']);
  });

  it('names no web address but the links the result holds', () => {
    const stored = new Set([...result.audio_insights, ...result.image_insights].map((insight) => insight.link).concat(result.external_research.map((f) => f.url)));
    const urls = page.match(/https?:\/\/[^\s"<>]+/g) ?? [];

    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(stored.has(url)).toBe(true);
  });
});

describe('renderReportHtml: hostile text', () => {
  const attack = '<script>alert(1)</script>';
  const breakout = '"><img src=x onerror=alert(1)>';
  const fixture = reportPageFixture({ prompt: `Why ${attack}?` });
  const metrics = fixture.result.metrics;
  const result: AnalysisResult = {
    ...fixture.result,
    report: {
      ...fixture.result.report,
      performance_overview: { summary: `Answer ${breakout}`, key_metrics: [attack] },
      opportunities: [`<a href="javascript:alert(1)">click</a>`],
      action_plan: [{ title: breakout, detail: attack }],
    },
    metrics: {
      ...metrics,
      by_ticker: [{ ...metrics.by_ticker[0]!, key: breakout }],
      by_tag: [{ ...metrics.by_tag[0]!, key: `</caption>${attack}` }],
    },
    patterns: [{ kind: 'losing_ticker', title: attack, description: breakout, trade_ids: [breakout], evidence: { ticker: attack } }],
    audio_insights: [{ file_id: breakout, link: 'javascript:alert(1)', summary: attack, transcript: breakout, highlights: [attack] }],
    image_insights: [
      { file_id: 'i1', link: 'data:text/html,<script>alert(1)</script>', summary: 'data link' },
      { file_id: 'i2', link: '//evil.example/x', summary: 'protocol-relative' },
      { file_id: 'i3', link: '/api/../admin', summary: 'climbing out' },
      { file_id: 'i4', link: 'https://ok.example/a"onmouseover="alert(1)', summary: 'quote in url' },
      { file_id: 'i5', link: ' javascript:alert(1)', summary: 'leading space' },
    ],
    external_research: [{ title: breakout, summary: attack, url: 'JaVaScRiPt:alert(1)' }],
    warnings: [{ step: 'collect_media', message: attack, file_id: breakout }],
    skipped_steps: [{ step: 'web_research', reason: breakout }],
  };
  const page = renderReportHtml({
    job: fixture.job,
    result,
    footerNote: attack,
    mediaHref: (insight) => insight.link,
  });

  it('escapes every piece of trader and model text', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/<a href="javascript/i);
    expect(page).not.toContain('</caption><script');
    expect(page).toContain('Why &lt;script&gt;alert(1)&lt;/script&gt;?');
    expect(page).toContain('Answer &quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('<th scope="row">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</th>');
    // Every attribute the page writes is a double-quoted value without a raw quote: nothing broke out of one.
    for (const tag of page.match(/<[a-z][^>]*>/g) ?? []) expect(tag).toMatch(/^<[a-z0-9]+(?:\s+[a-z][a-z0-9-]*(?:="[^"<]*")?)*\s*\/?>$/i);
  });

  it('turns only http(s) and /api/ links into links; others are shown as text', () => {
    const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((match) => match[1]);

    expect(hrefs).toEqual(['data:,']);
    expect(page).toContain('Open the voice note <span class="unlinked">(javascript:alert(1))</span>');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt; <span class="unlinked">(JaVaScRiPt:alert(1))</span>');
  });
});

describe('renderReportHtml: a period without trades', () => {
  const fixture = reportPageFixture({ trades: 0 });
  const page = renderReportHtml(fixture);

  it('says so plainly, with the answer and a trade count but no charts or tables', () => {
    const levels = headings(page).map((heading) => heading.level);

    expect(page).not.toContain('<svg');
    expect(page).not.toContain('<table');
    expect(page).toContain('<p>No trades in range, so there is no equity curve.</p>');
    expect(page).toContain('<p>No trades in range, so there is nothing to break down.</p>');
    expect(page).toContain('0 closed trades. No trades in range.');
    expect(page).toContain('<div class="card"><dt>Trades</dt><dd>0<span class="note">none closed in this period</span></dd></div>');
    expect(page).toContain(fixture.result.report.performance_overview.summary);
    expect(page).toContain('<p>No behavioural pattern met its detection rule.</p>');
    levels.forEach((level, index) => expect(level).toBeLessThanOrEqual((levels[index - 1] ?? 0) + 1));
  });
});

describe('renderReportHtml: grounding', () => {
  /** Text the page repeats from the result or the job: the coach's and the models' words, ids, and the curve's points. */
  function storedText(job: ReportPageInput['job'], result: AnalysisResult): string {
    const { report, metrics } = result;
    return [
      job.request.prompt,
      report.performance_overview.summary,
      ...report.performance_overview.key_metrics,
      ...report.behavioural_patterns,
      ...report.opportunities,
      ...report.action_plan.flatMap((item) => [item.title, item.detail]),
      ...[...result.audio_insights, ...result.image_insights].flatMap((insight) => [
        insight.file_id,
        insight.trade_id ?? '',
        insight.summary,
        insight.transcript ?? '',
        ...(insight.highlights ?? []),
        ...(insight.risks ?? []),
        ...(insight.opportunities ?? []),
      ]),
      ...result.external_research.flatMap((finding) => [finding.title, finding.summary]),
      ...result.warnings.flatMap((warning) => [warning.message, warning.file_id ?? '', warning.trade_id ?? '']),
      ...result.skipped_steps.map((step) => step.reason),
      ...(result.pattern_trades ?? []).flatMap((trade) => [trade.ticker, formatMoney(trade.pnl), formatDate(trade.exit_timestamp, metrics.timezone)]),
      ...metrics.equity_curve.flatMap((point) => [
        formatMoney(point.cumulative_pnl),
        formatDate(point.exit_timestamp, metrics.timezone),
        formatR(point.r),
      ]),
    ].join('\n');
  }

  it.each([
    ['40 trades', reportPageFixture()],
    ['no trades', reportPageFixture({ trades: 0 })],
    ['120 trades, other question', reportPageFixture({ trades: 120, prompt: 'How are my Friday afternoons?' })],
  ])('prints only numbers the stored result holds (%s)', (_name, { job, result }) => {
    const page = renderReportHtml({ job, result });

    const ungrounded = ungroundedNumbers(visibleText(page), result.metrics, result.patterns, {
      period: describePeriod(result.period),
      prompt: storedText(job, result),
    });

    expect(ungrounded).toEqual([]);
  });

  it('would notice a number that is not the result’s', () => {
    const { job, result } = reportPageFixture();
    const tampered = { ...result, metrics: { ...result.metrics, net_pnl: 123_456.78 } };

    const ungrounded = ungroundedNumbers(visibleText(renderReportHtml({ job, result: tampered })), result.metrics, result.patterns, {
      period: describePeriod(result.period),
      prompt: storedText(job, result),
    });

    expect(ungrounded).toContain('123,456.78');
  });
});
