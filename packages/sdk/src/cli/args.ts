// Command-line parsing for the CLI (node:util parseArgs): option sets per command, and typed reads of the values.
import { parseArgs } from 'node:util';

/** A mistake in how the CLI was called: exit code 2, with the usage hint. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Record<string, OptionSpec>;

export const TARGET_OPTIONS = {
  sheet: { type: 'string' },
  range: { type: 'string' },
  timezone: { type: 'string' },
} as const satisfies Record<string, OptionSpec>;

export const TRADE_FIELD_OPTIONS = {
  ticker: { type: 'string' },
  side: { type: 'string' },
  pnl: { type: 'string' },
  entry: { type: 'string' },
  exit: { type: 'string' },
  notes: { type: 'string' },
  qty: { type: 'string' },
  'entry-price': { type: 'string' },
  'exit-price': { type: 'string' },
  stop: { type: 'string' },
  tag: { type: 'string', multiple: true },
  account: { type: 'string' },
  attach: { type: 'string', multiple: true },
  'idempotency-key': { type: 'string' },
} as const satisfies Record<string, OptionSpec>;

export interface Parsed {
  values: Values;
  positionals: string[];
}

/** `--pnl -45` reads as an option followed by another option; joined as `--pnl=-45`, it is the number it means. */
function joinNegativeNumbers(args: string[], options: Record<string, OptionSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function parse(args: string[], options: Record<string, OptionSpec>, { strict = true }: { strict?: boolean } = {}): Parsed {
  const all = { ...GLOBAL_OPTIONS, ...options };
  try {
    const { values, positionals } = parseArgs({ args: joinNegativeNumbers(args, all), options: all, allowPositionals: true, strict });
    return { values: values as Values, positionals };
  } catch (error) {
    // parseArgs explains unknown options and missing values well; only the error type changes.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function texts(values: Values, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

export function number(values: Values, name: string): number | undefined {
  const raw = text(values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw.replace(/^\+/, ''));
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, not "${raw}"`);
  return value;
}

/** The trade fields given as flags, under the API's names; absent flags are left out. */
export function tradeFields(values: Values): Record<string, string | number | string[]> {
  const side = text(values, 'side');
  if (side !== undefined && !['long', 'short'].includes(side.toLowerCase())) throw new UsageError(`--side must be long or short, not "${side}"`);
  const fields: Record<string, string | number | string[] | undefined> = {
    ticker: text(values, 'ticker'),
    position_type: side?.toLowerCase(),
    pnl: number(values, 'pnl'),
    entry_timestamp: text(values, 'entry'),
    exit_timestamp: text(values, 'exit'),
    notes: text(values, 'notes'),
    quantity: number(values, 'qty'),
    entry_price: number(values, 'entry-price'),
    exit_price: number(values, 'exit-price'),
    stop_loss: number(values, 'stop'),
    tags: texts(values, 'tag').length > 0 ? texts(values, 'tag') : undefined,
    account: text(values, 'account'),
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string | number | string[]] => entry[1] !== undefined));
}
