import { pollJob } from './poll-job';

const answers = (...list: Response[]) => {
  const asked: number[] = [];
  const get = async () => {
    asked.push(asked.length);
    return list.shift() ?? Response.json({ status: 'running' });
  };
  return { get, asked };
};

describe('pollJob', () => {
  it('waits out a 429 and polls until the job leaves queued and running', async () => {
    const { get, asked } = answers(
      Response.json({ status: 'queued' }),
      new Response('slow down', { status: 429, headers: { 'Retry-After': '0' } }),
      Response.json({ status: 'running' }),
      Response.json({ status: 'completed', trade_count: 3 }),
    );
    expect(await pollJob(get, { intervalMs: 1 })).toEqual({ status: 'completed', trade_count: 3 });
    expect(asked).toHaveLength(4);
  });

  it('ends on an answer that is not a job, naming it', async () => {
    const { get } = answers(new Response('{"code":"JOB.NOT_FOUND"}', { status: 404 }));
    expect(await pollJob(get, { intervalMs: 1 })).toEqual({ status: 'HTTP 404', body: '{"code":"JOB.NOT_FOUND"}' });
  });

  it('returns the last state read when the job outlasts the timeout', async () => {
    const { get } = answers();
    expect(await pollJob(get, { intervalMs: 1, timeoutMs: 30 })).toEqual({ status: 'running' });
  });
});
