// Opportunities and action plan from the weakest numbers and the patterns found, the ones the question names first.
import { bestAndWorst, hourLabel, rowResults } from './coach-phrases';
import { formatCount, formatDuration, formatMoney, formatQuantity, formatR, formatRatio, plural } from '../../../analysis/format';
import type { Metrics } from '../../../domain/metrics';
import { type BehaviouralPattern, type PatternKind } from '../../../analysis/pattern-types';
import { type PromptFocus } from '../../../analysis/prompt-focus';
import { type ActionItem } from '../../../domain/report';

/** One piece of advice; `topics` say which prompt focus it answers, so asked-about advice comes first. */
interface Advice {
  topics: string[];
  opportunity?: string;
  action?: ActionItem;
}

export interface CoachingAdvice {
  opportunities: string[];
  action_plan: ActionItem[];
}

const MAX_OPPORTUNITIES = 6;
const MAX_ACTIONS = 5;

const topicOf = (focus: PromptFocus): string => {
  switch (focus.kind) {
    case 'weekday':
      return `weekday:${focus.weekday}`;
    case 'ticker':
      return `ticker:${focus.ticker}`;
    case 'tag':
      return `tag:${focus.tag}`;
    case 'pattern':
      return `pattern:${focus.pattern}`;
    default:
      return focus.kind;
  }
};

function riskAdvice(m: Metrics): Advice[] {
  const advice: Advice[] = [];
  if (m.win_count === 0 && m.loss_count > 0) {
    // With no winner there is no payoff ratio worth quoting: the advice is about the losses alone.
    advice.push({
      topics: ['risk'],
      opportunity: `None of these trades was a winner, and the average loss was ${formatMoney(m.average_loss)}: keeping each loss small is what keeps you in the game.`,
      action: {
        title: 'Cut losers at the planned stop',
        detail: 'Set the stop before you enter and exit when it is hit, so no single loss grows past the risk you chose.',
      },
    });
  } else if (m.payoff_ratio !== null && m.payoff_ratio < 1) {
    advice.push({
      topics: ['risk'],
      opportunity:
        `Your average loss (${formatMoney(m.average_loss)}) is bigger than your average win (${formatMoney(m.average_win)}), ` +
        `a payoff ratio of ${formatRatio(m.payoff_ratio)}: cutting losers earlier is the quickest way to lift it.`,
      action: {
        title: 'Cut losers at the planned stop',
        detail:
          'Set the stop before you enter and exit when it is hit; ' +
          `aim for an average loss below your average win of ${formatMoney(m.average_win)}.`,
      },
    });
  }
  if (m.average_loss_r !== null && m.average_loss_r < -1) {
    advice.push({
      topics: ['risk'],
      opportunity: `Losing trades with a logged stop averaged ${formatR(m.average_loss_r)}: losses ran past the risk you planned.`,
      action: {
        title: 'Honour your stops',
        detail: 'Place the stop as a resting order when you enter, so a losing trade ends at the risk you planned.',
      },
    });
  }
  if (m.r_trade_count < m.trade_count) {
    const coverage =
      m.r_trade_count === 0
        ? 'No trade has quantity, entry price and stop loss logged'
        : `Only ${formatCount(m.r_trade_count)} of ${plural(m.trade_count, 'trade')} have quantity, entry price and stop loss logged`;
    advice.push({
      topics: ['risk'],
      opportunity: `${coverage}, so risk per trade and results in R are only partly known.`,
      action: {
        title: 'Log the stop on every trade',
        detail: 'Record quantity, entry price and stop loss with each trade so its risk and its result in R can be measured.',
      },
    });
  }
  return advice;
}

function bucketAdvice(m: Metrics, patterns: readonly BehaviouralPattern[]): Advice[] {
  const advice: Advice[] = [];
  const flagged = (kind: PatternKind, key: string) =>
    patterns.some((p) => p.kind === kind && (p.evidence.ticker === key || p.evidence.hour === `${key}:00`));

  const tickers = bestAndWorst(m.by_ticker);
  if (tickers && tickers.worst.net_pnl < 0) {
    const { key, trade_count: count } = tickers.worst;
    advice.push({
      topics: [`ticker:${key}`],
      opportunity: `${key} is your weakest ticker: ${rowResults(tickers.worst)}.`,
      // A pause only where the losing-ticker rule fired; a merely weakest ticker gets a review.
      action: flagged('losing_ticker', key)
        ? { title: `Pause ${key}`, detail: `Stop trading ${key} until you have reviewed its ${plural(count, 'trade')} and can say what goes wrong.` }
        : { title: `Review your ${key} trades`, detail: `Go through your ${plural(count, 'trade')} in ${key} and note what the losers share.` },
    });
  }
  const hours = bestAndWorst(m.by_hour);
  if (hours && hours.worst.net_pnl < 0) {
    const label = hourLabel(hours.worst);
    advice.push({
      topics: ['timing'],
      opportunity: `Entries in ${label} (${m.timezone}) are your weakest: ${rowResults(hours.worst)}.`,
      action: flagged('losing_time_of_day', hours.worst.key)
        ? { title: `Stay out of ${label}`, detail: `Take no new entries in ${label} (${m.timezone}) for the next two weeks, then compare.` }
        : undefined,
    });
  }
  const days = bestAndWorst(m.by_weekday);
  if (days && days.worst.net_pnl < 0 && days.worst !== days.best) {
    const { worst } = days;
    advice.push({ topics: [`weekday:${worst.key}`], opportunity: `${worst.key}s are your weakest day: ${rowResults(worst)}.` });
  }
  if (tickers && tickers.best.net_pnl > 0 && tickers.best !== tickers.worst) {
    const { best } = tickers;
    advice.push({
      topics: [`ticker:${best.key}`],
      opportunity: `${best.key} is your strongest ticker: ${rowResults(best)}. Lean into what works there.`,
    });
  }
  if (hours && hours.best.net_pnl > 0 && hours.best !== hours.worst) {
    const { best } = hours;
    advice.push({ topics: ['timing'], opportunity: `Your best entries come in ${hourLabel(best)} (${m.timezone}): ${rowResults(best)}.` });
  }
  return advice;
}

function patternAction(pattern: BehaviouralPattern): ActionItem | undefined {
  const e = pattern.evidence;
  const number = (key: string) => (typeof e[key] === 'number' ? (e[key] as number) : 0);
  switch (pattern.kind) {
    case 'revenge_trading':
      return {
        title: 'Pause after a big loss',
        detail:
          `After a loss bigger than ${formatMoney(number('average_loss'))}, ` +
          `wait ${formatCount(number('window_minutes'))} minutes before the next entry.`,
      };
    case 'overtrading_days':
      return {
        title: 'Cap your trades per day',
        detail: `Set a daily limit near your median day of ${plural(number('median_trades_per_day'), 'trade')} and stop when you reach it.`,
      };
    case 'holding_losers':
      return {
        title: 'Put a time stop on losers',
        detail: `Close a trade still losing after ${formatDuration(number('average_win_hold_minutes'))}, the time your winners usually need.`,
      };
    case 'size_after_losses':
      return {
        title: 'Keep size fixed after losses',
        detail:
          `After ${formatCount(number('loss_streak'))} losses in a row, ` +
          `trade no more than your median size of ${formatQuantity(number('median_quantity'))}.`,
      };
    default:
      // Losing hours and tickers get their action from the bucket advice, with the numbers beside them.
      return undefined;
  }
}

/**
 * Advice from rounded metrics and the patterns found: risk first, then where the money is lost, then habits. Items
 * the prompt asked about move to the front; the order is otherwise fixed so that the same numbers give the same plan.
 */
export function coachingAdvice(m: Metrics, patterns: readonly BehaviouralPattern[], focus: readonly PromptFocus[]): CoachingAdvice {
  const habitAdvice: Advice[] = patterns
    .filter((pattern) => pattern.kind !== 'losing_ticker' && pattern.kind !== 'losing_time_of_day')
    .map((pattern) => ({ topics: [`pattern:${pattern.kind}`], action: patternAction(pattern) }));
  const all = [...riskAdvice(m), ...bucketAdvice(m, patterns), ...habitAdvice];
  const asked = focus.map(topicOf);
  const rankOf = (advice: Advice) => {
    const hits = advice.topics.map((topic) => asked.indexOf(topic)).filter((index) => index >= 0);
    return hits.length === 0 ? asked.length : Math.min(...hits);
  };
  const ordered = all.map((advice, index) => ({ advice, index })).sort((a, b) => rankOf(a.advice) - rankOf(b.advice) || a.index - b.index);

  const opportunities = ordered.flatMap(({ advice }) => (advice.opportunity ? [advice.opportunity] : [])).slice(0, MAX_OPPORTUNITIES);
  const actionPlan = ordered.flatMap(({ advice }) => (advice.action ? [advice.action] : [])).slice(0, MAX_ACTIONS);
  if (actionPlan.length === 0) {
    actionPlan.push({
      title: 'Keep your process',
      detail:
        `Nothing stands out as a leak: profit factor ${formatRatio(m.profit_factor)}, expectancy ${formatMoney(m.expectancy)} per trade. ` +
        'Keep logging every trade with its stop and review the journal weekly.',
    });
  }
  return { opportunities, action_plan: actionPlan };
}
