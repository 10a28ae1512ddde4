import { describe, expect, it } from 'vitest';
import { failAll, isSourcePrice, priceFor, upstreamText } from './source-price.js';

const pair = { base: 'BTC', quote: 'USD' };

describe('priceFor', () => {
  it('normalises numbers and decimal strings exactly', () => {
    expect(priceFor(pair, 67187.33)).toEqual({ pair, price: '67187.33' });
    expect(priceFor(pair, 1e-7)).toEqual({ pair, price: '0.0000001' });
    expect(priceFor(pair, '0001.2300', 1_700_000_000_000)).toEqual({
      pair,
      price: '1.23',
      sourceTimestampMs: 1_700_000_000_000,
    });
  });

  it('rejects zero, negative, non-numeric and missing prices as invalid_price', () => {
    for (const raw of [
      0,
      '0.000',
      -1,
      '-0.5',
      'abc',
      '',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      null,
      undefined,
      {},
    ]) {
      const result = priceFor(pair, raw);
      expect(isSourcePrice(result), String(raw)).toBe(false);
      if (!isSourcePrice(result)) expect(result.error.kind).toBe('invalid_price');
    }
  });

  it('drops timestamps that are not real instants', () => {
    expect(priceFor(pair, 1, 0)).toEqual({ pair, price: '1' });
    expect(priceFor(pair, 1, Number.NaN)).toEqual({ pair, price: '1' });
  });
});

describe('failAll and upstreamText', () => {
  it('gives every pair the same error', () => {
    const error = { kind: 'rate_limited' as const, message: 'slow down' };
    expect(failAll([pair, { base: 'ETH', quote: 'USD' }], error).map((r) => r.error)).toEqual([error, error]);
  });

  it('keeps upstream text short, on one line and free of key-like tokens', () => {
    expect(upstreamText('bad\n  key abcdefghijklmnopqrstuvwxyz0123456789 here')).toBe(
      'bad key [redacted] here',
    );
    expect(upstreamText('x'.repeat(10) + ' ' + 'y '.repeat(200)).length).toBeLessThanOrEqual(161);
  });
});
