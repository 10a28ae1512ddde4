import { describe, expect, it } from 'vitest';
import {
  failAll,
  hasPlainSymbols,
  isSourcePrice,
  priceFor,
  unknownSymbolError,
  upstreamText,
} from './source-price.js';

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

  it('names the pair in its errors', () => {
    expect(priceFor(pair, '-2')).toMatchObject({ error: { message: expect.stringContaining('BTC/USD') } });
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

describe('unknownSymbolError', () => {
  it('is not_found for one pair and a 400 naming the batch size for a batch', () => {
    expect(unknownSymbolError('x: unknown', 1)).toEqual({ kind: 'not_found', message: 'x: unknown' });
    expect(unknownSymbolError('x: unknown', 3)).toMatchObject({
      kind: 'http',
      status: 400,
      message: expect.stringMatching(/^x: unknown: one of the 3 pairs .* one by one$/),
    });
  });
});

describe('hasPlainSymbols', () => {
  it('accepts upper-case letters and digits only', () => {
    expect(hasPlainSymbols({ base: '1INCH', quote: 'USDT' })).toBe(true);
    for (const base of ['btc', 'USD.E', 'BTC-X', '', 'A'.repeat(21)])
      expect(hasPlainSymbols({ base, quote: 'USDT' }), base).toBe(false);
  });
});
