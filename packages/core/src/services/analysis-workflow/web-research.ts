// Node `web_research`: market context for the most traded tickers of the period, when a researcher is configured.
import { localDate } from '../../domain/timestamps';
import type { ResearchFinding } from '../../ports/media-analysis.port';
import type { Metrics } from '../../domain/metrics';
import { mapWithConcurrency } from './concurrency';
import { DEFAULT_CONCURRENCY, type AnalysisWorkflowDeps } from './deps';
import { PARALLEL_STEP_PROGRESS } from './media-insights';
import { errorMessage, type ProgressTracker } from './progress';
import type { AnalysisStateUpdate, AnalysisStateValue, WorkflowWarning } from './state';

/** Tickers researched per analysis: the context of the main instruments, not a news digest. */
export const RESEARCHED_TICKERS = 3;
export const MAX_FINDINGS = 10;

/** One query per most-traded ticker, dated by the requested range or else by the trades themselves. */
export function researchQueries(metrics: Metrics, range: { start?: string; end?: string; timezone: string }): string[] {
  const start = range.start ?? (metrics.first_exit ? localDate(metrics.first_exit, range.timezone) : '');
  const end = range.end ?? (metrics.last_exit ? localDate(metrics.last_exit, range.timezone) : '');
  const when = start && end ? (start === end ? ` on ${start}` : ` from ${start} to ${end}`) : '';
  return metrics.by_ticker.slice(0, RESEARCHED_TICKERS).map((row) => `${row.key} market news and price action${when}`);
}

export function webResearchNode(deps: AnalysisWorkflowDeps, progress: ProgressTracker) {
  return async (state: AnalysisStateValue): Promise<AnalysisStateUpdate> => {
    await progress.advance('web_research', PARALLEL_STEP_PROGRESS);
    const researcher = deps.researcher;
    if (!researcher) {
      const reason = deps.skipReasons?.web_research ?? 'no web researcher is configured';
      return { external_research: [], skipped_steps: [{ step: 'web_research', reason }] };
    }
    const queries = researchQueries(state.metrics, state.range);
    if (queries.length === 0) {
      return { external_research: [], skipped_steps: [{ step: 'web_research', reason: 'no trades in range to research' }] };
    }
    const warnings: WorkflowWarning[] = [];
    const answers = await mapWithConcurrency(queries, deps.concurrency ?? DEFAULT_CONCURRENCY, async (query) => {
      try {
        return await researcher.research(query);
      } catch (error) {
        warnings.push({ step: 'web_research', message: `research "${query}" failed: ${errorMessage(error)}` });
        return [];
      }
    });
    const seen = new Set<string>();
    const findings: ResearchFinding[] = [];
    for (const finding of answers.flat()) {
      const key = finding.url ?? finding.title;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(finding);
      if (findings.length === MAX_FINDINGS) break;
    }
    return { external_research: findings, warnings };
  };
}
