/**
 * Cache freshness, in-process on a clock the test moves: configured pairs are refetched before
 * they expire so callers never miss, nothing is served past its TTL, and requested pairs nobody
 * asks for any more are dropped. No test here sleeps through a TTL: the clock is moved past it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeExchange } from '@oracle/fake-exchange';
import type { SourceQuoteResponse } from '../src/index.js';
import { eventually, fakeSources } from './aggregator-process.js';
import { startInProcess, type InProcessAggregator } from './in-process.js';

const TTL_MS = 60_000;
const LEAD_MS = 20_000;
const INACTIVE_MS = 120_000;

describe('cache freshness (in-process, moved clock)', () => {
  let fake: FakeExchange;
  let agg: InProcessAggregator;

  beforeAll(async () => {
    fake = await FakeExchange.start();
    fake.setPrice('binance', 'BTC', 'USDT', '65000');
    fake.setPrice('okx', 'XRP', 'USDT', '0.5');
    fake.setPrice('kraken', 'ETH', 'USD', '3000');
    agg = await startInProcess({
      cache: { defaultTtlMs: TTL_MS },
      refetch: { staleTriggerBeforeExpiry: LEAD_MS, minTimeBetweenRefreshes: 100 },
      pairCleanup: { inactiveTimeoutMs: INACTIVE_MS, cleanupIntervalMs: 3_600_000 },
      quotes: { requestTimeoutMs: 300 },
      pairs: [
        { pair: 'BTC/USD', sources: [{ source: 'binance', symbol: 'BTC/USDT' }] },
        { pair: 'ETH/USD', sources: ['kraken'] },
      ],
      sources: fakeSources(fake, ['binance', 'kraken', 'okx'], { timeoutMs: 300 }) as never,
    });
    await eventually(async () => (await agg.get('/health')).status === 200, 10_000, 'ready');
  });

  afterAll(async () => {
    await agg?.close();
    await fake?.close();
  });

  const binanceQuote = () => agg.get<SourceQuoteResponse>('/quote/binance/BTC/USDT');

  it('refetches configured pairs before they expire: callers never miss and never wait', async () => {
    const missesBefore = await agg.metric('cache_misses_total', { source: 'binance' });
    const requestsBefore = fake.requestCount('binance');
    let receivedAt = Date.parse((await binanceQuote()).body.receivedAt);
    for (let round = 1; round <= 5; round++) {
      // Just inside the refetch lead: the scheduler refetches now, the entry is still live.
      agg.advance(TTL_MS - LEAD_MS);
      const { status, body } = await binanceQuote();
      expect(status).toBe(200); // answered from the cache while the refetch runs
      expect(agg.clock.now() - Date.parse(body.receivedAt)).toBeLessThan(TTL_MS);
      await eventually(
        async () => fake.requestCount('binance') === requestsBefore + round,
        5_000,
        `refetch ${round}`,
      );
      const next = await eventually(async () => {
        const at = Date.parse((await binanceQuote()).body.receivedAt);
        return at > receivedAt ? at : undefined;
      });
      expect(next - receivedAt).toBe(TTL_MS - LEAD_MS); // refetched exactly when due, never after expiry
      receivedAt = next;
    }
    expect(await agg.metric('cache_misses_total', { source: 'binance' })).toBe(missesBefore);
    expect(
      await agg.metric('refetch_operations_total', { source: 'binance', result: 'success' }),
    ).toBeGreaterThanOrEqual(5);
  });

  it('never serves a quote past its TTL', async () => {
    const { body } = await agg.get<SourceQuoteResponse>('/quote/kraken/ETH/USD');
    const expiresAtMs = Date.parse(body.receivedAt) + TTL_MS;
    fake.setFault('kraken', { kind: 'hang' });
    agg.clock.set(expiresAtMs - 1);
    expect((await agg.get('/quote/kraken/ETH/USD')).status).toBe(200); // the last millisecond of its life
    agg.clock.set(expiresAtMs);
    const expired = await agg.get('/quote/kraken/ETH/USD');
    expect([502, 504]).toContain(expired.status);
    // The aggregate of the pair has no fresh quote either.
    const health = await agg.get<{ ready: boolean; pairs: Record<string, { fresh: boolean }> }>('/health');
    expect(health.status).toBe(503);
    expect(health.body.pairs['ETH/USD']?.fresh).toBe(false);
    fake.setFault('kraken', undefined);
    await eventually(
      async () => (agg.advance(1_000), (await agg.get('/health')).status === 200), // past the retry backoff
      15_000,
      'ready again',
    );
  });

  it('drops requested pairs after the inactivity timeout, never configured ones', async () => {
    expect((await agg.get<SourceQuoteResponse>('/quote/okx/XRP/USDT')).body.price).toBe('0.5');
    expect(await agg.metric('cache_entries_total')).toBe(3);
    agg.clock.advance(INACTIVE_MS);
    expect(agg.cleanUp()).toBe(0); // idle for exactly the timeout: kept
    agg.clock.advance(1);
    // The configured pairs were not requested either, and stay; their entries have expired by now.
    expect(agg.cleanUp()).toBe(1);
    const pairs = await agg.get<{ sources: Record<string, unknown[]> }>('/quote/pairs/all');
    expect(Object.keys(pairs.body.sources).sort()).toEqual(['binance', 'kraken']);
    // Dropped means not refetched any more; the configured pairs still are.
    const [okxBefore, binanceBefore] = [fake.requestCount('okx'), fake.requestCount('binance')];
    agg.advance(0);
    await eventually(async () => (await agg.get('/health')).status === 200, 10_000, 'configured pairs back');
    for (let i = 0; i < 3; i++) agg.advance(TTL_MS);
    await eventually(async () => fake.requestCount('binance') > binanceBefore, 5_000, 'binance refetched');
    expect(fake.requestCount('okx')).toBe(okxBefore);
  });
});
