// A trader's weekly proactive analysis: which journal, what to ask, in which timezone, and whether it is on.
import { z } from 'zod';

export const weeklyScheduleSchema = z
  .object({
    user_id: z.string(),
    sheet_id: z.string(),
    sheet_range: z.string(),
    prompt: z.string(),
    timezone: z.string().meta({ description: 'The week runs Monday to Sunday in this zone.' }),
    enabled: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'WeeklySchedule', description: 'A weekly analysis of the previous 7 days, queued by the proactive run (Sunday 00:00 UTC by default).' });

export type WeeklySchedule = z.infer<typeof weeklyScheduleSchema>;

/** The question a weekly analysis asks when the trader set none. */
export const DEFAULT_WEEKLY_PROMPT = 'How did my trading go this week, and what should I change next week?';
