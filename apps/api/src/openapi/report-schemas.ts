// Schemas of the report and share link operations in the API document: the report as JSON, share links in and out.
import { z } from 'zod';
import { analysisResultSchema, DEFAULT_SHARE_LINK_SECONDS } from '@pecunia/core';
import { shareReportBodySchema } from '../http/schemas';

export const jobReportSchema = analysisResultSchema
  .pick({ report: true, report_markdown: true, metrics: true })
  .extend({ job_id: z.string() })
  .meta({ id: 'JobReport', description: 'A completed job’s report, its Markdown and the metrics it was written from.' });

export const shareReportRequest = shareReportBodySchema
  .extend({
    expires_in: shareReportBodySchema.shape.expires_in.meta({
      description: `How long the link opens the page, in seconds: 60 to 2592000 (30 days); ${DEFAULT_SHARE_LINK_SECONDS} (7 days) when left out.`,
    }),
  })
  .meta({ id: 'ShareReportRequest', description: 'The share link’s life. The body may be left out altogether.', example: { expires_in: 86400 } });

export const shareLinkSchema = z
  .object({
    id: z.string().meta({ description: 'Revoke the link with `DELETE /api/analysis/jobs/{job_id}/share/{id}`.' }),
    url: z.string().meta({
      description: 'Opens the report page without an API key until `expires_at` or until revoked. Anyone holding it can read the report: send it as you would the report.',
      example: 'https://pecunia.example.com/api/shared/reports/MXxhYmMxMjM.Zm9vYmFy',
    }),
    created_at: z.string(),
    expires_at: z.string().meta({ description: 'ISO 8601, UTC. The link answers 404 from this instant on.' }),
  })
  .meta({ id: 'ShareLink', description: 'A signed, revocable link to a report page.' });

export const shareLinkListSchema = z
  .object({ links: z.array(shareLinkSchema) })
  .meta({ id: 'ShareLinkList', description: 'The job’s links that still open (neither revoked nor expired), newest first.' });
