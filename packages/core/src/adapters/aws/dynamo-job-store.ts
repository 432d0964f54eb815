// Job store of AWS mode: analysis jobs in DynamoDB with the SQLite store's rules, each state change a conditional write.
import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, ValidationError } from '../../errors';
import type { AnalysisResult } from '../../domain/analysis-result';
import { assertStorableJob, clampJobListLimit, MAX_JOB_LIST, type AnalysisJob, type AnalysisJobRequest, type JobError, type JobStatus } from '../../domain/job';
import type { JobStore } from '../../ports/job-store.port';
import { describeTable, isConditionFailed, named, type DynamoStoreOptions } from './dynamo-client';
import { deleteResultChunks, loadResult, storeResult, type StoredResult } from './dynamo-job-result';
import { itemKeys, OWNER_INDEX } from './dynamo-table';

export { MAX_JOB_LIST as MAX_LIST_LIMIT };

export { clampJobListLimit as clampListLimit };

/** A job item as read back: the summary fields, and where its result is once completed. */
interface JobItem {
  job_id: string;
  user_id: string;
  status: JobStatus;
  stage: string;
  progress: number;
  created_at: string;
  updated_at: string;
  request: AnalysisJobRequest;
  error?: JobError;
}

type Update = { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> };

export class DynamoJobStore implements JobStore {
  readonly name = 'dynamodb';

  private readonly now: () => number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async create(job: AnalysisJob): Promise<void> {
    assertStorableJob(job);
    const stored: StoredResult | null = job.result === undefined ? null : await storeResult(this.doc, this.tableName, job.job_id, job.result);
    try {
      await this.doc.send(
        new PutCommand(
          named({
            TableName: this.tableName,
            Item: {
              ...itemKeys.job(job.job_id),
              job_id: job.job_id,
              user_id: job.user_id,
              status: job.status,
              stage: job.stage,
              progress: job.progress,
              created_at: job.created_at,
              updated_at: job.updated_at,
              request: job.request,
              ...(job.error === undefined ? {} : { error: { code: job.error.code, message: job.error.message } }),
              ...stored,
              gsi1pk: itemKeys.ownerJobs(job.user_id),
              gsi1sk: itemKeys.ownerJobsSort(job.created_at, job.job_id),
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      if (stored && 'result_attempt' in stored) await deleteResultChunks(this.doc, this.tableName, job.job_id, stored);
      throw new ConflictError('JOB.ALREADY_EXISTS', `Job ${job.job_id} already exists.`, { job_id: job.job_id });
    }
  }

  async get(userId: string, jobId: string): Promise<AnalysisJob | null> {
    const item = await this.read(jobId);
    // Another user's job is indistinguishable from a missing one; its result is not even fetched.
    return item && item.user_id === userId ? this.toJob(item) : null;
  }

  async getById(jobId: string): Promise<AnalysisJob | null> {
    const item = await this.read(jobId);
    return item ? this.toJob(item) : null;
  }

  /** Newest first from gsi1, which holds the summary fields only: a list never carries results. */
  async list(userId: string, limit: number): Promise<AnalysisJob[]> {
    const page = await this.doc.send(
      new QueryCommand(
        named({
          TableName: this.tableName,
          IndexName: OWNER_INDEX,
          KeyConditionExpression: '#gsi1pk = :owner',
          ExpressionAttributeValues: { ':owner': itemKeys.ownerJobs(userId) },
          ScanIndexForward: false,
          Limit: clampJobListLimit(limit),
        }),
      ),
    );
    return (page.Items ?? []).map((item) => summaryOf(item as unknown as JobItem));
  }

  async start(jobId: string): Promise<boolean> {
    // A failed job may be retried (the queue redelivers it); its old error no longer describes it.
    return this.update(jobId, {
      UpdateExpression: 'SET #status = :running, #updated_at = :now REMOVE #error',
      ConditionExpression: '#status IN (:queued, :running, :failed)',
      ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued', ':failed': 'failed', ':now': this.timestamp() },
    });
  }

  async progress(jobId: string, stage: string, progress: number): Promise<void> {
    if (!Number.isFinite(progress)) {
      throw new ValidationError('JOB.INVALID_PROGRESS', 'Job progress must be a number between 0 and 1.', { progress });
    }
    const values = { ':running': 'running', ':stage': stage, ':progress': Math.min(1, Math.max(0, progress)), ':now': this.timestamp() };
    // DynamoDB has no MAX(): raise progress where it rises, else record the stage alone (a redelivery re-running stages).
    const raised = await this.update(jobId, {
      UpdateExpression: 'SET #stage = :stage, #progress = :progress, #updated_at = :now',
      ConditionExpression: '#status = :running AND #progress <= :progress',
      ExpressionAttributeValues: values,
    });
    if (raised) return;
    const { ':progress': _ignored, ...stageOnly } = values;
    await this.update(jobId, {
      UpdateExpression: 'SET #stage = :stage, #updated_at = :now',
      ConditionExpression: '#status = :running',
      ExpressionAttributeValues: stageOnly,
    });
  }

  async complete(jobId: string, result: AnalysisResult): Promise<boolean> {
    const current = await this.read(jobId);
    // A duplicate delivery of a completed job stops here, before packing or writing anything.
    if (!current || current.status === 'completed') return false;
    const stored = await storeResult(this.doc, this.tableName, jobId, result);
    const resultSet = 'result_gzip' in stored ? '#result_gzip = :gzip' : '#result_attempt = :attempt, #result_chunks = :chunks';
    const resultValues = 'result_gzip' in stored ? { ':gzip': stored.result_gzip } : { ':attempt': stored.result_attempt, ':chunks': stored.result_chunks };
    // The flip is the one write that decides: a second delivery racing this one finds the job completed and loses.
    const completed = await this.update(jobId, {
      UpdateExpression: `SET #status = :completed, #stage = :completed, #progress = :one, #updated_at = :now, ${resultSet} REMOVE #error`,
      ConditionExpression: 'attribute_exists(#pk) AND #status <> :completed',
      ExpressionAttributeValues: { ':completed': 'completed', ':one': 1, ':now': this.timestamp(), ...resultValues },
    });
    if (!completed && 'result_attempt' in stored) await deleteResultChunks(this.doc, this.tableName, jobId, stored);
    return completed;
  }

  async fail(jobId: string, error: JobError): Promise<void> {
    await this.update(jobId, {
      UpdateExpression: 'SET #status = :failed, #error = :error, #updated_at = :now',
      ConditionExpression: 'attribute_exists(#pk) AND #status <> :completed',
      ExpressionAttributeValues: {
        ':failed': 'failed',
        ':completed': 'completed',
        ':error': { code: error.code, message: error.message },
        ':now': this.timestamp(),
      },
    });
  }

  async reopen(jobId: string, errorCode: string): Promise<boolean> {
    return this.update(jobId, {
      UpdateExpression: 'SET #status = :queued, #stage = :queued, #progress = :zero, #updated_at = :now REMOVE #error',
      ConditionExpression: 'attribute_exists(#pk) AND #status = :failed AND #error.#code = :code',
      ExpressionAttributeValues: { ':queued': 'queued', ':zero': 0, ':failed': 'failed', ':code': errorCode, ':now': this.timestamp() },
    });
  }

  /**
   * A filtered scan of the whole table: the reconciliation runs it now and then (minutes apart, not per request), and
   * unfinished jobs are few, so no index is kept for it. Summary fields only; results stay where they are.
   */
  async listUnfinished(updatedBefore: string, limit: number): Promise<AnalysisJob[]> {
    const found: JobItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand(
          named({
            TableName: this.tableName,
            FilterExpression: 'begins_with(#pk, :job) AND #sk = :jobSk AND #status IN (:queued, :running) AND #updated_at < :before',
            ProjectionExpression: '#job_id, #user_id, #status, #stage, #progress, #created_at, #updated_at, #request, #error',
            ExpressionAttributeValues: { ':job': 'JOB#', ':jobSk': 'JOB', ':queued': 'queued', ':running': 'running', ':before': updatedBefore },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      found.push(...((page.Items ?? []) as JobItem[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return found
      .sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.job_id.localeCompare(b.job_id))
      .slice(0, Math.max(1, Math.trunc(limit)))
      .map(summaryOf);
  }

  /**
   * A count on the owner's index, newest first, stopping once `atMost` is reached. The index is eventually
   * consistent: a burst of creates may pass a cap by the few that are not indexed yet.
   */
  async countUnfinished(userId: string, atMost: number): Promise<number> {
    const cap = Math.max(0, Math.trunc(atMost));
    let count = 0;
    let start: Record<string, unknown> | undefined;
    while (count < cap) {
      const page = await this.doc.send(
        new QueryCommand(
          named({
            TableName: this.tableName,
            IndexName: OWNER_INDEX,
            KeyConditionExpression: '#gsi1pk = :owner',
            FilterExpression: '#status IN (:queued, :running)',
            ExpressionAttributeValues: { ':owner': itemKeys.ownerJobs(userId), ':queued': 'queued', ':running': 'running' },
            ScanIndexForward: false,
            Select: 'COUNT',
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
      if (!start) break;
    }
    return Math.min(count, cap);
  }

  async ready(): Promise<void> {
    await describeTable(this.doc, this.tableName);
  }

  private async read(jobId: string): Promise<(JobItem & Record<string, unknown>) | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: itemKeys.job(jobId), ConsistentRead: true }));
    return (Item as (JobItem & Record<string, unknown>) | undefined) ?? null;
  }

  /** True when the conditional update applied, false when its condition did not hold (the port's "no"). */
  private async update(jobId: string, update: Update): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand(named({ TableName: this.tableName, Key: itemKeys.job(jobId), ...update })));
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  private async toJob(item: JobItem & Record<string, unknown>): Promise<AnalysisJob> {
    const job = summaryOf(item);
    const result = await loadResult(this.doc, this.tableName, item.job_id, item);
    if (result !== undefined) job.result = result;
    return job;
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }
}

function summaryOf(item: JobItem): AnalysisJob {
  const job: AnalysisJob = {
    job_id: item.job_id,
    user_id: item.user_id,
    status: item.status,
    stage: item.stage,
    progress: item.progress,
    created_at: item.created_at,
    updated_at: item.updated_at,
    request: item.request,
  };
  if (item.error !== undefined) job.error = item.error;
  return job;
}

