import { describe, expect, it } from 'vitest';
import type { Pair } from '../../../../apps/price-aggregator/src/sources/price-source.js';
import { yahoofinance } from '../../../../apps/price-aggregator/src/sources/yahoofinance/index.js';
import type { Market } from '../types.js';
import { marketOf, priceOrKind, requestOf } from '../test-kit.js';
import { createYahoofinanceExchange } from './yahoofinance.js';

const { http } = yahoofinance;
const prices = { 'EUR/USD': '1.0823', 'BTC/USD': '67187.336', 'UNI/USD': '11.2', 'AAPL/USD': '172.28' };

const answer = (market: Market, pair: Pair) =>
  createYahoofinanceExchange().http?.(requestOf(http.buildRequest([pair], {})), market);
function resultFrom(market: Market, pair: Pair) {
  const [result] = http.toQuotes(http.responseSchema.parse(answer(market, pair)?.body), [pair]);
  return result && priceOrKind(result);
}

describe('fake yahoofinance', () => {
  it('answers v8 charts for currency pairs, crypto (numbered tickers too) and equities in the format the source parses', () => {
    expect(resultFrom(marketOf(prices), { base: 'EUR', quote: 'USD' })).toBe('1.0823');
    expect(resultFrom(marketOf(prices), { base: 'BTC', quote: 'USD' })).toBe('67187.336');
    expect(resultFrom(marketOf(prices), { base: 'UNI', quote: 'USD' })).toBe('11.2');
    expect(resultFrom(marketOf(prices), { base: 'AAPL', quote: 'USD' })).toBe('172.28');
  });

  it('answers 404 with chart.error for unknown symbols', () => {
    expect(answer(marketOf(prices), { base: 'GBP', quote: 'USD' })?.status).toBe(404);
    expect(resultFrom(marketOf(prices), { base: 'GBP', quote: 'USD' })).toBe('not_found');
  });

  it('applies zero, negative and schema faults, and answers 429 in plain text', () => {
    const btc = { base: 'BTC', quote: 'USD' };
    expect(resultFrom(marketOf(prices, { kind: 'zero' }), btc)).toBe('invalid_price');
    expect(resultFrom(marketOf(prices, { kind: 'negative' }), btc)).toBe('invalid_price');
    expect(
      http.responseSchema.safeParse(answer(marketOf(prices, { kind: 'schema' }), btc)?.body).success,
    ).toBe(false);
    expect(typeof createYahoofinanceExchange().errorBody?.(429)).toBe('string');
  });
});
