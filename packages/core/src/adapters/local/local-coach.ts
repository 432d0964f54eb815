// Coach without a language model: writes the report from the metrics and patterns alone, answering the prompt first.
import { plural } from '../../analysis/format';
import { standardKeyMetrics, overallSentence } from './local-coach/coach-phrases';
import { coachingAdvice } from './local-coach/coaching-advice';
import { focusNote } from './local-coach/focus-notes';
import type { Metrics } from '../../domain/metrics';
import { roundMetrics } from '../../analysis/round-metrics';
import { type BehaviouralPattern, PATTERN_KINDS, type PatternKind } from '../../domain/pattern';
import { detectPromptFocus } from '../../analysis/prompt-focus';
import { type Report, reportSchema } from '../../domain/report';
import { type Coach, type CoachInput } from '../../ports/coach.port';

/** The report for a period without trades: says so plainly and asks for trades, rather than failing the job. */
export function noTradesReport(): Report {
  return {
    performance_overview: {
      summary: 'No trades in range: there are no closed trades in this period, so there is nothing to measure yet.',
      key_metrics: ['Trades: 0'],
    },
    behavioural_patterns: [],
    opportunities: [],
    action_plan: [
      {
        title: 'Log your trades',
        detail:
          'Record every closed trade with ticker, side, P&L, entry and exit time, ' +
          'plus quantity, entry price and stop loss, then run the analysis again.',
      },
    ],
  };
}

const NO_PATTERNS =
  'None of the checked habits (revenge trading, overtrading days, holding losers, sizing up after losses, ' +
  'losing hours or tickers) met its rule.';

const unique = (lines: readonly string[]): string[] => [...new Set(lines)];

/** Patterns the prompt asked about first, then the rest in detection order. */
function orderPatterns(patterns: readonly BehaviouralPattern[], askedKinds: readonly PatternKind[]): BehaviouralPattern[] {
  const rank = (kind: PatternKind) => {
    const asked = askedKinds.indexOf(kind);
    return asked >= 0 ? asked : askedKinds.length + PATTERN_KINDS.indexOf(kind);
  };
  return patterns
    .map((pattern, index) => ({ pattern, index }))
    .sort((a, b) => rank(a.pattern.kind) - rank(b.pattern.kind) || a.index - b.index)
    .map(({ pattern }) => pattern);
}

/**
 * Every number in the report is printed by the shared formatters from `roundMetrics` output or from pattern evidence,
 * so `ungroundedNumbers` finds nothing to object to. Audio, image and research insights are not used: they are text
 * from other models, and this coach only states what it can check.
 */
export function writeLocalReport(input: Pick<CoachInput, 'prompt' | 'metrics' | 'patterns'>): Report {
  const metrics: Metrics = roundMetrics(input.metrics);
  if (metrics.trade_count === 0) return noTradesReport();

  const focus = detectPromptFocus(input.prompt, metrics);
  const notes = focus.map((item) => focusNote(item, metrics, input.patterns));
  const unanswered =
    input.prompt.trim() !== '' && focus.length === 0
      ? ['Your question names no ticker, weekday, hour, side, tag or habit I can measure, so here is the overall picture.']
      : [];
  const patterns = orderPatterns(input.patterns, notes.flatMap((note) => note.pattern_kinds));
  const advice = coachingAdvice(metrics, input.patterns, focus);

  return reportSchema.parse({
    performance_overview: {
      summary: [...notes.map((note) => note.summary), ...unanswered, overallSentence(metrics), ...smallSampleCaveat(metrics)].join(' '),
      key_metrics: unique([...notes.flatMap((note) => note.key_metrics), ...standardKeyMetrics(metrics)]),
    },
    behavioural_patterns:
      patterns.length === 0
        ? [NO_PATTERNS]
        : patterns.map((pattern) => `${pattern.title} — ${pattern.description}`),
    opportunities: advice.opportunities,
    action_plan: advice.action_plan,
  } satisfies Report);
}

/** Below this many trades, rates and averages swing with every trade: the report says so instead of overclaiming. */
const SMALL_SAMPLE = 30;

function smallSampleCaveat(metrics: Metrics): string[] {
  return metrics.trade_count < SMALL_SAMPLE
    ? [`With only ${plural(metrics.trade_count, 'trade')} these numbers are early signals, not a verdict: keep logging.`]
    : [];
}

export class LocalCoach implements Coach {
  readonly name = 'local-rule-based';

  async write(input: CoachInput): Promise<Report> {
    return writeLocalReport(input);
  }
}
