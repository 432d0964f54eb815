// The NonceStore port's promises as one suite, run by each adapter's test file against its own storage.
import type { NonceStore } from '../../ports/nonce-store.port';
import { describeContract, type ClockedStoreSubject } from './contract-suite';

export type NonceStoreSubject = ClockedStoreSubject<NonceStore>;

const START = 1_000_000;

export function describeNonceStoreContract(name: string, open: () => Promise<NonceStoreSubject>): void {
  describeContract(name, open, { clockAt: START }, (subject) => {
    it('accepts a nonce once, refuses its replay, and accepts it again once expired', async () => {
      const { store: nonces, clock } = subject();
      let now = START;
      expect(await nonces.use('n1', now + 600_000)).toBe(true);
      expect(await nonces.use('n1', now + 600_000)).toBe(false);
      expect(await nonces.use('n2', now + 600_000)).toBe(true);

      clock.set((now += 599_999));
      expect(await nonces.use('n1', now + 600_000)).toBe(false);
      clock.set((now += 1));
      expect(await nonces.use('n1', now + 600_000)).toBe(true);
      expect(await nonces.use('n1', now + 600_000)).toBe(false);
    });

    it('accepts exactly one of many concurrent uses of one nonce', async () => {
      const { store: nonces } = subject();
      const uses = await Promise.all(Array.from({ length: 10 }, () => nonces.use('race', START + 60_000)));

      expect(uses.filter(Boolean)).toHaveLength(1);
    });

    it('refuses empty, oversized or non-string nonces', async () => {
      const { store: nonces } = subject();
      expect(await nonces.use('', START + 1)).toBe(false);
      expect(await nonces.use('x'.repeat(257), START + 1)).toBe(false);
      expect(await nonces.use(42 as unknown as string, START + 1)).toBe(false);
    });
  });
}
