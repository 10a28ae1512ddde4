import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { testConfig } from '../config/fixtures/test-config.js';
import { AdHocPairs, type AdHocLimits } from './ad-hoc-pairs.js';

/** AdHocPairs with these limits, its clock at `nowMs`. */
function budget({ maxPairs, maxNewPairsPerMinute, inactiveMs }: AdHocLimits, nowMs: number): AdHocPairs {
  const finite = Number.isFinite(inactiveMs);
  return new AdHocPairs(
    testConfig({
      adHocPairs: { maxPairs, maxNewPairsPerMinute },
      pairCleanup: finite ? { enabled: true, inactiveTimeoutMs: inactiveMs } : { enabled: false },
    }),
    new ManualClock(nowMs),
  );
}

describe('AdHocPairs', () => {
  it('admits at most maxPairs at a time, and pairs already admitted always', () => {
    const pairs = budget({ maxPairs: 2, maxNewPairsPerMinute: 100, inactiveMs: 60_000 }, 0);
    expect(pairs.admit('A/USD', 0)).toBe(true);
    expect(pairs.admit('B/USD', 0)).toBe(true);
    expect(pairs.admit('C/USD', 0)).toBe(false);
    expect(pairs.refusal()).toMatch(/2 ad-hoc pairs are in use .*adHocPairs\.maxPairs/);
    expect(pairs.admit('A/USD', 10)).toBe(true);
    expect(pairs.size).toBe(2);
  });

  it('frees the place of a pair nobody asked for within inactiveMs', () => {
    const pairs = budget({ maxPairs: 1, maxNewPairsPerMinute: 100, inactiveMs: 60_000 }, 0);
    expect(pairs.admit('A/USD', 0)).toBe(true);
    expect(pairs.admit('B/USD', 59_999)).toBe(false);
    expect(pairs.admit('B/USD', 60_000)).toBe(true);
    expect(pairs.admit('A/USD', 60_001)).toBe(false);
  });

  it('admits at most maxNewPairsPerMinute new pairs, refilled over the minute', () => {
    const pairs = budget({ maxPairs: 1_000, maxNewPairsPerMinute: 3, inactiveMs: 600_000 }, 0);
    const admitted = ['A', 'B', 'C', 'D'].map((base) => pairs.admit(`${base}/USD`, 0));
    expect(admitted).toEqual([true, true, true, false]);
    expect(pairs.refusal()).toMatch(/more than 3 new ad-hoc pairs in a minute/);
    expect(pairs.admit('D/USD', 19_999)).toBe(false);
    expect(pairs.admit('D/USD', 20_000)).toBe(true);
  });

  it('serves configured pairs only when maxPairs is 0', () => {
    const pairs = budget({ maxPairs: 0, maxNewPairsPerMinute: 60, inactiveMs: 600_000 }, 0);
    expect(pairs.admit('A/USD', 0)).toBe(false);
  });
});
