import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { computeMetrics } from '../../analysis/metrics';
import { detectPatterns } from '../../analysis/patterns';
import { renderReportMarkdown } from '../../analysis/report-markdown';
import { roundMetrics } from '../../analysis/round-metrics';
import type { AnalysisResult } from '../../domain/analysis-result';
import type { AnalysisJob } from '../../domain/job';
import { analysisResult } from '../../testing/analysis-result';
import { useDynaliteTable } from '../../testing/aws/dynalite';
import { openEach } from '../../testing/contracts/contract-suite';
import { describeJobStoreContract } from '../../testing/contracts/job-store.contract';
import { queuedJob as job } from '../../testing/contracts/records';
import { sampleJournal } from '../../testing/make-trade';
import { manualClock } from '../../testing/manual-clock';
import { LocalCoach } from '../local/local-coach';
import { clampListLimit, DynamoJobStore } from './dynamo-job-store';
import { INLINE_RESULT_MAX_BYTES, packResult } from './dynamo-job-result';

/** The result a real analysis of `trades` trades stores: metrics, patterns, the local coach's report and its Markdown. */
async function realResult(trades: number): Promise<AnalysisResult> {
  const journal = sampleJournal(trades);
  const metrics = computeMetrics(journal);
  const patterns = detectPatterns(journal, metrics);
  const report = await new LocalCoach().write({ prompt: 'How did I do?', metrics, patterns });
  const rounded = roundMetrics(metrics);
  return {
    ...analysisResult('unused', { metrics: rounded, patterns, trade_count: rounded.trade_count }),
    report,
    report_markdown: renderReportMarkdown(report, rounded),
  };
}

/** A result whose gzip is over 350 KB: warnings of random text, which no compression shrinks. */
const incompressibleResult = (summary: string): AnalysisResult =>
  analysisResult(summary, {
    warnings: Array.from({ length: 800 }, (_, i) => ({ step: 'load_journal' as const, message: `row ${i}: ${randomBytes(1000).toString('base64')}` })),
  });

describe('DynamoJobStore', () => {
  const dynamo = useDynaliteTable();
  const open = async () => {
    const clock = manualClock();
    return { clock, store: new DynamoJobStore(dynamo.doc, dynamo.tableName, { now: clock.now }) };
  };

  describeJobStoreContract('keeps the JobStore contract', open);

  describe('on DynamoDB', () => {
    const subject = openEach(open);

    const resultChunks = async (jobId: string) => {
      const page = await dynamo.doc.send(
        new QueryCommand({
          TableName: dynamo.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :result)',
          ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':result': 'RESULT#' },
        }),
      );
      return page.Items ?? [];
    };

    it('is named dynamodb, and not ready without its table', async () => {
      expect(subject().store.name).toBe('dynamodb');
      await expect(new DynamoJobStore(dynamo.doc, 'no-such-table').ready()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('clamps list limits to 1..100', () => {
      expect([0, 1, 2.7, 100, 101, Infinity, -Infinity, NaN].map(clampListLimit)).toEqual([1, 1, 2, 100, 100, 100, 1, 1]);
    });

    it('lists summaries without results', async () => {
      const { store } = subject();
      await store.create(job('done', 'alice'));
      await store.complete('done', analysisResult('done'));

      const listed = await store.list('alice', 100);

      expect(listed[0]).toMatchObject({ job_id: 'done', status: 'completed', progress: 1 });
      expect(listed[0]).not.toHaveProperty('result');
    });

    it('completes a job over 20,000 trades with its whole result, gzipped on the job item', async () => {
      const { store } = subject();
      const result = await realResult(20_000);
      await store.create(job('big', 'alice'));
      await store.start('big');

      expect(await store.complete('big', result)).toBe(true);

      expect((await packResult(result)).length).toBeLessThan(INLINE_RESULT_MAX_BYTES);
      expect(await store.get('alice', 'big')).toMatchObject({ status: 'completed', result });
      expect(await resultChunks('big')).toEqual([]);
    }, 30_000);

    it('splits a result whose gzip outgrows an item into chunks, and a duplicate delivery leaves them intact', async () => {
      const { store } = subject();
      const first = incompressibleResult('first');
      await store.create(job('huge', 'alice'));
      await store.start('huge');

      expect(await store.complete('huge', first)).toBe(true);
      const chunks = (await resultChunks('huge')).length;
      expect(await store.complete('huge', incompressibleResult('second'))).toBe(false);

      expect(chunks).toBeGreaterThan(1);
      expect((await store.getById('huge'))?.result).toEqual(first);
      expect(await resultChunks('huge')).toHaveLength(chunks);
    }, 30_000);

    it('gives exactly one of two racing completions the job, and keeps the winner’s chunks whole', async () => {
      const { store } = subject();
      const results = [incompressibleResult('a'), incompressibleResult('b')];
      await store.create(job('race', 'alice'));
      await store.start('race');

      const outcomes = await Promise.all(results.map((result) => store.complete('race', result)));

      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect((await store.getById('race'))?.result).toEqual(results[outcomes.indexOf(true)]);
    }, 30_000);

    it('creates a job that already carries a large result', async () => {
      const { store } = subject();
      const completed: AnalysisJob = { ...job('pre', 'alice'), status: 'completed', stage: 'completed', progress: 1, result: incompressibleResult('pre') };

      await store.create(completed);

      expect(await store.get('alice', 'pre')).toEqual(completed);
      await expect(store.create(completed)).rejects.toMatchObject({ code: 'JOB.ALREADY_EXISTS' });
      expect(await store.get('alice', 'pre')).toEqual(completed);
    }, 30_000);
  });
});
