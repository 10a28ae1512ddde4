import { describe, expect, it } from 'vitest';
import type { Pair } from '../price-source.js';
import { exchangerateHost } from './index.js';
import errorInvalidCurrency from './fixtures/error-invalid-currency.json' with { type: 'json' };
import errorInvalidKey from './fixtures/error-invalid-key.json' with { type: 'json' };
import errorMissingKey from './fixtures/error-missing-key.json' with { type: 'json' };
import errorUsageLimit from './fixtures/error-usage-limit.json' with { type: 'json' };
import live from './fixtures/live.json' with { type: 'json' };

const { http } = exchangerateHost;
const pair = (base: string, quote: string): Pair => ({ base, quote });
const results = (body: unknown, pairs: Pair[]) => http.toQuotes(http.responseSchema.parse(body), pairs);
const kinds = (body: unknown, pairs: Pair[]) =>
  results(body, pairs).map((r) => ('error' in r ? r.error.kind : r.price));

describe('exchangerate-host requests', () => {
  it('batches the targets of one source currency into /live with the documented access_key', () => {
    const request = http.buildRequest([pair('USD', 'EUR'), pair('USD', 'GBP'), pair('USD', 'EUR')], {
      apiKey: 'erh-secret',
    });
    expect(request.path.startsWith('/live?')).toBe(true);
    expect(Object.fromEntries(new URLSearchParams(request.path.slice('/live?'.length)))).toEqual({
      source: 'USD',
      currencies: 'EUR,GBP',
      access_key: 'erh-secret',
    });
    expect(request.headers).toBeUndefined();
  });

  it('keys batches by base so one request never mixes source currencies', () => {
    expect(http.batchKey?.(pair('USD', 'EUR'))).toBe('USD');
    expect(http.batchKey?.(pair('EUR', 'USD'))).toBe('EUR');
    const mixed = http.buildRequest([pair('USD', 'EUR'), pair('EUR', 'GBP')], {});
    expect(new URLSearchParams(mixed.path.slice('/live?'.length)).get('currencies')).toBe('EUR');
  });

  it('uses production defaults and supports three-letter currency codes', () => {
    expect(http.defaultBaseUrl).toBe('https://api.exchangerate.host');
    expect(http.defaultRps).toBe(1);
    expect(http.requiresApiKey).toBe(true);
    expect(http.supports(pair('EUR', 'USD'))).toBe(true);
    expect(http.supports(pair('WSTETH', 'USD'))).toBe(false);
    expect(http.supports(pair('USD', 'USD'))).toBe(false);
  });
});

describe('exchangerate-host responses', () => {
  it('parses the documented live body', () => {
    expect(results(live, [pair('USD', 'EUR'), pair('USD', 'JPY')])).toEqual([
      { pair: pair('USD', 'EUR'), price: '0.92301', sourceTimestampMs: 1711356303_000 },
      { pair: pair('USD', 'JPY'), price: '151.441504', sourceTimestampMs: 1711356303_000 },
    ]);
  });

  it('reports missing targets as not_found and other bases as unsupported', () => {
    expect(kinds(live, [pair('USD', 'AUD'), pair('EUR', 'USD')])).toEqual(['not_found', 'unsupported']);
  });

  it('maps success:false bodies by error code', () => {
    const pairs = [pair('USD', 'EUR')];
    expect(kinds(errorMissingKey, pairs)).toEqual(['unauthorized']);
    expect(kinds(errorInvalidKey, pairs)).toEqual(['unauthorized']);
    expect(kinds(errorUsageLimit, pairs)).toEqual(['rate_limited']);
    expect(kinds(errorInvalidCurrency, pairs)).toEqual(['not_found']);
  });

  it('turns zero and negative rates into invalid_price, and drift into schema errors', () => {
    const body = { ...live, quotes: { USDEUR: 0, USDGBP: -0.79 } };
    expect(kinds(body, [pair('USD', 'EUR'), pair('USD', 'GBP')])).toEqual(['invalid_price', 'invalid_price']);
    expect(http.responseSchema.safeParse({ ...live, quotes: { USDEUR: '0.92' } }).success).toBe(false);
    expect(http.responseSchema.safeParse({ success: true }).success).toBe(false);
  });
});

describe('exchangerate-host source timestamp', () => {
  const OLD_S = Date.UTC(2024, 2, 23, 8, 45) / 1000;

  it('stamps quotes with the rates timestamp, bounded to 4 days by default', () => {
    expect(results({ ...live, timestamp: OLD_S }, [pair('USD', 'EUR')])[0]).toMatchObject({
      sourceTimestampMs: OLD_S * 1000,
    });
    expect(http.defaultMaxSourceAgeMs).toBe(4 * 86_400_000);
  });

  it('fails the schema on a timestamp that is no instant', () => {
    for (const timestamp of [0, -1, 1711356303.5, '1711356303'])
      expect(http.responseSchema.safeParse({ ...live, timestamp }).success, String(timestamp)).toBe(false);
  });
});
