import { describe, expect, it } from 'vitest';
import { exchangerateHost } from '../../../../apps/price-aggregator/src/sources/exchangerate-host/index.js';
import type { Pair, SourceContext } from '../../../../apps/price-aggregator/src/sources/price-source.js';
import type { Market } from '../types.js';
import { marketOf, priceOrKind, requestOf } from '../test-kit.js';
import { createExchangerateHostExchange } from './exchangerate-host.js';

const { http } = exchangerateHost;
const prices = { 'USD/EUR': '0.92301', 'USD/JPY': '151.441504', 'EUR/USD': '1.0834' };
const pairs: Pair[] = [
  { base: 'USD', quote: 'EUR' },
  { base: 'USD', quote: 'JPY' },
  { base: 'USD', quote: 'CHF' },
];

function resultsFrom(market: Market, asked: Pair[] = pairs, ctx: SourceContext = { apiKey: 'erh-key' }) {
  const response = createExchangerateHostExchange().http?.(requestOf(http.buildRequest(asked, ctx)), market);
  expect(response?.status).toBe(200);
  return http.toQuotes(http.responseSchema.parse(response?.body), asked).map(priceOrKind);
}

describe('fake exchangerate-host', () => {
  it('answers /live in the format the source parses, leaving out unpriced targets', () => {
    expect(resultsFrom(marketOf(prices))).toEqual(['0.92301', '151.441504', 'not_found']);
    expect(resultsFrom(marketOf(prices), [{ base: 'EUR', quote: 'USD' }])).toEqual(['1.0834']);
  });

  it('answers success:false for a missing key and an unknown source currency', () => {
    expect(resultsFrom(marketOf(prices), pairs, {})).toEqual([
      'unauthorized',
      'unauthorized',
      'unauthorized',
    ]);
    expect(resultsFrom(marketOf(prices), [{ base: 'GBP', quote: 'USD' }])).toEqual(['not_found']);
  });

  it('applies zero, negative and schema faults, and quota bodies for status faults', () => {
    expect(resultsFrom(marketOf(prices, { kind: 'zero' })).slice(0, 2)).toEqual([
      'invalid_price',
      'invalid_price',
    ]);
    expect(resultsFrom(marketOf(prices, { kind: 'negative' })).slice(0, 2)).toEqual([
      'invalid_price',
      'invalid_price',
    ]);
    const drifted = createExchangerateHostExchange().http?.(
      requestOf(http.buildRequest(pairs, { apiKey: 'k' })),
      marketOf(prices, { kind: 'schema' }),
    );
    expect(http.responseSchema.safeParse(drifted?.body).success).toBe(false);
    const limited = http.responseSchema.parse(createExchangerateHostExchange().errorBody?.(429));
    expect(http.toQuotes(limited, pairs.slice(0, 1)).map((r) => 'error' in r && r.error.kind)).toEqual([
      'rate_limited',
    ]);
  });
});
