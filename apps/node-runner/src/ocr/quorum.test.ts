import { describe, expect, it } from 'vitest';
import { countTrue, exceeds2F, exceedsF, kthHighestAbove } from './quorum.js';

describe('quorum', () => {
  it('counts strictly more than f and 2f', () => {
    expect([exceedsF(1, 1), exceedsF(2, 1), exceeds2F(2, 1), exceeds2F(3, 1), exceeds2F(1, 0)]).toEqual([
      false,
      true,
      false,
      true,
      true,
    ]);
  });

  it('finds the k-th highest value above a floor', () => {
    const votes = [3, 9, 1, 5, 5];
    expect(kthHighestAbove(votes, 2, 1)).toBe(9);
    expect(kthHighestAbove(votes, 2, 2)).toBe(5);
    expect(kthHighestAbove(votes, 2, 3)).toBe(5);
    expect(kthHighestAbove(votes, 2, 4)).toBe(3);
    expect(kthHighestAbove(votes, 2, 5)).toBeUndefined();
    expect(kthHighestAbove(votes, 5, 1)).toBe(9);
    expect(kthHighestAbove(votes, 5, 2)).toBeUndefined();
  });

  it('counts set flags', () => {
    expect(countTrue([true, false, true, true])).toBe(3);
    expect(countTrue([])).toBe(0);
  });
});
