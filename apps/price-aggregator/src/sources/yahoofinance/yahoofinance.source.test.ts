import { describe, expect, it } from 'vitest';
import type { Pair } from '../price-source.js';
import { yahoofinance } from './index.js';
import { YAHOO_CRYPTO_TICKERS, yahooSymbolOf } from './yahoofinance.symbols.js';
import chartCrypto from './fixtures/chart-crypto.json' with { type: 'json' };
import chartCurrency from './fixtures/chart-currency.json' with { type: 'json' };
import chartEquity from './fixtures/chart-equity.json' with { type: 'json' };
import errorNotFound from './fixtures/error-not-found.json' with { type: 'json' };

const { http } = yahoofinance;
const pair = (base: string, quote: string): Pair => ({ base, quote });
const results = (body: unknown, p: Pair) => http.toQuotes(http.responseSchema.parse(body), [p]);
const kind = (body: unknown, p: Pair) =>
  results(body, p).map((r) => ('error' in r ? r.error.kind : r.price))[0];
type Meta = Record<string, unknown>;
const withMeta = (body: typeof chartCrypto, meta: Meta) => ({
  chart: {
    ...body.chart,
    result: [{ ...body.chart.result[0], meta: { ...body.chart.result[0]?.meta, ...meta } }],
  },
});

describe('yahoofinance symbols', () => {
  it('maps fiat pairs to =X, mapped crypto to BASE-QUOTE and other bases to tickers', () => {
    expect(yahooSymbolOf(pair('EUR', 'USD'))).toEqual({ symbol: 'EURUSD=X', instrument: 'currency' });
    expect(yahooSymbolOf(pair('USD', 'JPY'))).toEqual({ symbol: 'USDJPY=X', instrument: 'currency' });
    expect(yahooSymbolOf(pair('BTC', 'USD'))).toEqual({ symbol: 'BTC-USD', instrument: 'crypto' });
    expect(yahooSymbolOf(pair('UNI', 'EUR'))).toEqual({ symbol: 'UNI7083-EUR', instrument: 'crypto' });
    expect(yahooSymbolOf(pair('AAPL', 'USD'))).toEqual({ symbol: 'AAPL', instrument: 'security' });
    expect(yahooSymbolOf(pair('BRK-B', 'USD'))).toEqual({ symbol: 'BRK-B', instrument: 'security' });
  });

  it('supports fiat quotes only', () => {
    expect(http.supports(pair('BTC', 'USDT'))).toBe(false);
    expect(http.supports(pair('ETH', 'BTC'))).toBe(false);
    expect(http.supports(pair('USD', 'USD'))).toBe(false);
    expect(http.supports(pair('EUR', 'GBP'))).toBe(true);
  });

  it('keeps the crypto ticker map one-to-one', () => {
    const tickers = Object.values(YAHOO_CRYPTO_TICKERS);
    expect(new Set(tickers).size).toBe(tickers.length);
    expect(YAHOO_CRYPTO_TICKERS.BTC).toBe('BTC');
  });
});

describe('yahoofinance requests', () => {
  it('asks the v8 chart endpoint for one URL-encoded symbol', () => {
    expect(http.buildRequest([pair('EUR', 'USD')], {}).path).toBe(
      '/v8/finance/chart/EURUSD%3DX?interval=1d&range=1d',
    );
    expect(http.buildRequest([pair('BTC', 'USD')], {}).path).toBe(
      '/v8/finance/chart/BTC-USD?interval=1d&range=1d',
    );
    expect(http.maxBatchSize).toBe(1);
    expect(http.defaultBaseUrl).toBe('https://query1.finance.yahoo.com');
    expect(http.defaultRps).toBe(10);
    expect(http.requiresApiKey).toBe(false);
  });
});

describe('yahoofinance responses', () => {
  it('reads chart.result[0].meta.regularMarketPrice for currencies, crypto and equities', () => {
    expect(results(chartCurrency, pair('EUR', 'USD'))).toEqual([
      { pair: pair('EUR', 'USD'), price: '1.0823', sourceTimestampMs: 1711356000_000 },
    ]);
    expect(results(chartCrypto, pair('BTC', 'USD'))).toEqual([
      { pair: pair('BTC', 'USD'), price: '67187.336', sourceTimestampMs: 1711356240_000 },
    ]);
    expect(results(chartEquity, pair('AAPL', 'USD'))).toEqual([
      { pair: pair('AAPL', 'USD'), price: '172.28', sourceTimestampMs: 1711137600_000 },
    ]);
  });

  it('maps chart.error bodies', () => {
    expect(kind(errorNotFound, pair('NOPE', 'USD'))).toBe('not_found');
    const limited = {
      chart: { result: null, error: { code: 'Too Many Requests', description: 'Rate limited' } },
    };
    expect(kind(limited, pair('EUR', 'USD'))).toBe('rate_limited');
    const denied = { chart: { result: null, error: { code: 'Unauthorized', description: 'Invalid Crumb' } } };
    expect(kind(denied, pair('EUR', 'USD'))).toBe('unauthorized');
  });

  it('refuses answers for another symbol, instrument kind or currency', () => {
    expect(kind(chartEquity, pair('BTC', 'USD'))).toBe('not_found');
    expect(kind(withMeta(chartCrypto, { instrumentType: 'EQUITY' }), pair('BTC', 'USD'))).toBe('not_found');
    expect(kind(withMeta(chartEquity, { instrumentType: 'CRYPTOCURRENCY' }), pair('AAPL', 'USD'))).toBe(
      'not_found',
    );
    expect(kind(withMeta(chartEquity, { currency: 'GBp' }), pair('AAPL', 'USD'))).toBe('not_found');
    expect(kind(withMeta(chartCrypto, { regularMarketPrice: undefined }), pair('BTC', 'USD'))).toBe(
      'not_found',
    );
  });

  it('turns zero and negative prices into invalid_price, and drift into schema errors', () => {
    expect(kind(withMeta(chartCrypto, { regularMarketPrice: 0 }), pair('BTC', 'USD'))).toBe('invalid_price');
    expect(kind(withMeta(chartCrypto, { regularMarketPrice: -1 }), pair('BTC', 'USD'))).toBe('invalid_price');
    expect(
      http.responseSchema.safeParse(withMeta(chartCrypto, { regularMarketPrice: '67187' })).success,
    ).toBe(false);
    expect(http.responseSchema.safeParse({ chart: {} }).success).toBe(false);
  });
});

describe('yahoofinance source timestamp', () => {
  const OLD_S = Date.UTC(2024, 2, 21, 20) / 1000; // a Thursday's close, Good Friday ahead

  it('stamps quotes with regularMarketTime, bounded to 4 days by default (markets close)', () => {
    expect(
      results(withMeta(chartEquity, { regularMarketTime: OLD_S }), pair('AAPL', 'USD'))[0],
    ).toMatchObject({ sourceTimestampMs: OLD_S * 1000 });
    expect(http.defaultMaxSourceAgeMs).toBe(4 * 86_400_000);
  });

  it('fails the schema on a regularMarketTime that is no instant', () => {
    for (const regularMarketTime of [0, -1, 1711137600.5, '1711137600'])
      expect(
        http.responseSchema.safeParse(withMeta(chartEquity, { regularMarketTime })).success,
        String(regularMarketTime),
      ).toBe(false);
  });
});
