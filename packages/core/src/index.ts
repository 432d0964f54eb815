// Public surface of @pecunia/core: domain schemas, ports and services. Vendor adapters live behind subpath exports.
export { PecuniaError, ValidationError, AttachmentError, NotFoundError, ConflictError, UpstreamError, isPecuniaError } from './errors';
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
export type { AttachmentInput } from './domain/attachment-upload';
export { DEFAULT_SHEET_RANGE, parseSheetId, parseSheetRange, parseSheetRef, columnLetters, a1Tab, a1Range } from './domain/sheet-range';
export { LEGACY_COLUMNS, EXTRA_COLUMNS, SHEET_COLUMNS, tradeToRow, rowToTrade, headerIndex, parseNumberCell } from './domain/sheet-layout';
export type { SheetColumn, RowProblem, ReadRowResult } from './domain/sheet-layout';
export { parseDateRange, inDateRange } from './domain/date-range';
export type { DateRange } from './domain/date-range';

export type { Journal, SheetRef, AppendRequest, AppendResult } from './ports/journal.port';
export type { MediaStore, MediaUpload, StoredMedia, MediaContent } from './ports/media-store.port';
export type { TradeExtractor, ExtractionInput, ExtractionResult, ExtractedFields, ExtractionAttachment } from './ports/trade-extractor.port';
export type { ApiKeyStore, ApiKeyRecord } from './ports/api-key-store.port';
export type { IdempotencyStore, IdempotencyClaim, StoredResponse } from './ports/idempotency-store.port';
export type { JobQueue, AnalysisJobMessage } from './ports/job-queue.port';
export { JOB_STATUSES } from './ports/job-store.port';
export type { JobStore, AnalysisJob, AnalysisJobRequest, JobStatus, JobError } from './ports/job-store.port';
export type { TokenStore } from './ports/token-store.port';
export type { Coach, CoachInput, MediaInsight } from './ports/coach.port';

export { TradeCaptureService, readTrades, validationFailure } from './services/trade-capture';
export type { CaptureTarget, CapturedTrade, SubmitOutcome, TradePage, TradeCaptureDeps } from './services/trade-capture';
export { AnalysisJobService, presentJob, presentJobSummary } from './services/analysis-jobs';
export type { NewAnalysisJob, AnalysisJobsDeps } from './services/analysis-jobs';

export { computeMetrics, roundMetrics, MAX_EQUITY_POINTS } from './analysis/metrics';
export type { Metrics, MetricsOptions, BreakdownRow, EquityPoint } from './analysis/metrics';
export { tradeRisk, tradeR } from './analysis/trade-risk';
export { detectPatterns, PATTERN_KINDS, PATTERN_RULES } from './analysis/patterns';
export type { BehaviouralPattern, PatternKind, PatternOptions } from './analysis/patterns';
export { reportSchema, actionItemSchema } from './analysis/report';
export type { Report, ActionItem } from './analysis/report';
export { renderReportMarkdown, DEFAULT_REPORT_TITLE } from './analysis/report-markdown';
export type { MarkdownOptions } from './analysis/report-markdown';
export { renderEquityCurveSvg, equityCurveDataUri } from './analysis/equity-curve-svg';
export { numbersIn, ungroundedNumbers, groundedNumbers } from './analysis/grounding';
export type { GroundingOptions } from './analysis/grounding';
export { formatMoney, formatRatio, formatPercent, formatR, formatCount, formatDuration, formatHour } from './analysis/format';
export { detectPromptFocus } from './analysis/prompt-focus';
export type { PromptFocus } from './analysis/prompt-focus';

export { createAnalysisRecordHandler, failJobOfDeadLetter, parseJobMessage, PoisonMessageError, DEFAULT_MAX_RECEIVE_COUNT } from './services/analysis-worker';
export type { AnalysisWorkerDeps } from './services/analysis-worker';
export { runAnalysisWorkflow, buildAnalysisWorkflow } from './analysis/workflow/build-workflow';
export type { WorkflowOutcome } from './analysis/workflow/build-workflow';
export type { AnalysisResult } from './analysis/workflow/result';
export type { AnalysisWorkflowDeps, WorkflowLogger, OptionalStep } from './analysis/workflow/deps';
export type { SkippedStep, WorkflowWarning, StepName } from './analysis/workflow/state';
export type {
  AudioTranscriber,
  ImageAnalyst,
  WebResearcher,
  MediaItem,
  AudioTranscript,
  ImageAnalysis,
  ResearchFinding,
} from './ports/media-analysis.port';

// The rule-based extractor and coach need no vendor SDK, so they are usable from every mode (the Lambda too).
export { RuleBasedExtractor } from './adapters/local/rule-based-extractor';
export { LocalCoach } from './adapters/local/local-coach';
