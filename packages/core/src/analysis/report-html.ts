// The report page a trader sends to their mentor: one self-contained HTML document, no script, one hashed stylesheet.
import type { AnalysisResult, MediaInsight } from '../domain/analysis-result';
import type { AnalysisJob } from '../domain/job';
import { renderDrawdownChart, renderEquityChart } from './report-charts';
import { breakdownsSection } from './report-html/breakdowns';
import { html, join, SafeHtml } from './report-html/html';
import { aboutSection, mediaSection, planSection, researchSection } from './report-html/narrative';
import { answerSection, describePeriod, headerSection, metricsSection } from './report-html/overview';
import { patternsSection } from './report-html/patterns';
import { REPORT_PAGE_CSP, REPORT_STYLESHEET } from './report-html/stylesheet';
import { DEFAULT_REPORT_TITLE } from './report-markdown';

export { REPORT_PAGE_CSP };

export interface ReportPageInput {
  /** The job as stored: must be `completed`; its request holds the trader's question. */
  job: AnalysisJob;
  result: AnalysisResult;
  /** Turns a stored media link (a Drive URL, or `/api/media/{id}`) into the href the page uses; default: identity. */
  mediaHref?: (insight: MediaInsight) => string | undefined;
  /** Shown in the footer, e.g. "Shared link · expires 2026-12-09"; plain text. */
  footerNote?: string;
}

// The request may name a broker account (newer jobs); read defensively so older stored jobs render the same.
function accountOf(job: AnalysisJob): string | undefined {
  const account = (job.request as { account?: unknown }).account;
  return typeof account === 'string' && account.trim() !== '' ? account : undefined;
}

function chartsSection(result: AnalysisResult): SafeHtml {
  const { metrics } = result;
  const equity = metrics.trade_count > 0 ? renderEquityChart(metrics.equity_curve, metrics.timezone) : null;
  const drawdown = metrics.trade_count > 0 ? renderDrawdownChart(metrics.equity_curve, metrics.max_drawdown, metrics.timezone) : null;
  const figures =
    equity === null || drawdown === null
      ? html`<p>No trades in range, so there is no equity curve.</p>`
      : join([
          html`<figure class="chart-figure">${equity}<figcaption>Cumulative net P&amp;L after each closed trade, starting from zero.</figcaption></figure>`,
          html`<figure class="chart-figure">${drawdown}<figcaption>Drawdown: how far cumulative P&amp;L stood below its highest point so far.</figcaption></figure>`,
        ]);
  return html`<section aria-labelledby="charts-heading"><h2 id="charts-heading">Equity curve and drawdown</h2>${figures}</section>`;
}

/**
 * The whole page. Every number is the stored result's, printed by the shared formatters (as in the Markdown); every
 * piece of trader or model text is escaped; links are kept only when they are http(s) or the API's own `/api/` paths.
 */
export function renderReportHtml(input: ReportPageInput): string {
  const { job, result, footerNote } = input;
  if (job.status !== 'completed') throw new Error(`Job ${job.job_id} is ${job.status}, not completed: it has no report page.`);
  if (typeof result !== 'object' || result === null) throw new Error(`Job ${job.job_id} has no result to render.`);
  const mediaHref = input.mediaHref ?? ((insight: MediaInsight) => insight.link);
  const { metrics, report } = result;
  const title = DEFAULT_REPORT_TITLE;
  const period = describePeriod(result.period);

  const main = join([
    headerSection({ title, period: result.period, metrics, account: accountOf(job) }),
    answerSection(job.request.prompt, report),
    metricsSection(metrics),
    chartsSection(result),
    breakdownsSection(metrics),
    patternsSection(report.behavioural_patterns, result.patterns, metrics.equity_curve, metrics.timezone, result.pattern_trades ?? []),
    mediaSection(result.audio_insights, result.image_insights, mediaHref),
    researchSection(result.external_research),
    planSection(report),
    aboutSection(result.skipped_steps, result.warnings),
  ]);
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
<title>${title} · ${period}</title>
<style>${new SafeHtml(REPORT_STYLESHEET)}</style>
</head>
<body>
<div class="page">
<main>${main}</main>
<footer class="page-footer">${footerNote !== undefined && footerNote.trim() !== '' && html`<p>${footerNote}</p>`}<p>${title} · ${period}</p></footer>
</div>
</body>
</html>
`;
  return page.value;
}
