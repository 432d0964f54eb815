// Named types of the API's bodies, taken from the generated document types so they can never drift from it.
import type { components } from './generated/api';

type Schemas = components['schemas'];

export type Problem = Schemas['Problem'];
export type StoredTrade = Schemas['StoredTrade'];
export type StoredMedia = Schemas['StoredMedia'];
export type CaptureResult = Schemas['CaptureResult'];
export type SubmitCreated = Schemas['SubmitCreated'];
export type NeedsMoreInfo = Schemas['NeedsMoreInfo'];
/** What submitting a narrative gives: the stored trade, or which fields are still missing. Switch on `status`. */
export type SubmitResult = SubmitCreated | NeedsMoreInfo;
export type TradePage = Schemas['TradePage'];
export type LogTradeRequest = Schemas['LogTradeRequest'];
export type SubmitTradeRequest = Schemas['SubmitTradeRequest'];
export type CreateAnalysisJobRequest = Schemas['CreateAnalysisJobRequest'];
export type JobCreated = Schemas['JobCreated'];
export type JobStatus = Schemas['JobStatus'];
export type JobSummary = Schemas['JobSummary'];
export type Job = Schemas['Job'];
export type Metrics = Schemas['Metrics'];
export type Report = Schemas['Report'];
export type Health = Schemas['Health'];
export type Readiness = Schemas['Readiness'];
export type GoogleAuthorization = Schemas['GoogleAuthorization'];
export type GoogleConnected = Schemas['GoogleConnected'];
export type GoogleDisconnected = Schemas['GoogleDisconnected'];
export type WeeklySchedule = Schemas['WeeklySchedule'];
export type WeeklyScheduleRequest = Schemas['WeeklyScheduleRequest'];
export type ShareLink = Schemas['ShareLink'];
export type JobReport = Schemas['JobReport'];
export type ImportResult = Schemas['ImportResult'];
export type OpenPosition = Schemas['OpenPosition'];
export type RejectedRow = Schemas['RejectedRow'];
export type ImportFormat = NonNullable<Schemas['ImportFileRequest']['format']>;

/** Where an import goes and how the file is read. */
export interface ImportFileOptions {
  sheetId: string;
  /** Tab and start cell, e.g. `Journal!A1` (the API's default). */
  sheetRange?: string;
  /** The broker format; detected from the headers when left out. */
  format?: ImportFormat;
  /** IANA zone the file's times are in (exports rarely say). */
  timezone?: string;
  /** Account for trades whose file names none. */
  account?: string;
  /** generic format: our field name → the file's header. */
  mapping?: Record<string, string>;
  /** Answer what would be imported, write nothing. */
  dryRun?: boolean;
  /** Any rejected row refuses the whole file. */
  strict?: boolean;
  /** Called as the file's bytes are sent in Node; in browsers only at the start and after a success. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

/** A job that finished: its report, the report's Markdown and the metrics are present. */
export type CompletedJob = Job & { status: 'completed' } & Required<Pick<Job, 'report' | 'report_markdown' | 'metrics'>>;

/** What `waitForJob` reports on each change. */
export interface JobProgress {
  status: JobStatus;
  stage: string;
  /** From 0 to 1. */
  progress: number;
  job: Job;
}
