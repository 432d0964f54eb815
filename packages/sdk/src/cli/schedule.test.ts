import { fakeCli } from '../testing/fake-cli';
import { json, problem, type Answer } from '../testing/fake-fetch';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './run';

const stored = {
  user_id: 'local',
  sheet_id: 'my-journal',
  sheet_range: 'Journal!A1',
  prompt: 'Where did I give back profits?',
  timezone: 'America/New_York',
  enabled: true,
  created_at: '2026-03-01T10:00:00.000Z',
  updated_at: '2026-03-01T10:00:00.000Z',
};

const cli = (...answers: Answer[]) => fakeCli(answers);

describe('pecunia schedule', () => {
  it('sets the weekly analysis from flags and prints the stored schedule', async () => {
    const c = cli(json(200, stored));

    const code = await c.run('schedule', 'set', '--sheet', 'my-journal', '--prompt', 'Where did I give back profits?', '--timezone', 'America/New_York', '--range', 'Journal!A1');

    expect(code).toBe(EXIT_OK);
    const [request] = c.fetch.seen;
    expect(`${request!.method} ${request!.url}`).toBe('PUT http://api.test/api/schedules/weekly');
    expect(JSON.parse(request!.body)).toEqual({
      sheet_id: 'my-journal',
      sheet_range: 'Journal!A1',
      prompt: 'Where did I give back profits?',
      timezone: 'America/New_York',
      enabled: true,
    });
    expect(JSON.parse(c.stdout())).toEqual(stored);
    expect(c.stderr()).toContain('previous 7 days in America/New_York');
  });

  it('sends only what was given, and enabled: false with --disable', async () => {
    const c = cli(json(200, { ...stored, enabled: false }));

    expect(await c.run('schedule', 'set', '--disable')).toBe(EXIT_OK);

    expect(JSON.parse(c.fetch.seen[0]!.body)).toEqual({ sheet_id: 'journal', enabled: false });
    expect(c.stderr()).toContain('paused');
  });

  it('shows the schedule, and exits 1 with the code when there is none', async () => {
    const shown = cli(json(200, stored));
    expect(await shown.run('schedule', 'show')).toBe(EXIT_OK);
    expect(JSON.parse(shown.stdout())).toEqual(stored);
    expect(shown.fetch.seen[0]!.method).toBe('GET');

    const missing = cli(problem(404, 'SCHEDULE.NOT_FOUND', 'No weekly analysis is scheduled'));
    expect(await missing.run('schedule', 'show')).toBe(EXIT_FAILURE);
    expect(missing.stderr()).toBe('error SCHEDULE.NOT_FOUND: No weekly analysis is scheduled (request req-1)\n');
  });

  it('deletes the schedule', async () => {
    const c = cli(new Response(null, { status: 204 }));

    expect(await c.run('schedule', 'delete')).toBe(EXIT_OK);

    expect(`${c.fetch.seen[0]!.method} ${c.fetch.seen[0]!.url.pathname}`).toBe('DELETE /api/schedules/weekly');
    expect(c.stdout()).toBe('');
    expect(c.stderr()).toContain('Weekly analysis removed');
  });

  it.each([
    [['schedule'], /schedule needs one of: set/],
    [['schedule', '--sheet', 'j'], /schedule needs one of: set/],
    [['schedule', 'pause'], /unknown schedule action "pause"/],
    [['schedule', 'set', 'my-journal'], /takes flags only; unexpected "my-journal"/],
    [['schedule', 'set', '--enable'], /Unknown option '--enable'/],
    [['schedule', 'show', '--disable'], /Unknown option '--disable'/],
    [['schedule', 'delete', 'now'], /takes no arguments/],
  ])('exits 2 on wrong usage: %j', async (argv, message) => {
    const c = cli(json(200, stored));

    expect(await c.run(...argv)).toBe(EXIT_USAGE);

    expect(c.stderr()).toMatch(message);
    expect(c.fetch.seen).toHaveLength(0);
  });

  it('lists the schedule commands in the usage', async () => {
    const c = cli(json(200, {}));

    expect(await c.run('--help')).toBe(EXIT_OK);

    expect(c.stdout()).toContain('pecunia schedule set');
    expect(c.stdout()).toContain('pecunia schedule show | delete');
  });
});
