import { NotFoundError, UpstreamError } from '../../errors';
import { withRetry } from './retry';

describe('withRetry', () => {
  it('tries again after a transient failure and returns the first success', async () => {
    let calls = 0;
    const value = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('connection reset');
        return 'ok';
      },
      { minDelayMs: 1, maxDelayMs: 2 },
    );
    expect(value).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up at once on an expected domain failure', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls += 1;
        throw new NotFoundError('MEDIA.NOT_FOUND', 'gone');
      }),
    ).rejects.toThrow('gone');
    expect(calls).toBe(1);
  });

  it('waits at least as long as the service asked (Retry-After) before the next try', async () => {
    const attempts: number[] = [];
    await withRetry(
      async () => {
        attempts.push(Date.now());
        if (attempts.length === 1) throw new UpstreamError('MEDIA.RATE_LIMITED', 'slow down', undefined, 503, { retryAfterMs: 120 });
        return 'ok';
      },
      { minDelayMs: 1, maxDelayMs: 2 },
    );
    // A lower bound only: a busy machine may wait longer, never shorter.
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(115);
  });
});
