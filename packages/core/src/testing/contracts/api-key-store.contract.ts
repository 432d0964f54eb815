// The ApiKeyStore port's promises as one suite, run by each adapter's test file against its own storage.
import { createHash } from 'node:crypto';
import type { ApiKeyStore } from '../../ports/api-key-store.port';
import { describeContract, type ClockedStoreSubject } from './contract-suite';

export interface ApiKeyStoreSubject extends ClockedStoreSubject<ApiKeyStore> {
  /** Every record the store wrote (rows or items), read around it: the port promises a plain key is never stored. */
  rawRecords(): Promise<unknown[]>;
}

export function describeApiKeyStoreContract(name: string, open: () => Promise<ApiKeyStoreSubject>): void {
  describeContract(name, open, { clockAt: Date.parse('2026-03-01T10:00:00Z') }, (subject) => {
    it('creates pk_ keys that verify to their user', async () => {
      const { store } = subject();
      const { key, record } = await store.create('alice');
      expect(key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/);
      expect(record).toEqual({ keyId: key.slice(3, 11), userId: 'alice', createdAt: '2026-03-01T10:00:00.000Z' });
      expect(await store.verify(key)).toBe('alice');
      expect(await store.count('alice')).toBe(1);
    });

    it('stores only the sha256 of a key, never the key', async () => {
      const { store, rawRecords } = subject();
      const { key } = await store.create('alice');

      const stored = JSON.stringify(await rawRecords());

      expect(stored).not.toContain(key);
      expect(stored).toContain(createHash('sha256').update(key).digest('hex'));
    });

    it('creates distinct keys', async () => {
      const { store } = subject();
      const keys = await Promise.all(Array.from({ length: 20 }, () => store.create('alice')));
      expect(new Set(keys.map(({ key }) => key)).size).toBe(20);
      expect(await store.count('alice')).toBe(20);
    });

    it('revokes every active key of one user only', async () => {
      const { store } = subject();
      const a1 = await store.create('alice');
      const a2 = await store.create('alice');
      const b1 = await store.create('bob');
      expect(await store.revoke('alice')).toBe(2);
      expect(await store.revoke('alice')).toBe(0);
      expect(await store.verify(a1.key)).toBeNull();
      expect(await store.verify(a2.key)).toBeNull();
      expect(await store.verify(b1.key)).toBe('bob');
      expect(await store.count('alice')).toBe(0);
      expect(await store.count('bob')).toBe(1);
      // The user still exists: every key ever issued counts when asked for.
      expect(await store.count('alice', { includeRevoked: true })).toBe(2);
      expect(await store.count('nobody', { includeRevoked: true })).toBe(0);

      const a3 = await store.create('alice');
      expect(await store.verify(a3.key)).toBe('alice');
      expect(await store.count('alice')).toBe(1);
    });

    it('counts one revocation once when two revokes race', async () => {
      const { store } = subject();
      await Promise.all(Array.from({ length: 5 }, () => store.create('alice')));

      const counts = await Promise.all([store.revoke('alice'), store.revoke('alice')]);

      expect(counts[0]! + counts[1]!).toBe(5);
      expect(await store.count('alice')).toBe(0);
    });

    it('answers null, never throws, for unknown or junk keys', async () => {
      const { store } = subject();
      const { key } = await store.create('alice');
      const flipped = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
      const junk: unknown[] = [
        flipped,
        `pk_${'A'.repeat(43)}`,
        key.slice(3),
        `${key} `,
        `${key}A`,
        '',
        'pk_',
        "pk_' OR 1=1 --",
        'x'.repeat(100_000),
        null,
        undefined,
        42,
        {},
        [key],
      ];
      for (const candidate of junk) await expect(store.verify(candidate as string)).resolves.toBeNull();
      expect(await store.count('nobody')).toBe(0);
      expect(await store.revoke('nobody')).toBe(0);
    });

    it('refuses an empty user id', async () => {
      await expect(subject().store.create('')).rejects.toMatchObject({ code: 'API_KEY.INVALID_USER' });
    });
  });
}
