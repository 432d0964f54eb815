// `pecunia share JOB_ID [--expires-in 7d] | --revoke ID | --revoke-all`: signed links to the report page that open
// without an API key, and taking them back.
import { flag, parse, text, UsageError } from './args';
import type { CommandContext } from './commands';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const SHARE_USAGE = 'share needs one job id: pecunia share <job_id> [--expires-in 7d] | --revoke <link id> | --revoke-all';

/** `90`, `90s`, `15m`, `12h`, `7d` → seconds; the API checks the range (60 s to 30 days). */
export function durationSeconds(raw: string): number {
  const match = /^(\d{1,9})([smhd]?)$/.exec(raw.trim().toLowerCase());
  if (!match) throw new UsageError(`--expires-in takes a duration such as 7d, 12h, 30m or 3600 (seconds), not "${raw}"`);
  return Number(match[1]) * UNIT_SECONDS[(match[2] || 's') as keyof typeof UNIT_SECONDS];
}

/** Prints a new link on stdout (its expiry and how to revoke it on stderr), or revokes one link or all of them. */
export async function share(args: string[], { client, io }: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, { 'expires-in': { type: 'string' }, revoke: { type: 'string' }, 'revoke-all': { type: 'boolean' } });
  const jobId = positionals[0];
  if (!jobId || positionals.length > 1) throw new UsageError(SHARE_USAGE);
  const expiresIn = text(values, 'expires-in');
  const revoke = text(values, 'revoke');
  const revokeAll = flag(values, 'revoke-all');
  if ([expiresIn !== undefined, revoke !== undefined, revokeAll].filter(Boolean).length > 1) {
    throw new UsageError('--expires-in, --revoke and --revoke-all do not go together');
  }

  if (revoke !== undefined || revokeAll) {
    await client.revokeShare(jobId, revoke, { signal: io.signal });
    io.stderr.write(revokeAll ? `Every share link of job ${jobId} is revoked.\n` : `Share link ${revoke} is revoked.\n`);
    return 0;
  }
  const link = await client.shareReport(jobId, { ...(expiresIn === undefined ? {} : { expiresIn: durationSeconds(expiresIn) }), signal: io.signal });
  io.stdout.write(`${link.url}\n`);
  io.stderr.write(`Anyone with this link can read the report until ${link.expires_at}. Revoke it: pecunia share ${jobId} --revoke ${link.id}\n`);
  return 0;
}
