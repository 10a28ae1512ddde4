import { describe, expect, it } from 'vitest';
import { scaled } from './aggregator-observer.js';

describe('aggregated price to observation', () => {
  it('scales to the feed decimals and truncates like Chainlink', () => {
    expect(scaled('65000.123456789', 8)).toBe(6_500_012_345_678n);
    expect(scaled('1.5', 0)).toBe(1n);
    expect(scaled('0.000000019', 8)).toBe(1n);
    expect(scaled('2500', 18)).toBe(2500n * 10n ** 18n);
  });

  it('gives nothing for what is not a number or does not fit in int192', () => {
    expect(scaled('abc', 8)).toBeUndefined();
    expect(scaled('1e60', 18)).toBeUndefined();
  });
});
