import { describe, expect, it } from 'vitest';
import { frankfurter } from '../../../../apps/price-aggregator/src/sources/frankfurter/index.js';
import type { Pair } from '../../../../apps/price-aggregator/src/sources/price-source.js';
import type { Market } from '../types.js';
import { marketOf, priceOrKind, requestOf } from '../test-kit.js';
import { createFrankfurterExchange } from './frankfurter.js';

const { http } = frankfurter;
const prices = { 'EUR/USD': '1.0823', 'EUR/GBP': '0.85868', 'USD/CHF': '0.90123' };
const pairs: Pair[] = [
  { base: 'EUR', quote: 'USD' },
  { base: 'EUR', quote: 'GBP' },
  { base: 'EUR', quote: 'JPY' },
];

function answer(market: Market, asked: Pair[] = pairs) {
  return createFrankfurterExchange().http?.(requestOf(http.buildRequest(asked, {})), market);
}
function resultsFrom(market: Market, asked: Pair[] = pairs) {
  const response = answer(market, asked);
  return http.toQuotes(http.responseSchema.parse(response?.body), asked).map(priceOrKind);
}

describe('fake frankfurter', () => {
  it('answers /latest in the format the source parses, leaving out unpriced targets', () => {
    expect(resultsFrom(marketOf(prices))).toEqual(['1.0823', '0.85868', 'not_found']);
    expect(resultsFrom(marketOf(prices), [{ base: 'USD', quote: 'CHF' }])).toEqual(['0.90123']);
  });

  it('answers 404 {"message":"not found"} for an unknown base', () => {
    const response = answer(marketOf(prices), [{ base: 'JPY', quote: 'USD' }]);
    expect(response?.status).toBe(404);
    expect(resultsFrom(marketOf(prices), [{ base: 'JPY', quote: 'USD' }])).toEqual(['not_found']);
  });

  it('applies zero, negative and schema faults', () => {
    expect(resultsFrom(marketOf(prices, { kind: 'zero' })).slice(0, 2)).toEqual([
      'invalid_price',
      'invalid_price',
    ]);
    expect(resultsFrom(marketOf(prices, { kind: 'negative' })).slice(0, 2)).toEqual([
      'invalid_price',
      'invalid_price',
    ]);
    expect(http.responseSchema.safeParse(answer(marketOf(prices, { kind: 'schema' }))?.body).success).toBe(
      false,
    );
  });
});
