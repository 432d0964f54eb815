import fc from 'fast-check';
import { type Bucket, KeyedBuckets, newBucket } from './breakdown';

describe('KeyedBuckets', () => {
  it('fills the same buckets as a plain Map lookup per key, whatever runs and alternations the keys come in (property)', () => {
    // Few keys, so runs (the remembered key) and back-and-forth (the one before it) both happen; '' and look-alikes too.
    const key = fc.constantFrom('AAPL', 'TSLA', 'ES', '', 'long', 'short', 'AAPL ', 'aapl');
    const entry = fc.record({ key, units: fc.integer({ min: -1_000_000, max: 1_000_000 }), win: fc.boolean() });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 200 }), (entries) => {
        const keyed = new KeyedBuckets();
        const plain = new Map<string, Bucket>();
        for (const { key, units, win } of entries) {
          keyed.add(key, units, win);
          const bucket = plain.get(key) ?? newBucket();
          plain.set(key, { count: bucket.count + 1, wins: bucket.wins + (win ? 1 : 0), units: bucket.units + units });
        }

        expect([...keyed.buckets]).toEqual([...plain]);
      }),
    );
  });
});
