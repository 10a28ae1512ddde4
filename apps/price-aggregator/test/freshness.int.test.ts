/**
 * Cache freshness of the built aggregator: configured pairs are refetched before they expire so
 * callers never miss, nothing is served past its TTL, and requested pairs nobody asks for any more
 * are dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeExchange } from '@oracle/fake-exchange';
import type { SourceQuoteResponse } from '../src/index.js';
import {
  eventually,
  fakeSources,
  sleep,
  startAggregator,
  type AggregatorProcess,
} from './aggregator-process.js';

const TTL_MS = 1_500;
const LEAD_MS = 500;

describe('cache freshness', () => {
  let fake: FakeExchange;
  let app: AggregatorProcess;

  beforeAll(async () => {
    fake = await FakeExchange.start();
    fake.setPrice('binance', 'BTC', 'USDT', '65000');
    fake.setPrice('okx', 'XRP', 'USDT', '0.5');
    fake.setPrice('kraken', 'ETH', 'USD', '3000');
    app = await startAggregator({
      cache: { defaultTtlMs: TTL_MS },
      refetch: { staleTriggerBeforeExpiry: LEAD_MS, minTimeBetweenRefreshes: 100 },
      pairCleanup: { inactiveTimeoutMs: 1_500, cleanupIntervalMs: 250 },
      pairs: [
        { pair: 'BTC/USD', sources: [{ source: 'binance', symbol: 'BTC/USDT' }] },
        { pair: 'ETH/USD', sources: ['kraken'] },
      ],
      sources: fakeSources(fake, ['binance', 'kraken', 'okx'], { timeoutMs: 300 }),
    });
    await eventually(async () => (await app.get('/health')).status === 200, 10_000, 'ready');
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('refetches configured pairs before they expire: callers never miss and never wait', async () => {
    const missesBefore = await app.metric('cache_misses_total', { source: 'binance' });
    const requestsBefore = fake.requestCount('binance');
    const seen = new Set<string>();
    const started = Date.now();
    while (Date.now() - started < 4 * TTL_MS) {
      const asked = Date.now();
      const { status, body } = await app.get<SourceQuoteResponse>('/quote/binance/BTC/USDT');
      expect(status).toBe(200);
      expect(Date.now() - asked).toBeLessThan(100); // answered from the cache
      expect(asked - Date.parse(body.receivedAt)).toBeLessThan(TTL_MS);
      seen.add(body.receivedAt);
      await sleep(50);
    }
    expect(await app.metric('cache_misses_total', { source: 'binance' })).toBe(missesBefore);
    // One refetch per TTL − lead (1 s) over 6 s: about six, each made before the previous entry expired.
    expect(fake.requestCount('binance') - requestsBefore).toBeGreaterThanOrEqual(4);
    const received = [...seen].map((t) => Date.parse(t)).sort((a, b) => a - b);
    for (let i = 1; i < received.length; i++)
      expect((received[i] as number) - (received[i - 1] as number)).toBeLessThan(TTL_MS);
    expect(
      await app.metric('refetch_operations_total', { source: 'binance', result: 'success' }),
    ).toBeGreaterThanOrEqual(4);
  });

  it('never serves a quote past its TTL', async () => {
    fake.setFault('kraken', { kind: 'hang' });
    const ages: number[] = [];
    const failedAt = await eventually(
      async () => {
        const asked = Date.now();
        const { status, body } = await app.get<SourceQuoteResponse>('/quote/kraken/ETH/USD');
        if (status !== 200) return { status, asked };
        ages.push(asked - Date.parse(body.receivedAt));
        return undefined;
      },
      5_000,
      'the kraken quote to expire',
    );
    expect([502, 504]).toContain(failedAt.status);
    expect(ages.length).toBeGreaterThan(0);
    expect(Math.max(...ages)).toBeLessThan(TTL_MS);
    // The aggregate of the pair has no fresh quote either.
    const health = await app.get<{ ready: boolean; pairs: Record<string, { fresh: boolean }> }>('/health');
    expect(health.status).toBe(503);
    expect(health.body.pairs['ETH/USD']?.fresh).toBe(false);
    fake.setFault('kraken', undefined);
    await eventually(async () => (await app.get('/health')).status === 200, 15_000, 'ready again');
  });

  it('drops requested pairs after the inactivity timeout, never configured ones', async () => {
    expect((await app.get<SourceQuoteResponse>('/quote/okx/XRP/USDT')).body.price).toBe('0.5');
    expect(await app.metric('cache_entries_total')).toBe(3);
    await eventually(async () => (await app.metric('cache_entries_total')) === 2, 5_000, 'XRP/USDT dropped');
    // Dropped means not refetched any more; the configured pairs still are.
    const [okxBefore, binanceBefore] = [fake.requestCount('okx'), fake.requestCount('binance')];
    await sleep(2 * TTL_MS);
    expect(fake.requestCount('okx')).toBe(okxBefore);
    expect(fake.requestCount('binance') - binanceBefore).toBeGreaterThanOrEqual(2);
    expect((await app.get('/health')).status).toBe(200);
  });
});
