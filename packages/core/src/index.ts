// Public surface of @pecunia/core: domain schemas, ports, pure analysis and the request-side services. No vendor SDK
// and no workflow engine loads from here: adapters sit behind `@pecunia/core/local|aws`, the worker behind `/worker`.
export { PecuniaError, ValidationError, AttachmentError, NotFoundError, UnauthorizedError, ConflictError, UpstreamError, TooManyRequestsError, ConfigError, isPecuniaError } from './errors';
export type { ErrorDetails } from './errors';

export {
  POSITION_TYPES,
  REQUIRED_TRADE_FIELDS,
  OPTIONAL_TRADE_FIELDS,
  tickerSchema,
  positionTypeSchema,
  timezoneSchema,
  timestampTextSchema,
  tradeFieldsSchema,
  tradeSchemaFor,
} from './domain/trade';
export type { PositionType, TradeFields, RequiredTradeField, TradeFieldName, Trade, StoredTrade } from './domain/trade';
export { DEFAULT_TIMEZONE, isValidTimezone, parseTimestamp, formatTimestamp, localDate, toMillis } from './domain/timestamps';
export { ATTACHMENT_SEPARATOR, encodeAttachmentRef, encodeAttachmentCell, decodeAttachmentCell, fileIdFromLink } from './domain/attachment-links';
export type { AttachmentRef } from './domain/attachment-links';
export {
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  attachmentInputSchema,
  mimeMatches,
  readAttachment,
  readAttachments,
} from './domain/attachment-upload';
export type { AttachmentInput, Base64Bytes, MediaUpload } from './domain/attachment-upload';
export type { AttachmentStream, MediaStreamUpload } from './domain/attachment-stream';
export { DEFAULT_SHEET_RANGE, parseSheetId, parseSheetRange, parseSheetRef, columnLetters, a1Tab, a1Range } from './domain/sheet-range';
export type { SheetRef } from './domain/sheet-range';
export { LEGACY_COLUMNS, EXTRA_COLUMNS, SHEET_COLUMNS, tradeToRow, rowToTrade, readTrades, headerIndex, parseNumberCell } from './domain/sheet-layout';
export type { SheetColumn, RowProblem, ReadRowResult } from './domain/sheet-layout';
export { parseDateRange, inDateRange } from './domain/date-range';
export { parseRetryAfter } from './domain/retry-after';
export type { DateRange } from './domain/date-range';
export { metricsSchema, breakdownRowSchema, equityPointSchema } from './domain/metrics';
export type { Metrics, BreakdownRow, EquityPoint } from './domain/metrics';
export { PATTERN_KINDS, behaviouralPatternSchema } from './domain/pattern';
export type { BehaviouralPattern, PatternKind } from './domain/pattern';
export { reportSchema, actionItemSchema } from './domain/report';
export type { Report, ActionItem } from './domain/report';
export {
  STEP_NAMES,
  analysisResultSchema,
  mediaInsightSchema,
  researchFindingSchema,
  skippedStepSchema,
  workflowWarningSchema,
} from './domain/analysis-result';
export type { AnalysisResult, MediaInsight, ResearchFinding, SkippedStep, StepName, WorkflowWarning } from './domain/analysis-result';
export { JOB_STATUSES, jobStatusSchema, jobRequestSchema, jobErrorSchema, jobSummarySchema, jobViewSchema } from './domain/job';
export type { AnalysisJob, AnalysisJobRequest, JobError, JobStatus, JobSummary, JobView } from './domain/job';

export type { Journal, AppendRequest, AppendResult } from './ports/journal.port';
export type { MediaStore, StoredMedia, PutMedia, MediaContent } from './ports/media-store.port';
export type { TradeExtractor, ExtractionInput, ExtractionResult, ExtractedFields, ExtractionAttachment } from './ports/trade-extractor.port';
export type { ApiKeyStore, ApiKeyRecord } from './ports/api-key-store.port';
export type { IdempotencyStore, IdempotencyClaim, StoredResponse } from './ports/idempotency-store.port';
export { DEFAULT_IDEMPOTENCY_LEASE_MS } from './ports/idempotency-store.port';
export type { JobQueue, AnalysisJobMessage, QueueMessage, QueueMessageHandler } from './ports/job-queue.port';
export type { JobStore } from './ports/job-store.port';
export type { JobIntake } from './ports/job-intake.port';
export { CONNECTION_STATUSES } from './ports/token-store.port';
export type { TokenStore, GoogleConnection, ConnectionStatus } from './ports/token-store.port';
export type { NonceStore } from './ports/nonce-store.port';
export type { OAuthProvider, OAuthTokens, OAuthAccount } from './ports/oauth-provider.port';
export type { Coach, CoachInput } from './ports/coach.port';
export type { Logger, LogFields } from './ports/logger.port';
export { SENTIMENTS } from './domain/analysis-result';
export type { AudioTranscriber, ImageAnalyst, WebResearcher, MediaItem, AudioTranscript, ImageAnalysis, Sentiment } from './ports/media-analysis.port';

export { TradeCaptureService, validationFailure } from './services/trade-capture';
export type { CaptureTarget, CapturedTrade, StreamedAttachments, SubmitInput, SubmitOutcome, TradePage, TradeCaptureDeps } from './services/trade-capture';
export { AnalysisJobService, presentJob, presentJobSummary } from './services/analysis-jobs';
export type { NewAnalysisJob, AnalysisJobsDeps } from './services/analysis-jobs';
export { DEFAULT_MAX_RECEIVE_COUNT, PoisonMessageError, parseJobMessage, failJobOfDeadLetter, abandonedJobError } from './services/job-messages';
export { scheduleIdempotencyPurge, DEFAULT_PURGE_INTERVAL_MS } from './services/idempotency-purge';
export type { PurgeSchedule, PurgeOptions } from './services/idempotency-purge';
export { reconcileJobs, INTERRUPTED_JOB_ERROR, DEFAULT_RECONCILE_MAX_AGE_MS } from './services/job-reconciliation';
export type { ReconcileDeps, ReconcileOptions, ReconcileResult } from './services/job-reconciliation';
export { GoogleConnectService } from './services/google-connect';
export { TradeImportService, importedTradeId } from './services/trade-import';
export type { ImportRequest, ImportOutcome, ImportedOpenPosition, TradeImportDeps } from './services/trade-import';
export { IMPORT_FORMATS, GENERIC_FIELDS } from './imports/import-types';
export type { ImportFormat, ColumnMapping, GenericField, RoundTrip, OpenPosition, RejectedRow, Fill } from './imports/import-types';
export { FUTURES_POINT_VALUES, futuresRoot, multipliersWith, parseMultiplierTable } from './imports/contracts';
export type { GoogleConnectDeps, ConnectResult } from './services/google-connect';

export { computeMetrics, MAX_EQUITY_POINTS } from './analysis/metrics';
export type { MetricsOptions } from './analysis/metrics';
export { roundMetrics } from './analysis/round-metrics';
export { tradeRisk, tradeR } from './analysis/trade-risk';
export { detectPatterns, PATTERN_RULES } from './analysis/patterns';
export type { PatternOptions } from './analysis/patterns';
export { renderReportMarkdown, DEFAULT_REPORT_TITLE } from './analysis/report-markdown';
export type { MarkdownOptions } from './analysis/report-markdown';
export { renderReportHtml, REPORT_PAGE_CSP } from './analysis/report-html';
export type { ReportPageInput } from './analysis/report-html';
export { renderEquityCurveSvg, equityCurveDataUri } from './analysis/equity-curve-svg';
export { numbersIn, ungroundedNumbers, groundedNumbers } from './analysis/grounding';
export type { GroundingOptions } from './analysis/grounding';
export { formatMoney, formatRatio, formatPercent, formatR, formatCount, formatDuration, formatHour } from './analysis/format';
export { detectPromptFocus } from './analysis/prompt-focus';
export type { PromptFocus } from './analysis/prompt-focus';

export { weeklyScheduleSchema, DEFAULT_WEEKLY_PROMPT } from './domain/schedule';
export type { WeeklySchedule } from './domain/schedule';
export type { ScheduleStore } from './ports/schedule-store.port';
export type { CreateJobOptions } from './services/analysis-jobs';
export { WeeklyScheduleService, MAX_WEEKLY_PROMPT_LENGTH } from './services/weekly-schedules';
export type { WeeklyScheduleInput, WeeklyScheduleDeps } from './services/weekly-schedules';
export { runProactiveAnalyses, coveredWeek, weeklyJobId } from './services/proactive-analysis';
export type { ProactiveRunDeps, ProactiveRunResult, CoveredWeek } from './services/proactive-analysis';

export { shareLinkSchema, MIN_SHARE_LINK_SECONDS, MAX_SHARE_LINK_SECONDS, DEFAULT_SHARE_LINK_SECONDS } from './domain/share-link';
export type { ShareLink } from './domain/share-link';
export type { ShareLinkStore } from './ports/share-link-store.port';
export { ReportSharingService, completedReport, SHARE_NOT_FOUND_CODE } from './services/report-sharing';
export type { CompletedReport, IssuedShare, ReportSharingDeps } from './services/report-sharing';
