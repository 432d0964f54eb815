// The IdempotencyStore port's promises as one suite, run by each adapter's test file against its own storage.
import type { IdempotencyStore } from '../../ports/idempotency-store.port';
import { describeContract, type ClockedStoreSubject } from './contract-suite';

export interface IdempotencyStoreSubject extends ClockedStoreSubject<IdempotencyStore> {
  /** How long the adapter keeps a response (24 hours in both). */
  ttlMs: number;
  /** How long an in-progress claim holds its key (the port's default lease in both). */
  leaseMs: number;
  /** A second store on the same storage through its own connection or client, as a second API instance has. */
  another(): Promise<IdempotencyStore>;
}

const response = { status: 201, body: { job_id: 'j1', nested: [1, 'two', null] }, fingerprint: 'fp-1' };

export function describeIdempotencyStoreContract(name: string, open: () => Promise<IdempotencyStoreSubject>): void {
  describeContract(name, open, { clockAt: Date.parse('2026-03-01T10:00:00Z') }, (subject) => {
    it('hands a key out once: new, then in progress, then done with the response', async () => {
      const { store } = subject();
      expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'new' });
      expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'in_progress' });
      await store.complete('alice', 'k1', response);
      expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'done', response });
    });

    it('reports the stored state and fingerprint to a claim with another fingerprint', async () => {
      const { store } = subject();
      await store.claim('alice', 'k1', 'fp-1');
      expect(await store.claim('alice', 'k1', 'fp-other')).toEqual({ state: 'in_progress' });
      await store.complete('alice', 'k1', response);
      const claim = await store.claim('alice', 'k1', 'fp-other');
      expect(claim).toEqual({ state: 'done', response: expect.objectContaining({ fingerprint: 'fp-1' }) });
    });

    it('keeps keys of different owners apart', async () => {
      const { store } = subject();
      expect(await store.claim('alice', 'k1', 'fp')).toEqual({ state: 'new' });
      expect(await store.claim('bob', 'k1', 'fp')).toEqual({ state: 'new' });
      await store.complete('alice', 'k1', response);
      expect(await store.claim('bob', 'k1', 'fp')).toEqual({ state: 'in_progress' });
    });

    it('releases an in-progress claim so a retry runs again, but never drops a stored response', async () => {
      const { store } = subject();
      await store.claim('alice', 'k1', 'fp-1');
      await store.release('alice', 'k1');
      expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'new' });
      await store.complete('alice', 'k1', response);
      await store.release('alice', 'k1');
      expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'done', response });
      await store.release('alice', 'never-claimed');
    });

    it('treats responses older than 24 hours as absent, whether or not storage has dropped them yet', async () => {
      const { store, clock, ttlMs } = subject();
      await store.claim('alice', 'done', 'fp-1');
      await store.complete('alice', 'done', response);

      clock.advance(ttlMs - 1);
      expect((await store.claim('alice', 'done', 'fp-1')).state).toBe('done');

      clock.advance(1);
      expect(await store.claim('alice', 'done', 'fp-2')).toEqual({ state: 'new' });
      expect(await store.claim('alice', 'done', 'fp-2')).toEqual({ state: 'in_progress' });
    });

    it('lets a retry take over a claim whose lease ran out (its request died with the process)', async () => {
      const { store, clock, leaseMs } = subject();
      await store.claim('alice', 'stuck', 'fp');

      clock.advance(leaseMs - 1);
      expect(await store.claim('alice', 'stuck', 'fp')).toEqual({ state: 'in_progress' });
      clock.advance(1);
      expect(await store.claim('alice', 'stuck', 'fp')).toEqual({ state: 'new' });
    });

    it('remembers a response for 24 hours from its completion, not from the claim', async () => {
      const { store, clock, ttlMs, leaseMs } = subject();
      await store.claim('alice', 'slow', 'fp-1');
      clock.advance(leaseMs - 1);
      await store.complete('alice', 'slow', response);

      clock.advance(ttlMs - 1);
      expect(await store.claim('alice', 'slow', 'fp-1')).toEqual({ state: 'done', response });
    });

    it('keeps the headers a replay repeats', async () => {
      const { store } = subject();
      const located = { ...response, headers: { location: '/api/trades/t1?sheet_id=j' } };
      await store.claim('alice', 'k1', 'fp-1');
      await store.complete('alice', 'k1', located);
      expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'done', response: located });
    });

    it('answers an abandoned claim as an unknown outcome for 24 hours, and never downgrades a stored response', async () => {
      const { store, clock, ttlMs, leaseMs } = subject();
      await store.claim('alice', 'lost', 'fp-1');
      await store.abandon('alice', 'lost', 'fp-1');

      clock.advance(leaseMs);
      expect(await store.claim('alice', 'lost', 'fp-1')).toEqual({ state: 'outcome_unknown', fingerprint: 'fp-1' });
      await store.release('alice', 'lost');
      expect(await store.claim('alice', 'lost', 'fp-1')).toEqual({ state: 'outcome_unknown', fingerprint: 'fp-1' });
      clock.advance(ttlMs - leaseMs);
      expect(await store.claim('alice', 'lost', 'fp-1')).toEqual({ state: 'new' });

      await store.claim('alice', 'kept', 'fp-1');
      await store.complete('alice', 'kept', response);
      await store.abandon('alice', 'kept', 'fp-1');
      expect(await store.claim('alice', 'kept', 'fp-1')).toEqual({ state: 'done', response });
    });

    it('keeps a response completed without a live claim, and bodies of any JSON shape', async () => {
      const { store, clock, ttlMs } = subject();
      await store.complete('alice', 'late', { status: 204, body: undefined, fingerprint: 'fp' });
      expect(await store.claim('alice', 'late', 'fp')).toEqual({
        state: 'done',
        response: { status: 204, body: undefined, fingerprint: 'fp' },
      });
      await store.complete('alice', 'text', { status: 200, body: 'plain "text" ✓', fingerprint: 'fp' });
      expect(await store.claim('alice', 'text', 'fp')).toMatchObject({ response: { body: 'plain "text" ✓' } });

      await store.claim('alice', 'expired', 'fp');
      clock.advance(ttlMs);
      await store.complete('alice', 'expired', response);
      expect(await store.claim('alice', 'expired', 'fp-1')).toEqual({ state: 'done', response });
    });

    it('gives exactly one of many concurrent claims, from two stores on the same storage, the key', async () => {
      const { store, another } = subject();
      const other = await another();

      const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).claim('alice', 'race', 'fp')));

      expect(claims.filter((claim) => claim.state === 'new')).toHaveLength(1);
      expect(claims.filter((claim) => claim.state === 'in_progress')).toHaveLength(9);
    });

    it('refuses empty keys and invalid statuses', async () => {
      const { store } = subject();
      await expect(store.claim('alice', '', 'fp')).rejects.toMatchObject({ code: 'IDEMPOTENCY.INVALID_INPUT' });
      await expect(store.complete('alice', 'k', { status: 42, body: null, fingerprint: 'fp' })).rejects.toMatchObject({
        code: 'IDEMPOTENCY.INVALID_STATUS',
      });
    });
  });
}
