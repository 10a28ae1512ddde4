import { describe, expect, it } from 'vitest';
import { quoteSlot } from '../cache/quote-cache.js';
import type { SourceId } from '../sources/price-source.js';
import type { SourceSettings } from '../sources/source-catalog.js';
import { BatchList, type BatchPart } from './batch-list.js';
import type { PairRoute } from './pair-routes.js';

const BTC = { base: 'BTC', quote: 'USD' };
const ETH = { base: 'ETH', quote: 'USD' };

const route = (source: SourceId, pair = BTC): PairRoute => ({
  source: { id: source } as SourceSettings,
  symbol: pair,
  slot: quoteSlot(source, pair),
});
const part = (pair: string, price: string): BatchPart => ({
  result: { pair },
  json: JSON.stringify({ pair, price }),
});

describe('BatchList', () => {
  const list = new BatchList(
    [BTC, ETH],
    [
      [route('binance'), route('okx')],
      [route('binance', ETH), route('kraken', ETH)],
    ],
    true,
  );

  it('knows every slot of the list and the lookups it makes per source', () => {
    expect(list.slots.map((s) => s.key)).toEqual([
      'binance|BTC/USD',
      'okx|BTC/USD',
      'binance|ETH/USD',
      'kraken|ETH/USD',
    ]);
    expect([...list.lookupsPerSource]).toEqual([
      ['binance', 2],
      ['okx', 1],
      ['kraken', 1],
    ]);
    expect(BatchList.key(list.pairs)).toBe('BTC/USD,ETH/USD');
  });

  it('assembles the batch body and keeps the very same buffer while the parts are the same objects', () => {
    const parts = [part('BTC/USD', '1'), part('ETH/USD', '2')];
    const body = list.body(parts, undefined);
    const parsed = JSON.parse(body.toString()) as { timestamp: string; pairs: unknown };
    expect(parsed.pairs).toEqual({
      'BTC/USD': { pair: 'BTC/USD', price: '1' },
      'ETH/USD': { pair: 'ETH/USD', price: '2' },
    });
    expect(Date.now() - Date.parse(parsed.timestamp)).toBeLessThan(1_000);
    expect(list.body([...parts], undefined)).toBe(body);
    const changed = list.body([parts[0] as BatchPart, part('ETH/USD', '3')], undefined);
    expect(changed).not.toBe(body);
    expect(JSON.parse(changed.toString())).toMatchObject({ pairs: { 'ETH/USD': { price: '3' } } });
  });

  it('is reusable without lookups only at the same cache version and before the earliest expiry', () => {
    const parts = [part('BTC/USD', '4'), part('ETH/USD', '5')];
    expect(list.reusable(7, 1_000)).toBeUndefined();
    const body = list.body(parts, { cacheVersion: 7, validUntilMs: 2_000 });
    expect(list.reusable(7, 1_999)).toBe(body);
    expect(list.reusable(7, 2_000)).toBeUndefined();
    expect(list.reusable(8, 1_000)).toBeUndefined();
    list.body(parts, undefined); // built from something else than fresh cache hits
    expect(list.reusable(7, 1_000)).toBeUndefined();
  });
});
