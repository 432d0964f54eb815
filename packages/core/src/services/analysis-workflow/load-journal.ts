// Nodes `load_journal` and `compute_metrics`: the trades of the job's sheet and period, and every number about them.
import { inDateRange, parseDateRange, type DateRange } from '../../domain/date-range';
import { parseSheetRef } from '../../domain/sheet-range';
import { isValidTimezone } from '../../domain/timestamps';
import { NotFoundError, ValidationError } from '../../errors';
import { readTrades } from '../../domain/sheet-layout';
import { computeMetrics } from '../../analysis/metrics';
import { detectPatterns } from '../../analysis/patterns';
import type { AnalysisWorkflowDeps } from './deps';
import type { ProgressTracker } from './progress';
import type { AnalysisStateUpdate, AnalysisStateValue, WorkflowWarning } from './state';

/** Row problems listed by number in a warning; beyond this only the count is given. */
const LISTED_ROW_PROBLEMS = 5;

/** `2026-03-01 to 2026-03-31 (Europe/Berlin)`, `from 2026-03-01 (UTC)`, `all trades (UTC)`. */
export function describePeriod(range: DateRange): string {
  const zone = `(${range.timezone})`;
  if (range.start && range.end) return `${range.start} to ${range.end} ${zone}`;
  if (range.start) return `from ${range.start} ${zone}`;
  if (range.end) return `until ${range.end} ${zone}`;
  return `all trades ${zone}`;
}

export function loadJournalNode(deps: AnalysisWorkflowDeps, progress: ProgressTracker) {
  return async (state: AnalysisStateValue): Promise<AnalysisStateUpdate> => {
    await progress.report('load_journal', 0.05);
    const { job } = state;
    const { request } = job;
    // Checked again here, not only by the API: a job may have been written by an older API or by hand.
    if (!isValidTimezone(request.timezone)) {
      throw new ValidationError('ANALYSIS.INVALID_TIMEZONE', `"${request.timezone}" is not an IANA time zone such as UTC or America/New_York`, {
        field: 'timezone',
      });
    }
    const range = parseDateRange(request.start_date, request.end_date, request.timezone);
    const ref = parseSheetRef(request.sheet_id, request.sheet_range);
    const rows = await deps.journal.read(job.user_id, ref);
    if (rows === null) {
      throw new NotFoundError('SHEET.NOT_FOUND', `No journal "${ref.sheetId}" with a tab "${ref.tab}" for this user`, {
        sheet_id: ref.sheetId,
        tab: ref.tab,
      });
    }
    const { trades, problems } = readTrades(rows, range.timezone);
    const inRange = trades.filter(
      (trade) => inDateRange(trade.exit_timestamp, range) && (request.account === undefined || trade.account === request.account),
    );
    const warnings: WorkflowWarning[] = [];
    if (problems.length > 0) {
      const listed = problems
        .slice(0, LISTED_ROW_PROBLEMS)
        .map((p) => `row ${p.row}: ${p.reason}`)
        .join('; ');
      const more = problems.length > LISTED_ROW_PROBLEMS ? `; and ${problems.length - LISTED_ROW_PROBLEMS} more` : '';
      warnings.push({
        step: 'load_journal',
        message: `${problems.length} journal row(s) could not be read and were left out (${listed}${more})`,
      });
    }
    deps.logger?.info('journal loaded', {
      job_id: job.job_id,
      rows: rows.length,
      trades: trades.length,
      in_range: inRange.length,
      unreadable_rows: problems.length,
    });
    return { range, period: describePeriod(range), trades: inRange, warnings };
  };
}

export function computeMetricsNode(progress: ProgressTracker) {
  return async (state: AnalysisStateValue): Promise<AnalysisStateUpdate> => {
    await progress.report('compute_metrics', 0.2);
    const options = { timezone: state.range.timezone };
    const metrics = computeMetrics(state.trades, options);
    const patterns = detectPatterns(state.trades, metrics, options);
    return { metrics, patterns: [...patterns] };
  };
}
