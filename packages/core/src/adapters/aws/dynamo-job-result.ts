// How a job's result fits DynamoDB's 400 KB item limit: gzipped JSON on the job item, or in chunk items when larger.
//
// Measured (sampleJournal → computeMetrics/roundMetrics, detectPatterns, the local coach's report and its Markdown):
//
//   trades                       | raw JSON        | gzip (level 6) | stored as
//   1,000                        |   132,400 bytes |  28,172 bytes  | inline, on the job item
//   20,000                       |   245,807 bytes |  53,264 bytes  | inline, on the job item
//   100,000                      |   751,818 bytes | 151,072 bytes  | inline, on the job item
//   (test) 800 random warnings   | 1,107,962 bytes | 810,178 bytes  | 3 chunk items of ≤ 350,000 bytes
//
// The result grows with the trades only through the patterns' trade ids (metrics are bounded: the equity curve keeps
// at most 1000 points), and the whole result gzips about 5:1, so the job item alone holds some 250,000 trades (about
// 1.25 gzip bytes per trade above a 28 KB base). Raw JSON would not: 100,000 trades are 752 KB. What can still
// outgrow an item is free text no rule bounds (warnings, transcripts, research), so a result whose gzip exceeds
// 350 KB is split into 350 KB chunk items (`RESULT#<attempt>#0001`…), written before the job's conditional flip to
// completed and keyed by an attempt id that only the winning flip records. A losing duplicate delivery therefore never
// touches the winner's chunks, and a reader never sees a completed job without its result. Offloading to S3 would add
// a bucket, its lifecycle and a second failure mode for no gain at these sizes.
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AnalysisResult } from '../../domain/analysis-result';
import { named } from './dynamo-client';
import { itemKeys } from './dynamo-table';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Gzipped results up to this size sit on the job item; the rest of the item (request, state) stays far below 50 KB. */
export const INLINE_RESULT_MAX_BYTES = 350_000;
/** Each chunk item: the bytes plus two short keys, comfortably under 400 KB. */
export const RESULT_CHUNK_BYTES = 350_000;

/** The result's attributes on the job item: gzip bytes inline, or where its chunks are. */
export type StoredResult = { result_gzip: Uint8Array } | { result_attempt: string; result_chunks: number };

export async function packResult(result: AnalysisResult): Promise<Uint8Array> {
  return gzipAsync(Buffer.from(JSON.stringify(result), 'utf8'));
}

export async function unpackResult(gzipped: Uint8Array): Promise<AnalysisResult> {
  return JSON.parse((await gunzipAsync(gzipped)).toString('utf8')) as AnalysisResult;
}

/** Splits gzip bytes that are too large for the job item into chunk items, all written before this returns. */
export async function writeResultChunks(
  doc: DynamoDBDocumentClient,
  tableName: string,
  jobId: string,
  gzipped: Uint8Array,
): Promise<{ result_attempt: string; result_chunks: number }> {
  // Fixed length, so that RESULT#<attempt>#0002 sorts before RESULT#<attempt>#0010 within one attempt.
  const attempt = randomBytes(8).toString('hex');
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < gzipped.length; offset += RESULT_CHUNK_BYTES) {
    chunks.push(gzipped.subarray(offset, offset + RESULT_CHUNK_BYTES));
  }
  await Promise.all(
    chunks.map((data, index) =>
      doc.send(new PutCommand({ TableName: tableName, Item: { ...itemKeys.resultChunk(jobId, attempt, index), data } })),
    ),
  );
  return { result_attempt: attempt, result_chunks: chunks.length };
}

/** The gzip bytes of one attempt's chunks, in order; throws when any is missing (a bug, never a race: they are final). */
export async function readResultChunks(
  doc: DynamoDBDocumentClient,
  tableName: string,
  jobId: string,
  stored: { result_attempt: string; result_chunks: number },
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand(
        named({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeValues: { ':pk': itemKeys.job(jobId).pk, ':prefix': itemKeys.resultChunkPrefix(stored.result_attempt) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    for (const item of page.Items ?? []) parts.push(item.data as Uint8Array);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  if (parts.length !== stored.result_chunks) {
    throw new Error(`Job ${jobId}: found ${parts.length} of ${stored.result_chunks} result chunks.`);
  }
  return Buffer.concat(parts);
}

/**
 * Best-effort removal of a losing attempt's chunks. Ones left behind (a crash, a failed delete) are harmless: readers
 * follow only the attempt recorded on the job item.
 */
export async function deleteResultChunks(
  doc: DynamoDBDocumentClient,
  tableName: string,
  jobId: string,
  stored: { result_attempt: string; result_chunks: number },
): Promise<void> {
  await Promise.allSettled(
    Array.from({ length: stored.result_chunks }, (_, index) =>
      doc.send(new DeleteCommand({ TableName: tableName, Key: itemKeys.resultChunk(jobId, stored.result_attempt, index) })),
    ),
  );
}

/** Packs a result into what the job item records, writing chunks first when it does not fit inline. */
export async function storeResult(
  doc: DynamoDBDocumentClient,
  tableName: string,
  jobId: string,
  result: AnalysisResult,
): Promise<StoredResult> {
  const gzipped = await packResult(result);
  if (gzipped.length <= INLINE_RESULT_MAX_BYTES) return { result_gzip: gzipped };
  return writeResultChunks(doc, tableName, jobId, gzipped);
}

/** The result a job item points at, or undefined when it has none. */
export async function loadResult(
  doc: DynamoDBDocumentClient,
  tableName: string,
  jobId: string,
  item: Record<string, unknown>,
): Promise<AnalysisResult | undefined> {
  if (item.result_gzip instanceof Uint8Array) return unpackResult(item.result_gzip);
  if (typeof item.result_attempt === 'string' && typeof item.result_chunks === 'number') {
    const stored = { result_attempt: item.result_attempt, result_chunks: item.result_chunks };
    return unpackResult(await readResultChunks(doc, tableName, jobId, stored));
  }
  return undefined;
}
