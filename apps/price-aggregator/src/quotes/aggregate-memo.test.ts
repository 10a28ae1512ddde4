import { describe, expect, it } from 'vitest';
import type { CachedQuote } from '../cache/quote-cache.js';
import { AggregateMemo } from './aggregate-memo.js';

const T = Date.UTC(2024, 5, 10, 12);
const quote: CachedQuote = {
  source: 'okx',
  pair: { base: 'BTC', quote: 'USDT' },
  price: '65000',
  receivedAtMs: T,
  expiresAtMs: T + 600_000,
  sourceTimestampMs: T - 10_000,
  maxSourceAgeMs: 60_000, // stale at its source from T + 50 s
  via: 'rest',
};

describe('AggregateMemo', () => {
  it('holds an aggregate until one of its quotes expires or turns stale at its source', () => {
    const memo = new AggregateMemo<string>();
    memo.set('BTC/USDT', [quote], 'okx contributes', T);
    expect(memo.get('BTC/USDT', [quote], T + 49_999)).toBe('okx contributes');
    expect(memo.get('BTC/USDT', [quote], T + 50_000)).toBeUndefined();
    expect(memo.get('BTC/USDT', [{ ...quote }], T)).toBeUndefined(); // another entry
    memo.set('BTC/USDT', [quote], 'okx rejected', T + 52_000);
    expect(memo.get('BTC/USDT', [quote], T + 599_999)).toBe('okx rejected');
    expect(memo.get('BTC/USDT', [quote], T + 600_000)).toBeUndefined();
  });

  it('does not keep a result aggregated just before its quote turned stale but handed over just after', () => {
    const memo = new AggregateMemo<string>();
    memo.set('BTC/USDT', [quote], 'okx contributes', T + 50_300);
    expect(memo.get('BTC/USDT', [quote], T + 50_300)).toBeUndefined();
  });
});
