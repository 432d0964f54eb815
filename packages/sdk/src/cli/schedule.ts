// `pecunia schedule set|show|delete`: the caller's weekly proactive analysis, one SDK call each.
import { flag, parse, TARGET_OPTIONS, text, UsageError } from './args';
import type { CommandContext } from './commands';

const SCHEDULE_USAGE = 'schedule needs one of: set [--sheet ID] [--range R] [--prompt P] [--timezone Z] [--disable] | show | delete';

/** `pecunia schedule set [--sheet ID] [--range R] [--prompt P] [--timezone Z] [--disable] | show | delete` */
export async function schedule(args: string[], { client, io }: CommandContext): Promise<number> {
  // The action comes first (`schedule show --url …`), so that flag values are never mistaken for it.
  const [action, ...rest] = args;
  switch (action) {
    case 'set': {
      const { values, positionals } = parse(rest, { ...TARGET_OPTIONS, prompt: { type: 'string' }, disable: { type: 'boolean' } });
      if (positionals.length > 0) throw new UsageError(`schedule set takes flags only; unexpected "${positionals[0]}"`);
      const range = text(values, 'range');
      const prompt = text(values, 'prompt');
      const timezone = text(values, 'timezone');
      // A PUT replaces the schedule: what is not given here takes the server's default again, as the usage says.
      const stored = await client.setWeeklySchedule(
        {
          sheet_id: text(values, 'sheet') ?? io.env['PECUNIA_SHEET_ID'] ?? 'journal',
          ...(range === undefined ? {} : { sheet_range: range }),
          ...(prompt === undefined ? {} : { prompt }),
          ...(timezone === undefined ? {} : { timezone }),
          enabled: !flag(values, 'disable'),
        },
        { signal: io.signal },
      );
      io.stdout.write(`${JSON.stringify(stored, null, 2)}\n`);
      io.stderr.write(
        stored.enabled
          ? `Weekly analysis on: each weekly run analyses the previous 7 days in ${stored.timezone}.\n`
          : 'Weekly analysis saved but paused: run "pecunia schedule set" without --disable to turn it on.\n',
      );
      return 0;
    }
    case 'show': {
      noMoreArguments('show', rest);
      io.stdout.write(`${JSON.stringify(await client.getWeeklySchedule({ signal: io.signal }), null, 2)}\n`);
      return 0;
    }
    case 'delete': {
      noMoreArguments('delete', rest);
      await client.deleteWeeklySchedule({ signal: io.signal });
      io.stderr.write('Weekly analysis removed; jobs already queued still run.\n');
      return 0;
    }
    default:
      throw new UsageError(action === undefined || action.startsWith('-') ? SCHEDULE_USAGE : `unknown schedule action "${action}"; ${SCHEDULE_USAGE}`);
  }
}

function noMoreArguments(action: string, args: string[]): void {
  const { positionals } = parse(args, {});
  if (positionals.length > 0) throw new UsageError(`schedule ${action} takes no arguments; unexpected "${positionals[0]}"`);
}
