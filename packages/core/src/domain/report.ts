// The coaching report every coach returns: one zod schema, so an LLM's JSON is checked exactly like the local coach's.
import { z } from 'zod';

const text = z.string().trim().min(1);

export const actionItemSchema = z.object({
  title: text,
  detail: text,
});

export const reportSchema = z.object({
  performance_overview: z.object({
    summary: text,
    key_metrics: z.array(text),
  }),
  behavioural_patterns: z.array(text),
  opportunities: z.array(text),
  action_plan: z.array(actionItemSchema),
}).meta({
  id: 'Report',
  description: 'The coaching report: an overview with key metrics, behavioural patterns, opportunities and an action plan.',
});

export type Report = z.infer<typeof reportSchema>;
export type ActionItem = z.infer<typeof actionItemSchema>;
