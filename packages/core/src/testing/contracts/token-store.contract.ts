// The TokenStore port's promises as one suite, run by each adapter's test file against its own storage.
import type { TokenStore } from '../../ports/token-store.port';
import { describeContract, type ClockedStoreSubject } from './contract-suite';
import { googleConnection as connection } from './records';

export type TokenStoreSubject = ClockedStoreSubject<TokenStore>;

export function describeTokenStoreContract(name: string, open: () => Promise<TokenStoreSubject>): void {
  describeContract(name, open, { clockAt: Date.parse('2026-04-01T12:00:00Z') }, (subject) => {
    it('puts, replaces, finds by user and by Google account, and deletes', async () => {
      const { store } = subject();
      expect(await store.get('alice')).toBeNull();
      await store.put(connection('alice', 'sub-a'));
      await store.put(connection('bob', 'sub-b'));
      await store.put(connection('alice', 'sub-a', 'cipher-a2'));

      expect(await store.get('alice')).toEqual({ ...connection('alice', 'sub-a', 'cipher-a2'), updated_at: '2026-04-01T12:00:00.000Z' });
      expect((await store.findBySubject('sub-b'))?.user_id).toBe('bob');
      await store.delete('alice');
      expect(await store.get('alice')).toBeNull();
      expect(await store.findBySubject('sub-a')).toBeNull();
      await store.delete('alice');
    });

    it('binds one Google account to one user', async () => {
      const { store } = subject();
      await store.put(connection('alice', 'sub-a'));
      await expect(store.put(connection('mallory', 'sub-a'))).rejects.toMatchObject({ code: 'OAUTH.ACCOUNT_IN_USE', status: 409 });
      expect(await store.get('mallory')).toBeNull();
      expect((await store.findBySubject('sub-a'))?.user_id).toBe('alice');
      // …and one user to one Google account: a reconnect with another account does not move them.
      await expect(store.put(connection('alice', 'sub-other'))).rejects.toMatchObject({ code: 'OAUTH.USER_BOUND_ELSEWHERE', status: 409 });
      expect((await store.get('alice'))?.subject).toBe('sub-a');
    });

    it('gives one Google account to exactly one of two users connecting it at once', async () => {
      const { store } = subject();
      const outcomes = await Promise.allSettled([store.put(connection('alice', 'sub-x')), store.put(connection('bob', 'sub-x'))]);

      const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const losers = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers.map((loser) => (loser.reason as { code: string }).code)).toEqual(['OAUTH.ACCOUNT_IN_USE']);
      const holder = (await store.findBySubject('sub-x'))?.user_id;
      expect([await store.get('alice'), await store.get('bob')].filter(Boolean).map((c) => c?.user_id)).toEqual([holder]);
    });

    it('keeps a user bound to their first Google account until the connection is deleted', async () => {
      const { store } = subject();
      await store.put(connection('alice', 'sub-a'));

      await expect(store.put(connection('alice', 'sub-b'))).rejects.toMatchObject({ code: 'OAUTH.USER_BOUND_ELSEWHERE', status: 409 });
      expect((await store.findBySubject('sub-a'))?.user_id).toBe('alice');
      expect(await store.findBySubject('sub-b')).toBeNull();

      // Deleting the connection frees the account for another user, and the user for another account.
      await store.delete('alice');
      await store.put(connection('bob', 'sub-a'));
      await store.put(connection('alice', 'sub-b'));
      expect((await store.findBySubject('sub-a'))?.user_id).toBe('bob');
      expect((await store.findBySubject('sub-b'))?.user_id).toBe('alice');
    });

    it('updates the ciphertext of a connected user only, and marks a connection broken', async () => {
      const { store, clock } = subject();
      await store.put(connection('alice', 'sub-a'));
      clock.advance(1000);
      await store.updateCiphertext('alice', 'refreshed');
      expect(await store.get('alice')).toMatchObject({ ciphertext: 'refreshed', updated_at: '2026-04-01T12:00:01.000Z' });

      await store.markBroken('alice');
      await store.updateCiphertext('alice', 'late refresh');
      expect(await store.get('alice')).toMatchObject({ ciphertext: 'refreshed', status: 'broken' });
      await store.updateCiphertext('nobody', 'x');
      await store.markBroken('nobody');
      expect(await store.get('nobody')).toBeNull();
    });

    it('keeps a connection without an email as one without an email', async () => {
      const { store } = subject();
      const { email: _email, ...withoutEmail } = connection('alice', 'sub-a');

      await store.put(withoutEmail);

      expect(await store.get('alice')).toEqual({ ...withoutEmail, updated_at: '2026-04-01T12:00:00.000Z' });
    });

    it('refuses a connection without user, account or ciphertext', async () => {
      const { store } = subject();
      await expect(store.put(connection('', 'sub'))).rejects.toMatchObject({ code: 'TOKEN.INVALID_CONNECTION' });
      await expect(store.put(connection('alice', ''))).rejects.toMatchObject({ code: 'TOKEN.INVALID_CONNECTION' });
      await expect(store.put(connection('alice', 'sub', ''))).rejects.toMatchObject({ code: 'TOKEN.INVALID_CONNECTION' });
      await expect(store.updateCiphertext('alice', '')).rejects.toMatchObject({ code: 'TOKEN.INVALID_CONNECTION' });
    });
  });
}
