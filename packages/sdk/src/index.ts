// Public surface of @pecunia/sdk: the client, its errors, and the API's types.
export { createClient } from './client';
export type { ClientOptions, PecuniaClient } from './client';
export { PecuniaError, PecuniaApiError, PecuniaClientError, PecuniaJobFailedError, isPecuniaError } from './errors';
export type { ClientErrorCode } from './errors';
export type { CallOptions, ListTradesQuery, MediaFile, PecuniaHelpers, TradeTarget } from './helpers';
export type { ImportFileInput } from './import-file';
export type { AttachmentFile, Base64Attachment, WithAttachments } from './trade-files';
export type { WaitForJobOptions } from './wait-for-job';
export type { FetchFn, Sleep } from './retry';
export { SDK_VERSION } from './version';
export type {
  CaptureResult,
  CompletedJob,
  CreateAnalysisJobRequest,
  GoogleAuthorization,
  GoogleConnected,
  GoogleDisconnected,
  Health,
  ImportFileOptions,
  ImportFormat,
  ImportResult,
  Job,
  JobCreated,
  JobProgress,
  JobReport,
  JobStatus,
  JobSummary,
  LogTradeRequest,
  Metrics,
  NeedsMoreInfo,
  OpenPosition,
  Problem,
  Readiness,
  RejectedRow,
  Report,
  ShareLink,
  StoredMedia,
  StoredTrade,
  SubmitCreated,
  SubmitResult,
  SubmitTradeRequest,
  TradePage,
  WeeklySchedule,
  WeeklyScheduleRequest,
} from './types';
export type { paths, components, operations } from './generated/api';
