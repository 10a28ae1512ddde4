/**
 * The price path under a hostile or unlucky world: a feed is aggregated over exactly its own
 * sources whoever asks, a hanging source costs only its own quotes, and a flood of ad-hoc pairs
 * can neither starve the configured pairs nor grow the aggregator without bound.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeExchange } from '@oracle/fake-exchange';
import type { BatchResponse } from '../src/index.js';
import { eventually, fakeSources, startAggregator, type AggregatorProcess } from './aggregator-process.js';

const rssMiB = (pid: number): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

describe("a feed's sources", () => {
  let fake: FakeExchange;
  let app: AggregatorProcess;

  beforeAll(async () => {
    fake = await FakeExchange.start();
    // Every one of these can quote LINK; the feed allows three of them, binance as LINK/USDT.
    for (const source of ['okx', 'kraken', 'coinbase', 'kucoin', 'binance'])
      fake.setPrice(source, 'LINK', 'USD', source === 'okx' || source === 'kucoin' ? '99' : '15');
    fake.setPrice('binance', 'LINK', 'USDT', '15.1');
    app = await startAggregator(
      { sources: fakeSources(fake, ['binance', 'okx', 'kraken', 'coinbase', 'kucoin']) },
      {
        feeds: [
          {
            name: 'LINK / USD',
            pair: 'LINK/USD',
            decimals: 8,
            sources: [{ source: 'binance', symbol: 'LINK/USDT' }, 'coinbase', 'kraken'],
          },
        ],
      },
    );
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('are the only ones a median of its pair is computed over, whoever asks', async () => {
    const link = await eventually(async () => {
      const pair = (await app.get<BatchResponse>('/quotes/batch?pairs=LINK-USD')).body.pairs['LINK/USD'];
      return pair?.contributors.length === 3 ? pair : undefined;
    });
    expect([...link.contributors].sort()).toEqual(['binance', 'coinbase', 'kraken']);
    expect(link.quotes.map((q) => `${q.source} ${q.symbol}`).sort()).toEqual([
      'binance LINK/USDT',
      'coinbase LINK/USD',
      'kraken LINK/USD',
    ]);
    expect(link.rejected).toEqual([]);
    expect(link.price).toBe('15');
    // okx and kucoin (quoting 99) were never asked for the feed's pair.
    expect(fake.requestCount('okx') + fake.requestCount('kucoin')).toBe(0);

    const posted = await app.post<BatchResponse>('/quotes/batch', ['LINK/USD']);
    expect(posted.body.pairs['LINK/USD']?.contributors).toEqual(link.contributors);
  });
});

describe('a hanging source', () => {
  let fake: FakeExchange;
  let app: AggregatorProcess;
  const batch = async () => {
    const started = performance.now();
    const { body } = await app.get<BatchResponse>('/quotes/batch?pairs=BTC-USD,ETH-USD');
    return { body, ms: performance.now() - started };
  };

  beforeAll(async () => {
    fake = await FakeExchange.start();
    for (const source of ['binance', 'okx', 'coingecko']) {
      fake.setPrice(source, 'BTC', 'USD', '100');
      fake.setPrice(source, 'ETH', 'USD', '10');
    }
    app = await startAggregator(
      {
        cache: { defaultTtlMs: 1_500 },
        refetch: { staleTriggerBeforeExpiry: 500, minTimeBetweenRefreshes: 100 },
        quotes: { requestTimeoutMs: 4_000 },
        aggregation: { minSources: 2 },
        pairs: [{ pair: 'ETH/USD', sources: ['binance', 'okx'] }],
        // The source's own timeout is longer than a caller's deadline, as with the defaults (10 s each).
        sources: fakeSources(fake, ['binance', 'okx', 'coingecko'], { timeoutMs: 6_000 }),
      },
      {
        feeds: [
          { name: 'BTC / USD', pair: 'BTC/USD', decimals: 8, sources: ['binance', 'okx', 'coingecko'] },
          { name: 'ETH / USD', pair: 'ETH/USD', decimals: 8, sources: ['binance', 'okx'] },
        ],
      },
    );
    await eventually(async () => (await batch()).body.pairs['BTC/USD']?.contributors.length === 3);
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('costs its own quotes only: configured pairs answer from the cache at once, and it is marked down after its timeout', async () => {
    fake.setFault('coingecko', { kind: 'hang' });
    const hungAt = Date.now();
    const answers: Array<Awaited<ReturnType<typeof batch>>> = [];
    // Through the fault and past the source's timeout: coingecko's last quote expires meanwhile.
    while (Date.now() - hungAt < 7_500) answers.push(await batch());

    for (const { body, ms } of answers) {
      expect(ms).toBeLessThan(1_000);
      expect(body.pairs['ETH/USD']?.price).toBe('10');
      expect(body.pairs['BTC/USD']?.price).toBe('100');
    }
    const last = answers.at(-1)?.body.pairs['BTC/USD'];
    expect(last?.contributors).toEqual(['binance', 'okx']);
    // coingecko is left out as down, or with the timeout of its latest fetch.
    expect(last?.rejected).toHaveLength(1);
    expect(last?.rejected[0]).toMatchObject({ source: 'coingecko' });
    expect(['source_down', 'timeout']).toContain(last?.rejected[0]?.reason);
    expect(await app.metric('source_availability', { source: 'coingecko' })).toBe(0);
    expect(answers.some(({ body }) => body.pairs['BTC/USD']?.contributors.length === 2)).toBe(true);
  });
});

describe('a flood of ad-hoc pairs', () => {
  let fake: FakeExchange;
  let app: AggregatorProcess;
  const sources = ['binance', 'okx', 'kraken', 'coinbase', 'bybit', 'kucoin'] as const;

  beforeAll(async () => {
    fake = await FakeExchange.start();
    for (const source of sources) {
      fake.setPrice(source, 'BTC', 'USD', '100');
      fake.setPrice(source, 'ETH', 'USD', '10');
      fake.setPrice(source, 'SOL', 'USD', '1');
    }
    app = await startAggregator(
      {
        cache: { defaultTtlMs: 2_000 },
        refetch: { staleTriggerBeforeExpiry: 700, minTimeBetweenRefreshes: 100 },
        quotes: { requestTimeoutMs: 2_000 },
        aggregation: { minSources: 2 },
        adHocPairs: { maxPairs: 20, maxNewPairsPerMinute: 30 },
        sources: fakeSources(fake, [...sources], { rps: 20, maxConcurrent: 2 }),
      },
      {
        feeds: [
          { name: 'BTC / USD', pair: 'BTC/USD', decimals: 8 },
          { name: 'ETH / USD', pair: 'ETH/USD', decimals: 8 },
        ],
      },
    );
    await eventually(async () => {
      const { body } = await app.get<BatchResponse>('/quotes/batch?pairs=BTC-USD,ETH-USD');
      return body.pairs['BTC/USD']?.contributors.length === 6 && body.pairs['ETH/USD']?.price === '10';
    });
  });

  afterEach(() => fake.resetCounts());

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('never starves the feeds, is capped, asks no source twice for a pair it does not know, and stays small', async () => {
    const randomPairs = (n: number, seed: number): string[] =>
      Array.from({ length: n }, (_, i) => `Q${seed}X${i}-USD`);
    const rssBefore = rssMiB(app.pid);
    const feeds: Array<{ ms: number; btc?: string; eth?: string }> = [];
    let flooding = true;
    const watchFeeds = (async () => {
      while (flooding) {
        const started = performance.now();
        const { body } = await app.get<BatchResponse>('/quotes/batch?pairs=BTC-USD,ETH-USD');
        feeds.push({
          ms: performance.now() - started,
          btc: body.pairs['BTC/USD']?.price,
          eth: body.pairs['ETH/USD']?.price,
        });
      }
    })();

    // 20 requests of 500 pairs nobody configured, four at a time; then the same lists again.
    const lists = Array.from({ length: 20 }, (_, i) => randomPairs(500, i));
    const ask = (list: string[]) => app.get<BatchResponse>(`/quotes/batch?pairs=${list.join(',')}`);
    const answers: BatchResponse[] = [];
    for (let i = 0; i < lists.length; i += 4)
      answers.push(...(await Promise.all(lists.slice(i, i + 4).map(ask))).map((a) => a.body));
    const upstreamAfterFirstPass = fake.requestCount();
    const secondPassStarted = Date.now();
    for (let i = 0; i < lists.length; i += 4) await Promise.all(lists.slice(i, i + 4).map(ask));
    const secondPass = {
      ms: Date.now() - secondPassStarted,
      requests: fake.requestCount() - upstreamAfterFirstPass,
    };
    flooding = false;
    await watchFeeds;
    // The same time with nobody asking for anything: what the configured pairs' refreshes cost.
    const quietFrom = fake.requestCount();
    await new Promise((resolve) => setTimeout(resolve, Math.max(secondPass.ms, 2_000)));
    const quiet = fake.requestCount() - quietFrom;

    // Capped: at most 20 ad-hoc pairs were served (each asked of 6 sources); every other one was refused, not fetched.
    const served = answers
      .flatMap((a) => Object.values(a.pairs))
      .filter((p) => !p.error?.startsWith('not served'));
    expect(served.length).toBeLessThanOrEqual(20);
    expect(answers[19]?.pairs['Q19X0/USD']?.error).toMatch(/not served: 20 ad-hoc pairs are in use/);
    // The sources rejected the served pairs as unknown: asking for them again asks no source
    // (the second pass costs what the configured pairs' refreshes cost anyway, within noise).
    expect(secondPass.requests).toBeLessThanOrEqual(quiet * 1.5 + sources.length);
    expect(upstreamAfterFirstPass).toBeLessThan(20 * sources.length + 200);

    // The feeds kept answering, fast, all along.
    expect(feeds.length).toBeGreaterThan(5);
    for (const f of feeds) {
      expect(f).toMatchObject({ btc: '100', eth: '10' });
      expect(f.ms).toBeLessThan(1_500);
    }
    expect(rssMiB(app.pid) - rssBefore).toBeLessThan(80);
  });

  it('refuses a single-source /quote of an ad-hoc pair over the budget with 429, and serves configured ones', async () => {
    const over = await app.get<{ statusCode: number; message: string }>('/quote/binance/ZZZ/USD');
    expect(over.status).toBe(429);
    expect(over.body.message).toMatch(/adHocPairs/);
    expect((await app.get('/quote/binance/BTC/USD')).status).toBe(200);
  });
});
