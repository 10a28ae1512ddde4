import { describe, expect, it } from 'vitest';
import { oraclesConnected, quorum, scaledToNumber } from './feed-values.js';

describe('scaledToNumber', () => {
  it("scales an on-chain answer by the feed's decimals", () => {
    expect(scaledToNumber(6_412_350_000_000n, 8)).toBe(64123.5);
    expect(scaledToNumber(108_530_000n, 8)).toBe(1.0853);
    expect(scaledToNumber(-5n, 2)).toBe(-0.05);
    expect(scaledToNumber(42n, 0)).toBe(42);
  });

  it('turns parts per billion into a ratio', () => {
    expect(scaledToNumber(5_000_000n, 9)).toBe(0.005);
    expect(scaledToNumber(86_400_000_000_000n, 9)).toBe(86_400);
  });
});

describe('oraclesConnected', () => {
  const config = ['a', 'b', 'c', 'd'];

  it('counts this node and the connected oracles of the config', () => {
    expect(oraclesConnected(config, 'a', ['b', 'd'])).toBe(3);
  });

  it('ignores connections to peers outside the config (a bootstrap node) and to itself', () => {
    expect(oraclesConnected(config, 'a', ['bootstrap', 'a', 'c'])).toBe(2);
  });

  it('is 1 for an isolated node', () => {
    expect(oraclesConnected(config, 'c', [])).toBe(1);
  });
});

describe('quorum', () => {
  it('is 2f+1', () => {
    expect(quorum(1)).toBe(3);
    expect(quorum(0)).toBe(1);
    expect(quorum(10)).toBe(21);
  });
});
