import { describe, expect, it } from 'vitest';
import { alphavantage } from '../../../../apps/price-aggregator/src/sources/alphavantage/index.js';
import type { Pair, SourceContext } from '../../../../apps/price-aggregator/src/sources/price-source.js';
import type { Market } from '../types.js';
import { marketOf, priceOrKind, requestOf } from '../test-kit.js';
import { createAlphavantageExchange } from './alphavantage.js';

const { http } = alphavantage;
const prices = { 'BTC/USD': '67187.33', 'EUR/USD': '1.0834' };
const btc: Pair = { base: 'BTC', quote: 'USD' };

function resultFrom(market: Market, pair: Pair = btc, ctx: SourceContext = { apiKey: 'av-key' }) {
  const response = createAlphavantageExchange().http?.(requestOf(http.buildRequest([pair], ctx)), market);
  expect(response?.status).toBe(200);
  const [result] = http.toQuotes(http.responseSchema.parse(response?.body), [pair]);
  return result && priceOrKind(result);
}

describe('fake alphavantage', () => {
  it('answers CURRENCY_EXCHANGE_RATE in the format the source parses', () => {
    expect(resultFrom(marketOf(prices))).toBe('67187.33');
    expect(resultFrom(marketOf(prices), { base: 'EUR', quote: 'USD' })).toBe('1.0834');
  });

  it('answers Error Message bodies for a missing key and unknown pairs', () => {
    expect(resultFrom(marketOf(prices), btc, {})).toBe('unauthorized');
    expect(resultFrom(marketOf(prices), { base: 'NOPE', quote: 'USD' })).toBe('not_found');
  });

  it('applies zero, negative and schema faults, and throttles status faults with Information', () => {
    expect(resultFrom(marketOf(prices, { kind: 'zero' }))).toBe('invalid_price');
    expect(resultFrom(marketOf(prices, { kind: 'negative' }))).toBe('invalid_price');
    const drifted = createAlphavantageExchange().http?.(
      requestOf(http.buildRequest([btc], { apiKey: 'k' })),
      marketOf(prices, { kind: 'schema' }),
    );
    expect(http.responseSchema.safeParse(drifted?.body).success).toBe(false);
    const [limited] = http.toQuotes(
      http.responseSchema.parse(createAlphavantageExchange().errorBody?.(429)),
      [btc],
    );
    expect(limited && 'error' in limited && limited.error.kind).toBe('rate_limited');
  });
});
