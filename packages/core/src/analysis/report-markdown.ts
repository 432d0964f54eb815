// The report as Markdown for dashboards: the sections of the JSON report, plus the equity curve as an inline image.
import { equityCurveDataUri } from './equity-curve-svg';
import type { Metrics } from '../domain/metrics';
import type { MediaInsight } from '../domain/analysis-result';
import { type Report } from '../domain/report';

export interface MarkdownOptions {
  title?: string;
  /** e.g. `2026-03-01 to 2026-03-31 (UTC)`. */
  period?: string;
  /** The trader's question, quoted under the title. */
  prompt?: string;
  /** What voice notes and charts said, each shown with the file it came from. */
  audio_insights?: readonly MediaInsight[];
  image_insights?: readonly MediaInsight[];
}

export const DEFAULT_REPORT_TITLE = 'Trading coach report';

/**
 * Text from a coach (possibly a language model) or from the trader goes into a page someone else opens: angle
 * brackets are escaped so it cannot become HTML, Markdown punctuation so it cannot become a link, an image that
 * loads from elsewhere, or emphasis, and line breaks are folded so it cannot start a new block.
 */
function inline(text: string): string {
  return text
    .replace(/[\\`*_[\]!|]/g, (c) => `\\${c}`)
    .replace(/&(?=[#A-Za-z0-9]+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim();
}

/** Only plain web links become clickable: anything else (javascript:, data:, spaces, brackets) stays out. */
const SAFE_LINK = /^https?:\/\/[^\s<>()[\]"'`]+$/i;

function insightLine(insight: MediaInsight): string {
  const parts = [inline(insight.summary)];
  if (insight.sentiment) parts.push(`mood: ${insight.sentiment}`);
  if (insight.highlights?.length) parts.push(`highlights: ${insight.highlights.map(inline).join('; ')}`);
  if (insight.risks?.length) parts.push(`risks: ${insight.risks.map(inline).join('; ')}`);
  if (insight.opportunities?.length) parts.push(`opportunities: ${insight.opportunities.map(inline).join('; ')}`);
  const file = insight.link && SAFE_LINK.test(insight.link) ? `<${insight.link}>` : `file ${inline(insight.file_id)}`;
  return `- ${parts.join(' — ')} (${file})`;
}

function insightsSection(audio: readonly MediaInsight[], images: readonly MediaInsight[]): string {
  if (audio.length === 0 && images.length === 0) return '';
  return [
    '## Voice notes and charts',
    ...(audio.length > 0 ? ['**Voice notes**', audio.map(insightLine).join('\n')] : []),
    ...(images.length > 0 ? ['**Charts**', images.map(insightLine).join('\n')] : []),
  ].join('\n\n');
}

const bullets = (items: readonly string[], empty: string): string =>
  items.length === 0 ? `_${empty}_` : items.map((item) => `- ${inline(item)}`).join('\n');

export function renderReportMarkdown(report: Report, metrics: Metrics, options: MarkdownOptions = {}): string {
  const { performance_overview: overview } = report;
  const header = [`# ${inline(options.title ?? DEFAULT_REPORT_TITLE)}`];
  const context = [
    options.period ? `**Period:** ${inline(options.period)}` : '',
    options.prompt?.trim() ? `**Question:** ${inline(options.prompt)}` : '',
  ].filter((line) => line !== '');
  const picture =
    metrics.trade_count === 0
      ? '_No trades in range, so there is no equity curve._'
      : `![Equity curve](${equityCurveDataUri(metrics.equity_curve)})`;
  const actions =
    report.action_plan.length === 0
      ? '_No actions._'
      : report.action_plan.map((item, index) => `${index + 1}. **${inline(item.title)}**: ${inline(item.detail)}`).join('\n');

  return [
    header.join(''),
    // Two trailing spaces: a Markdown line break between period and question.
    context.length > 0 ? context.join('  \n') : '',
    '## Performance overview',
    inline(overview.summary),
    bullets(overview.key_metrics, 'No key metrics.'),
    picture,
    '## Behavioural patterns',
    bullets(report.behavioural_patterns, 'No behavioural pattern met its detection rule.'),
    '## Opportunities',
    bullets(report.opportunities, 'No opportunities listed.'),
    '## Action plan',
    actions,
    insightsSection(options.audio_insights ?? [], options.image_insights ?? []),
  ]
    .filter((block) => block !== '')
    .join('\n\n')
    .concat('\n');
}
