import { describe, expect, it } from 'vitest';
import type { Pair } from '../price-source.js';
import { frankfurter } from './index.js';
import errorNotFound from './fixtures/error-not-found.json' with { type: 'json' };
import latestUsd from './fixtures/latest-usd.json' with { type: 'json' };
import latest from './fixtures/latest.json' with { type: 'json' };

const { http } = frankfurter;
const pair = (base: string, quote: string): Pair => ({ base, quote });
const results = (body: unknown, pairs: Pair[]) => http.toQuotes(http.responseSchema.parse(body), pairs);
const kinds = (body: unknown, pairs: Pair[]) =>
  results(body, pairs).map((r) => ('error' in r ? r.error.kind : r.price));
const query = (path: string) => Object.fromEntries(new URLSearchParams(path.slice(path.indexOf('?') + 1)));

describe('frankfurter requests', () => {
  it('batches the quotes of one base into /latest', () => {
    const request = http.buildRequest([pair('EUR', 'USD'), pair('EUR', 'GBP'), pair('EUR', 'USD')], {});
    expect(request.path.startsWith('/latest?')).toBe(true);
    expect(query(request.path)).toEqual({ from: 'EUR', to: 'USD,GBP' });
    expect(http.maxBatchSize).toBeGreaterThan(1);
  });

  it('keys batches by base and never mixes bases in one request', () => {
    expect(http.batchKey?.(pair('USD', 'CHF'))).toBe('USD');
    expect(query(http.buildRequest([pair('USD', 'CHF'), pair('EUR', 'GBP')], {}).path)).toEqual({
      from: 'USD',
      to: 'CHF',
    });
  });

  it('supports ECB fiat currencies only', () => {
    expect(http.supports(pair('EUR', 'USD'))).toBe(true);
    expect(http.supports(pair('USD', 'JPY'))).toBe(true);
    expect(http.supports(pair('BTC', 'USD'))).toBe(false);
    expect(http.supports(pair('EUR', 'USDT'))).toBe(false);
    expect(http.supports(pair('EUR', 'EUR'))).toBe(false);
  });

  it('uses production defaults', () => {
    expect(http.defaultBaseUrl).toBe('https://api.frankfurter.app');
    expect(http.defaultRps).toBe(10);
    expect(http.requiresApiKey).toBe(false);
  });
});

describe('frankfurter responses', () => {
  it('parses the documented latest bodies', () => {
    const day = Date.UTC(2024, 2, 22); // "date": "2024-03-22"
    expect(results(latest, [pair('EUR', 'USD'), pair('EUR', 'JPY')])).toEqual([
      { pair: pair('EUR', 'USD'), price: '1.0823', sourceTimestampMs: day },
      { pair: pair('EUR', 'JPY'), price: '164.13', sourceTimestampMs: day },
    ]);
    expect(results(latestUsd, [pair('USD', 'CHF')])).toEqual([
      { pair: pair('USD', 'CHF'), price: '0.90123', sourceTimestampMs: day },
    ]);
  });

  it('reports missing quotes as not_found, other bases as unsupported and error bodies as not_found', () => {
    expect(kinds(latest, [pair('EUR', 'CHF'), pair('USD', 'CHF')])).toEqual(['not_found', 'unsupported']);
    expect(kinds(errorNotFound, [pair('EUR', 'USD')])).toEqual(['not_found']);
  });

  it('turns zero and negative rates into invalid_price, and drift into schema errors', () => {
    expect(
      kinds({ ...latest, rates: { USD: 0, GBP: -1 } }, [pair('EUR', 'USD'), pair('EUR', 'GBP')]),
    ).toEqual(['invalid_price', 'invalid_price']);
    expect(kinds({ ...latest, amount: 10 }, [pair('EUR', 'USD')])).toEqual(['schema']);
    expect(http.responseSchema.safeParse({ ...latest, rates: { USD: '1.08' } }).success).toBe(false);
    expect(http.responseSchema.safeParse({ base: 'EUR' }).success).toBe(false);
  });
});

describe('frankfurter source timestamp', () => {
  it('stamps quotes with the start (00:00 UTC) of the ECB reference day, bounded to 6 days by default', () => {
    expect(results({ ...latest, date: '2024-03-20' }, [pair('EUR', 'USD')])[0]).toEqual({
      pair: pair('EUR', 'USD'),
      price: '1.0823',
      sourceTimestampMs: Date.UTC(2024, 2, 20),
    });
    expect(http.defaultMaxSourceAgeMs).toBe(6 * 86_400_000);
  });

  it('fails the schema on a date that is no day', () => {
    for (const date of ['2024-02-30', '22.03.2024', '2024-03-22T00:00:00Z', '', 20240322])
      expect(http.responseSchema.safeParse({ ...latest, date }).success, String(date)).toBe(false);
  });
});
