import { describe, expect, it } from 'vitest';
import type { Pair } from '../price-source.js';
import { alphavantage } from './index.js';
import errorApikey from './fixtures/error-apikey.json' with { type: 'json' };
import errorInvalidCall from './fixtures/error-invalid-call.json' with { type: 'json' };
import information from './fixtures/information.json' with { type: 'json' };
import note from './fixtures/note.json' with { type: 'json' };
import rateCrypto from './fixtures/rate-crypto.json' with { type: 'json' };
import rateFiat from './fixtures/rate-fiat.json' with { type: 'json' };

const { http } = alphavantage;
const pair = (base: string, quote: string): Pair => ({ base, quote });
const results = (body: unknown, p: Pair) => http.toQuotes(http.responseSchema.parse(body), [p]);
const kind = (body: unknown, p = pair('BTC', 'USD')) =>
  results(body, p).map((r) => ('error' in r ? r.error.kind : r.price))[0];
const withRate = (rate: string) => ({
  'Realtime Currency Exchange Rate': {
    ...rateCrypto['Realtime Currency Exchange Rate'],
    '5. Exchange Rate': rate,
  },
});

describe('alphavantage requests', () => {
  it('asks CURRENCY_EXCHANGE_RATE for one pair with the key as the documented apikey parameter', () => {
    const request = http.buildRequest([pair('BTC', 'USD')], { apiKey: 'av-secret' });
    expect(request.path.startsWith('/query?')).toBe(true);
    const query = new URLSearchParams(request.path.slice('/query?'.length));
    expect(Object.fromEntries(query)).toEqual({
      function: 'CURRENCY_EXCHANGE_RATE',
      from_currency: 'BTC',
      to_currency: 'USD',
      apikey: 'av-secret',
    });
    expect(http.maxBatchSize).toBe(1);
    expect(http.requiresApiKey).toBe(true);
  });

  it('uses production defaults and supports fiat and crypto codes', () => {
    expect(http.defaultBaseUrl).toBe('https://www.alphavantage.co');
    expect(http.defaultRps).toBe(1);
    expect(http.supports(pair('EUR', 'USD'))).toBe(true);
    expect(http.supports(pair('BTC', 'EUR'))).toBe(true);
    expect(http.supports(pair('USD', 'USD'))).toBe(false);
  });
});

describe('alphavantage responses', () => {
  it('parses documented rate bodies into exact decimals with the UTC refresh time', () => {
    expect(results(rateCrypto, pair('BTC', 'USD'))).toEqual([
      { pair: pair('BTC', 'USD'), price: '67187.33', sourceTimestampMs: Date.UTC(2024, 2, 25, 8, 45, 2) },
    ]);
    expect(results(rateFiat, pair('EUR', 'USD'))).toEqual([
      { pair: pair('EUR', 'USD'), price: '1.0834', sourceTimestampMs: Date.UTC(2024, 2, 25, 8, 45, 1) },
    ]);
  });

  it('maps Note and Information bodies to rate_limited and Error Message to unauthorized or not_found', () => {
    expect(kind(note)).toBe('rate_limited');
    expect(kind(information)).toBe('rate_limited');
    expect(kind(errorApikey)).toBe('unauthorized');
    expect(kind(errorInvalidCall)).toBe('not_found');
  });

  it('refuses an answer for another pair', () => {
    expect(kind(rateFiat, pair('BTC', 'USD'))).toBe('not_found');
  });

  it('turns zero, negative and non-numeric rates into invalid_price, and drift into schema errors', () => {
    expect(kind(withRate('0.00000000'))).toBe('invalid_price');
    expect(kind(withRate('-1.5'))).toBe('invalid_price');
    expect(kind(withRate('N/A'))).toBe('invalid_price');
    expect(http.responseSchema.safeParse({}).success).toBe(false);
    expect(
      http.responseSchema.safeParse({ 'Realtime Currency Exchange Rate': { '5. Exchange Rate': 1.2 } })
        .success,
    ).toBe(false);
  });
});

describe('alphavantage source timestamp', () => {
  const withRefreshed = (refreshed: unknown, zone: unknown = 'UTC') => ({
    'Realtime Currency Exchange Rate': {
      ...rateFiat['Realtime Currency Exchange Rate'],
      '6. Last Refreshed': refreshed,
      '7. Time Zone': zone,
    },
  });

  it('stamps quotes with "6. Last Refreshed" (UTC), bounded to 4 days by default (forex closes)', () => {
    expect(results(withRefreshed('2024-03-22 20:59:58'), pair('EUR', 'USD'))[0]).toMatchObject({
      sourceTimestampMs: Date.UTC(2024, 2, 22, 20, 59, 58),
    });
    expect(http.defaultMaxSourceAgeMs).toBe(4 * 86_400_000);
  });

  it('fails the schema on a Last Refreshed it cannot place in time', () => {
    for (const refreshed of [
      'yesterday',
      '2024-03-22',
      '2024-03-32 20:59:58',
      '2024-03-22T20:59:58Z',
      1711141198,
    ])
      expect(http.responseSchema.safeParse(withRefreshed(refreshed)).success, String(refreshed)).toBe(false);
    expect(http.responseSchema.safeParse(withRefreshed('2024-03-22 20:59:58', 'US/Eastern')).success).toBe(
      false,
    );
    const zoneless = withRefreshed('2024-03-22 20:59:58');
    delete (zoneless['Realtime Currency Exchange Rate'] as Record<string, unknown>)['7. Time Zone'];
    expect(http.responseSchema.safeParse(zoneless).success).toBe(false);
  });
});
