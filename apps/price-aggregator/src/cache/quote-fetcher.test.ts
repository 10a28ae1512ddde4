import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { err, ok, type Result } from '@oracle/core';
import { createLogger } from '@oracle/logger';
import { SystemClock } from '../clock.js';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import type { QuoteResult } from '../sources/http-source-runner.js';
import { pairKey, type HttpSourceDefinition, type Pair, type SourceError } from '../sources/price-source.js';
import { testSourceSettings } from '../sources/fixtures/test-source-settings.js';
import type { SourceSettings } from '../sources/source-catalog.js';
import { SourceStatusBoard } from '../sources/source-status.js';
import { testConfig } from '../config/fixtures/test-config.js';
import { CacheTiming } from './cache-timing.js';
import { PairRegistry } from './pair-registry.js';
import { QuoteCache, quoteSlot } from './quote-cache.js';
import { QuoteFetcher, requestBatches } from './quote-fetcher.js';

const quiet = createLogger({
  service: 'test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});
const pair = (base: string, quote = 'USD'): Pair => ({ base, quote });

const source = (overrides: Partial<HttpSourceDefinition<unknown>> = {}, maxBatchSize = 2): SourceSettings =>
  testSourceSettings({ supports: (p) => p.base !== 'NOPE', maxBatchSize, ...overrides });

/** A runner that answers after `delayMs` with a price per pair, except pairs in `unknown`; it records each request. */
function fakeRunner(
  options: { delayMs?: number; unknown?: string[]; rejectBatchesWithUnknown?: boolean } = {},
) {
  const requests: string[][] = [];
  return {
    requests,
    async fetchQuotes(
      _source: SourceSettings,
      pairs: readonly Pair[],
    ): Promise<Result<QuoteResult[], SourceError>> {
      requests.push(pairs.map(pairKey));
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 5));
      const unknown = pairs.filter((p) => options.unknown?.includes(p.base));
      if (options.rejectBatchesWithUnknown && unknown.length > 0 && pairs.length > 1) {
        return err({ kind: 'http', status: 400, message: 'one symbol of the batch is unknown' });
      }
      return ok(
        pairs.map((p) =>
          unknown.includes(p)
            ? { pair: p, error: { kind: 'not_found' as const, message: 'unknown' } }
            : { pair: p, price: `${p.base.length}.5` },
        ),
      );
    },
  };
}

function setup(runner: ReturnType<typeof fakeRunner>) {
  const metrics = new AggregatorMetrics(new Registry());
  const clock = new SystemClock();
  const cache = new QuoteCache(clock);
  const registry = new PairRegistry();
  const status = new SourceStatusBoard({ enabled: () => [source()] }, metrics, quiet);
  const timing = new CacheTiming(testConfig({}));
  const config = testConfig({
    refetch: { minTimeBetweenRefreshes: 1_000 },
    adHocPairs: { unknownPairRetryMs: 3_600_000 },
  });
  const fetcher = new QuoteFetcher(runner, cache, registry, timing, status, metrics, config, clock);
  return { fetcher, cache, registry, status };
}

describe('QuoteFetcher', () => {
  it('shares one request between concurrent fetches of the same pair', async () => {
    const runner = fakeRunner({ delayMs: 20 });
    const { fetcher, cache } = setup(runner);
    const kraken = source();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => fetcher.fetch(kraken, [pair('BTC')], 'request')),
    );
    expect(runner.requests).toEqual([['BTC/USD']]);
    expect(outcomes.every(([o]) => o?.ok && o.value.price === '3.5')).toBe(true);
    expect(cache.get(quoteSlot('kraken', pair('BTC')))?.price).toBe('3.5');
  });

  it('batches up to maxBatchSize and joins pairs already in flight', async () => {
    const runner = fakeRunner({ delayMs: 20 });
    const { fetcher } = setup(runner);
    const kraken = source();
    const first = fetcher.fetch(kraken, [pair('BTC')], 'refetch');
    const second = fetcher.fetch(kraken, [pair('BTC'), pair('ETH'), pair('SOL'), pair('ADA')], 'request');
    await Promise.all([first, second]);
    expect(runner.requests).toEqual([['BTC/USD'], ['ETH/USD', 'SOL/USD'], ['ADA/USD']]);
  });

  it('answers unsupported pairs without a request and not-found pairs from the response', async () => {
    const runner = fakeRunner({ unknown: ['XYZ'] });
    const { fetcher, status } = setup(runner);
    const [nope, xyz, btc] = await fetcher.fetch(
      source(),
      [pair('NOPE'), pair('XYZ'), pair('BTC')],
      'request',
    );
    expect(runner.requests).toEqual([['XYZ/USD', 'BTC/USD']]);
    expect(!nope?.ok && nope?.error.kind).toBe('unsupported');
    expect(!xyz?.ok && xyz?.error.kind).toBe('not_found');
    expect(btc?.ok).toBe(true);
    expect(status.isAvailable('kraken')).toBe(true);
  });

  it('asks pair by pair when a batch is rejected as a whole, and marks a failing source down', async () => {
    const runner = fakeRunner({ unknown: ['XYZ'], rejectBatchesWithUnknown: true });
    const { fetcher, registry } = setup(runner);
    const kraken = source();
    registry.request(quoteSlot('kraken', pair('XYZ')), Date.now());
    const [xyz, btc] = await fetcher.fetch(kraken, [pair('XYZ'), pair('BTC')], 'request');
    expect(runner.requests).toEqual([['XYZ/USD', 'BTC/USD'], ['XYZ/USD'], ['BTC/USD']]);
    expect(!xyz?.ok && xyz?.error.kind).toBe('not_found');
    expect(btc?.ok).toBe(true);
    expect(registry.recentFailure(quoteSlot('kraken', pair('XYZ')), Date.now())?.kind).toBe('not_found');

    const broken = { ...runner, fetchQuotes: async () => err({ kind: 'timeout' as const, message: 'slow' }) };
    const down = setup(broken);
    await down.fetcher.fetch(kraken, [pair('BTC')], 'refetch');
    expect(down.status.isAvailable('kraken')).toBe(false);
  });

  it('does not ask a source again for an ad-hoc pair it rejected as unknown (a 4xx for one pair is that too)', async () => {
    const runner = fakeRunner({ unknown: ['XYZ'], rejectBatchesWithUnknown: true });
    const { fetcher, registry } = setup(runner);
    const kraken = source();
    const adHoc = quoteSlot('kraken', pair('XYZ'));
    const configured = quoteSlot('kraken', pair('XYZ', 'EUR'));
    registry.request(adHoc, Date.now());
    registry.request(configured, Date.now(), true);
    const rejectedAlone = {
      ...runner,
      fetchQuotes: async (_s: SourceSettings, pairs: readonly Pair[]) => {
        runner.requests.push(pairs.map(pairKey));
        return err({ kind: 'http' as const, status: 400, message: 'kraken: HTTP 400' });
      },
    };
    const bare = setup(rejectedAlone);
    bare.registry.request(adHoc, Date.now());
    const [alone] = await bare.fetcher.fetch(kraken, [pair('XYZ')], 'request');
    expect(!alone?.ok && alone?.error.kind).toBe('not_found');
    expect(bare.status.isAvailable('kraken')).toBe(true);

    await fetcher.fetch(kraken, [pair('XYZ'), pair('XYZ', 'EUR')], 'refetch');
    const now = Date.now();
    // The ad-hoc pair waits unknownPairRetryMs; the configured one only the short failure backoff.
    expect(registry.get(adHoc)?.notBeforeMs).toBeGreaterThan(now + 3_000_000);
    expect(registry.get(configured)?.notBeforeMs).toBeLessThan(now + 11_000);
  });

  it('sends configured pairs and ad-hoc pairs in separate requests', async () => {
    const runner = fakeRunner();
    const { fetcher, registry } = setup(runner);
    registry.request(quoteSlot('kraken', pair('BTC')), Date.now(), true);
    registry.request(quoteSlot('kraken', pair('AAA')), Date.now());
    registry.request(quoteSlot('kraken', pair('ETH')), Date.now(), true);
    await fetcher.fetch(source({}, 5), [pair('AAA'), pair('BTC'), pair('ETH')], 'refetch');
    expect(runner.requests).toEqual([['BTC/USD', 'ETH/USD'], ['AAA/USD']]);
  });

  it('never puts pairs with different batch keys into one request', () => {
    const bySuffix = source({ batchKey: (p) => p.base }, 3);
    const batches = requestBatches(bySuffix, [
      pair('EUR', 'USD'),
      pair('USD', 'EUR'),
      pair('EUR', 'GBP'),
      pair('EUR', 'JPY'),
      pair('EUR', 'CHF'),
    ]);
    expect(batches.map((b) => b.map(pairKey))).toEqual([
      ['EUR/USD', 'EUR/GBP', 'EUR/JPY'],
      ['EUR/CHF'],
      ['USD/EUR'],
    ]);
  });
});
