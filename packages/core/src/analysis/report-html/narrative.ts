// The report page's text sections: voice notes and charts, market research, opportunities, the action plan, and notes.
import type { MediaInsight, ResearchFinding, SkippedStep, StepName, WorkflowWarning } from '../../domain/analysis-result';
import type { ActionItem, Report } from '../../domain/report';
import { html, join, link, type SafeHtml } from './html';

export type MediaHref = (insight: MediaInsight) => string | undefined;

const STEP_LABELS: Record<StepName, string> = {
  load_journal: 'Loading the journal',
  compute_metrics: 'Computing the metrics',
  collect_media: 'Collecting attachments',
  transcribe_audio: 'Transcribing voice notes',
  analyse_images: 'Reading charts',
  web_research: 'Market research',
  synthesize: 'Writing the report',
  persist: 'Saving the result',
};

// Stored results outlive code: a step name this build does not know is shown as written.
const stepLabel = (step: string): string => STEP_LABELS[step as StepName] ?? step;

const listed = (label: string, items: readonly string[] | undefined): SafeHtml | false =>
  items !== undefined && items.length > 0 && html`<p><span class="label">${label}:</span> ${items.join('; ')}</p>`;

function insightItem(insight: MediaInsight, kind: 'voice note' | 'chart', mediaHref: MediaHref): SafeHtml {
  const about = [insight.trade_id === undefined ? '' : `Trade ${insight.trade_id}`, insight.sentiment === undefined ? '' : `Mood: ${insight.sentiment}`]
    .filter((part) => part !== '')
    .join(' · ');
  const href = mediaHref(insight);
  const file = href === undefined ? html`File ${insight.file_id} (no link stored)` : link(href, `Open the ${kind}`);
  const transcript = insight.transcript?.trim() ? insight.transcript : undefined;
  return join([
    html`<li class="insight"><p>${insight.summary}</p>`,
    about !== '' && html`<p class="meta">${about}</p>`,
    listed('Highlights', insight.highlights),
    listed('Risks', insight.risks),
    listed('Opportunities', insight.opportunities),
    transcript !== undefined && html`<details><summary>Transcript</summary><p class="transcript">${transcript}</p></details>`,
    html`<p class="meta">${file}</p></li>`,
  ]);
}

export function mediaSection(audio: readonly MediaInsight[], images: readonly MediaInsight[], mediaHref: MediaHref): SafeHtml | null {
  if (audio.length === 0 && images.length === 0) return null;
  const group = (title: string, insights: readonly MediaInsight[], kind: 'voice note' | 'chart') =>
    insights.length > 0 && html`<h3>${title}</h3><ul class="insights">${insights.map((insight) => insightItem(insight, kind, mediaHref))}</ul>`;
  return join([
    html`<section aria-labelledby="media-heading"><h2 id="media-heading">Voice notes and charts</h2>`,
    group('Voice notes', audio, 'voice note'),
    group('Charts', images, 'chart'),
    html`</section>`,
  ]);
}

export function researchSection(findings: readonly ResearchFinding[]): SafeHtml | null {
  if (findings.length === 0) return null;
  const items = findings.map((finding) => html`<li class="finding"><p class="label">${link(finding.url, finding.title)}</p><p>${finding.summary}</p></li>`);
  return html`<section aria-labelledby="research-heading"><h2 id="research-heading">Market context</h2><ul class="findings">${join(items)}</ul></section>`;
}

export function planSection(report: Report): SafeHtml {
  const opportunities = report.opportunities;
  const actions = report.action_plan;
  const actionItem = (item: ActionItem) => html`<li><span class="label">${item.title}</span>: ${item.detail}</li>`;
  return join([
    html`<section aria-labelledby="opportunities-heading"><h2 id="opportunities-heading">Opportunities</h2>`,
    opportunities.length === 0 ? html`<p>No opportunities listed.</p>` : html`<ul>${opportunities.map((item) => html`<li>${item}</li>`)}</ul>`,
    html`</section><section aria-labelledby="plan-heading"><h2 id="plan-heading">Action plan</h2>`,
    actions.length === 0 ? html`<p>No actions.</p>` : html`<ol class="plan">${actions.map(actionItem)}</ol>`,
    html`</section>`,
  ]);
}

function warningLine(warning: WorkflowWarning): SafeHtml {
  const where = [warning.trade_id === undefined ? '' : `trade ${warning.trade_id}`, warning.file_id === undefined ? '' : `file ${warning.file_id}`]
    .filter((part) => part !== '')
    .join(', ');
  return html`<li><span class="label">${stepLabel(warning.step)}:</span> ${warning.message}${where !== '' && ` (${where})`}</li>`;
}

export function aboutSection(skipped: readonly SkippedStep[], warnings: readonly WorkflowWarning[]): SafeHtml {
  const skippedLine = (step: SkippedStep) => html`<li><span class="label">${stepLabel(step.step)}:</span> ${step.reason}</li>`;
  return join([
    html`<section class="about" aria-labelledby="about-heading"><h2 id="about-heading">About this report</h2>`,
    html`<p>The metrics, charts and tables were computed by code from the trader’s journal when the analysis ran, and are `,
    html`shown as stored; the coaching text was written from them.</p>`,
    skipped.length > 0 && html`<h3>Skipped steps</h3><ul>${skipped.map(skippedLine)}</ul>`,
    warnings.length > 0 && html`<h3>Warnings</h3><ul>${warnings.map(warningLine)}</ul>`,
    skipped.length === 0 && warnings.length === 0 && html`<p>Every step ran, without warnings.</p>`,
    html`</section>`,
  ]);
}
