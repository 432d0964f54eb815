import { fakeCli } from '../testing/fake-cli';
import { json, problem, type Answer } from '../testing/fake-fetch';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './run';
import { durationSeconds } from './share';

const link = { id: 'AbCdEfGhIjKlMnOpQrSt_-', url: 'https://journal.example/api/shared/reports/abc.def', created_at: '2026-03-10T12:00:00.000Z', expires_at: '2026-03-17T12:00:00.000Z' };

const cli = (...answers: Answer[]) => fakeCli(answers);

describe('pecunia share', () => {
  it('prints the new link alone on stdout, and when it expires on stderr', async () => {
    const c = cli(json(201, link));

    expect(await c.run('share', 'job-1')).toBe(EXIT_OK);

    expect(`${c.fetch.seen[0]!.method} ${c.fetch.seen[0]!.url.pathname}`).toBe('POST /api/analysis/jobs/job-1/share');
    expect(JSON.parse(c.fetch.seen[0]!.body)).toEqual({});
    expect(c.stdout()).toBe(`${link.url}\n`);
    expect(c.stderr()).toContain(`until ${link.expires_at}`);
    expect(c.stderr()).toContain(`pecunia share job-1 --revoke ${link.id}`);
  });

  it('sends --expires-in in seconds', async () => {
    const c = cli(json(201, link));

    expect(await c.run('share', 'job-1', '--expires-in', '12h')).toBe(EXIT_OK);

    expect(JSON.parse(c.fetch.seen[0]!.body)).toEqual({ expires_in: 12 * 3600 });
  });

  it('revokes one link, or all of them', async () => {
    const c = cli(new Response(null, { status: 204 }));

    expect(await c.run('share', 'job-1', '--revoke', link.id)).toBe(EXIT_OK);
    expect(await c.run('share', 'job-1', '--revoke-all')).toBe(EXIT_OK);

    expect(c.fetch.seen.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([`DELETE /api/analysis/jobs/job-1/share/${link.id}`, 'DELETE /api/analysis/jobs/job-1/share']);
    expect(c.stdout()).toBe('');
  });

  it('exits 1 with the API’s code for a life it refuses', async () => {
    const c = cli(problem(400, 'SHARE.INVALID_REQUEST', 'Invalid share request: expires_in must be a whole number of seconds from 60 to 2592000 (30 days)'));

    expect(await c.run('share', 'job-1', '--expires-in', '31d')).toBe(EXIT_FAILURE);

    expect(c.stderr()).toContain('error SHARE.INVALID_REQUEST');
  });

  it.each([
    [['share'], 'one job id'],
    [['share', 'a', 'b'], 'one job id'],
    [['share', 'job-1', '--expires-in', 'next week'], 'a duration such as 7d'],
    [['share', 'job-1', '--expires-in', '1d', '--revoke-all'], 'do not go together'],
  ])('refuses %p as wrong usage, sending nothing', async (argv, message) => {
    const c = cli(json(201, link));

    expect(await c.run(...argv)).toBe(EXIT_USAGE);

    expect(c.stderr()).toContain(message);
    expect(c.fetch.seen).toEqual([]);
  });
});

describe('durationSeconds', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['12h', 43_200],
    ['7d', 604_800],
    [' 30D ', 2_592_000],
  ])('reads %p as %p seconds', (raw, seconds) => {
    expect(durationSeconds(raw)).toBe(seconds);
  });
});
