// What the metrics engine produces: one zod schema, from which the TypeScript type and the API document are derived.
import { z } from 'zod';

const ratio = (description: string) => z.number().nullable().meta({ description });

export const breakdownRowSchema = z
  .object({
    key: z.string(),
    trade_count: z.number().int(),
    net_pnl: z.number(),
    win_rate: z.number().meta({ description: 'Wins / trades in the bucket.' }),
  })
  .meta({ id: 'BreakdownRow', description: 'One bucket of a breakdown (a ticker, a side, a weekday, an hour, a tag, an account).' });

export const equityPointSchema = z
  .object({
    trade_id: z.string(),
    exit_timestamp: z.string(),
    cumulative_pnl: z.number().meta({ description: 'Net P&L of this trade and every one before it.' }),
    r: z.number().nullable().meta({ description: "This trade's P&L in R (pnl / risk); null when its stop, entry or quantity is unknown." }),
  })
  .meta({ id: 'EquityPoint', description: 'One trade on the equity curve (thinned to at most 1000 points, keeping peaks and troughs).' });

export const metricsSchema = z
  .object({
    timezone: z.string().meta({ description: 'Zone the weekday and hour breakdowns were read in.' }),
    trade_count: z.number().int(),
    win_count: z.number().int(),
    loss_count: z.number().int(),
    breakeven_count: z.number().int(),
    win_rate: z.number(),
    net_pnl: z.number(),
    gross_profit: z.number(),
    gross_loss: z.number().meta({ description: 'Sum of losses as a positive amount.' }),
    profit_factor: ratio('Null when there is no loss to divide by.'),
    average_win: z.number(),
    average_loss: z.number().meta({ description: 'Positive.' }),
    payoff_ratio: ratio('Null when there are no losses.'),
    expectancy: z.number().meta({ description: 'Net P&L per trade.' }),
    largest_win: z.number(),
    largest_loss: z.number().meta({ description: 'Negative, or 0 without losses.' }),
    max_drawdown: z.number().meta({ description: 'Largest fall of cumulative P&L from a peak. Positive or 0.' }),
    longest_win_streak: z.number().int(),
    longest_loss_streak: z.number().int(),
    average_hold_minutes: z.number(),
    r_trade_count: z.number().int().meta({ description: 'Trades whose risk is known (quantity, entry and stop loss).' }),
    average_r: ratio('Mean P&L in R over those trades; null when none.'),
    average_win_r: ratio('Mean R of winning trades with a known risk.'),
    average_loss_r: ratio('Mean R of losing trades with a known risk; below -1 means losses ran past the stop.'),
    by_ticker: z.array(breakdownRowSchema),
    by_position_type: z.array(breakdownRowSchema),
    by_weekday: z.array(breakdownRowSchema).meta({ description: 'By exit day in `timezone`, Monday first.' }),
    by_hour: z.array(breakdownRowSchema).meta({ description: 'By entry hour in `timezone`, keys `00`–`23`.' }),
    by_tag: z.array(breakdownRowSchema).meta({ description: 'A trade counts once under each of its tags.' }),
    by_account: z
      .array(breakdownRowSchema)
      .meta({ description: 'By broker account; trades without one are under `(no account)`. Absent from results computed before accounts were tracked.' }),
    equity_curve: z.array(equityPointSchema),
    first_exit: z.string().nullable(),
    last_exit: z.string().nullable(),
  })
  .meta({ id: 'Metrics', description: 'Every number a report may state, computed in code (money in cents, ratios to 4 places).' });

export type BreakdownRow = z.infer<typeof breakdownRowSchema>;
export type EquityPoint = z.infer<typeof equityPointSchema>;
export type Metrics = z.infer<typeof metricsSchema>;
