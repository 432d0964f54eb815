// Analysis job routes: create (202, queued), read one (owner only; others get 404), list recent.
import { Router, type RequestHandler } from 'express';
import { presentJob, presentJobSummary, type AnalysisJobService } from '@pecunia/core';
import { callerOf } from '../http/auth';
import { jsonBody, parseWith } from '../http/validate';
import { createJobBodySchema, listJobsQuerySchema } from '../http/schemas';
import { sendWriteResult } from '../http/write-result';

export function analysisRoutes(jobs: AnalysisJobService, idempotency: RequestHandler): Router {
  const router = Router();

  router.post('/analysis/jobs', idempotency, async (req, res) => {
    const body = parseWith(createJobBodySchema, jsonBody(req), 'ANALYSIS.INVALID_REQUEST', 'analysis request');
    const job = await jobs.create(callerOf(req), body);
    sendWriteResult(res, 202, { job_id: job.job_id, status: job.status }, `/api/analysis/jobs/${job.job_id}`);
  });

  router.get('/analysis/jobs', async (req, res) => {
    const { limit } = parseWith(listJobsQuerySchema, req.query, 'REQUEST.INVALID_QUERY', 'query');
    const list = await jobs.list(callerOf(req), limit ?? 20);
    res.json({ jobs: list.map(presentJobSummary) });
  });

  router.get('/analysis/jobs/:job_id', async (req, res) => {
    res.json(presentJob(await jobs.get(callerOf(req), req.params.job_id)));
  });

  return router;
}
