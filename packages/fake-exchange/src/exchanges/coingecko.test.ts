import { describe, expect, it } from 'vitest';
import type { Pair } from '../../../../apps/price-aggregator/src/sources/price-source.js';
import {
  coingecko,
  COINGECKO_COIN_IDS,
  coinGeckoGlobal,
} from '../../../../apps/price-aggregator/src/sources/coingecko/index.js';
import type { Fault, Market } from '../types.js';
import { marketOf, priceOrKind, requestOf } from '../test-kit.js';
import { COINGECKO_FAKE_COIN_IDS, createCoingeckoExchange } from './coingecko.js';

const { http } = coingecko;
const pairs: Pair[] = [
  { base: 'BTC', quote: 'USD' },
  { base: 'ETH', quote: 'EUR' },
  { base: 'WSTETH', quote: 'USD' },
];
const prices = {
  'BTC/USD': '67187.33',
  'ETH/EUR': '3272.01',
  'WSTETH/USD': '4121.22',
  'TOTAL/USD': '2721226850772.63',
};

function quotesFrom(market: Market, asked: Pair[] = pairs) {
  const response = createCoingeckoExchange().http?.(requestOf(http.buildRequest(asked, {})), market);
  expect(response?.status).toBe(200);
  return http.toQuotes(http.responseSchema.parse(response?.body), asked);
}

describe('fake coingecko', () => {
  it('knows every coin id of the source symbol map', () => {
    expect(COINGECKO_FAKE_COIN_IDS).toEqual(expect.arrayContaining(Object.values(COINGECKO_COIN_IDS)));
  });

  it('answers /simple/price in the format the source parses, with the market prices', () => {
    expect(quotesFrom(marketOf(prices)).map(priceOrKind)).toEqual(['67187.33', '3272.01', '4121.22']);
  });

  it('leaves out coins without a price, as CoinGecko does', () => {
    const [result] = quotesFrom(marketOf(prices), [{ base: 'LINK', quote: 'USD' }]);
    expect(result && 'error' in result && result.error.kind).toBe('not_found');
  });

  it('applies zero, negative and schema faults', () => {
    const kinds = (fault: Fault) =>
      quotesFrom(marketOf(prices, fault)).map((r) => 'error' in r && r.error.kind);
    expect(kinds({ kind: 'zero' })).toEqual(['invalid_price', 'invalid_price', 'invalid_price']);
    expect(kinds({ kind: 'negative' })).toEqual(['invalid_price', 'invalid_price', 'invalid_price']);
    const response = createCoingeckoExchange().http?.(
      requestOf(http.buildRequest(pairs, {})),
      marketOf(prices, { kind: 'schema' }),
    );
    expect(http.responseSchema.safeParse(response?.body).success).toBe(false);
  });

  it('gives status faults CoinGecko error bodies', () => {
    const body = createCoingeckoExchange().errorBody?.(429);
    const [result] = http.toQuotes(http.responseSchema.parse(body), [
      pairs[0] ?? { base: 'BTC', quote: 'USD' },
    ]);
    expect(result && 'error' in result && result.error.kind).toBe('rate_limited');
  });

  it('answers /global with the TOTAL pseudo pairs as the market cap', () => {
    const global = () =>
      createCoingeckoExchange().http?.(requestOf(coinGeckoGlobal.buildRequest({})), marketOf(prices))?.body;
    const result = coinGeckoGlobal.toMarketData(coinGeckoGlobal.responseSchema.parse(global()));
    expect(result.ok && result.value.totalMarketCap.usd).toBe('2721226850772.63');
    expect(result.ok && result.value.activeCryptocurrencies).toBe(3);
    const drifted = createCoingeckoExchange().http?.(
      requestOf(coinGeckoGlobal.buildRequest({})),
      marketOf(prices, { kind: 'schema' }),
    );
    expect(coinGeckoGlobal.responseSchema.safeParse(drifted?.body).success).toBe(false);
  });

  it('404s unknown paths', () => {
    expect(
      createCoingeckoExchange().http?.(requestOf({ path: '/api/v3/coins/list' }), marketOf(prices)),
    ).toBeUndefined();
  });
});
