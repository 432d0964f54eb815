// A behavioural pattern found in a journal: its kinds and its shape, as stored and as the API documents it.
import { z } from 'zod';

export const PATTERN_KINDS = [
  'revenge_trading',
  'overtrading_days',
  'holding_losers',
  'size_after_losses',
  'losing_time_of_day',
  'losing_ticker',
] as const;

export const behaviouralPatternSchema = z
  .object({
    kind: z.enum(PATTERN_KINDS).meta({ description: 'What was found. New kinds are added in minor versions: treat an unknown kind as a generic pattern.' }),
    title: z.string(),
    description: z.string().meta({ description: 'Plain sentences; every number in them is one of `evidence`’s values.' }),
    trade_ids: z.array(z.string()).meta({ description: 'The trades that show the pattern, in chronological order.' }),
    evidence: z.record(z.string(), z.union([z.number(), z.string()])),
  })
  .meta({ id: 'BehaviouralPattern', description: 'A behavioural pattern found in the trades, with the numbers behind it.' });

export type PatternKind = (typeof PATTERN_KINDS)[number];
export type BehaviouralPattern = z.infer<typeof behaviouralPatternSchema>;
