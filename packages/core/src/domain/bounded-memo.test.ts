import { boundedMemo } from './bounded-memo';

describe('boundedMemo', () => {
  it('computes a key once, holds at most `limit` keys, and never remembers a throw', () => {
    const calls: string[] = [];
    const memo = boundedMemo(2, (key) => {
      calls.push(key);
      if (key === 'bad') throw new RangeError(key);
      return key.length;
    });

    expect([memo('a'), memo('a'), memo('bb')]).toEqual([1, 1, 2]);
    expect(calls).toEqual(['a', 'bb']);
    // A third key starts the memo over: 'a' is computed again afterwards.
    expect(memo('ccc')).toBe(3);
    expect(memo('a')).toBe(1);
    expect(calls).toEqual(['a', 'bb', 'ccc', 'a']);
    expect(() => memo('bad')).toThrow(RangeError);
    expect(() => memo('bad')).toThrow(RangeError);
    expect(calls.filter((key) => key === 'bad')).toHaveLength(2);
  });
});
