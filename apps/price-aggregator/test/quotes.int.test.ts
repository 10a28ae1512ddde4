/**
 * The quote API of the built aggregator against the fake exchange: the reference's `/quote` shape
 * and error codes, the cross-source batch (median, outliers, minSources), single flight, API keys
 * from secrets, the global market data, the registered-pairs routes and the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeExchange } from '@oracle/fake-exchange';
import type {
  BatchResponse,
  RegisteredPairsResponse,
  SourcePairsResponse,
  SourceQuoteResponse,
} from '../src/index.js';
import { eventually, fakeSources, startAggregator, type AggregatorProcess } from './aggregator-process.js';

const CRYPTOCOMPARE_KEY = 'cc-secret-key-4f8e2a';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('quote API', () => {
  let fake: FakeExchange;
  let app: AggregatorProcess;

  beforeAll(async () => {
    fake = await FakeExchange.start();
    fake.setPrice('binance', 'BTC', 'USD', '100');
    fake.setPrice('okx', 'BTC', 'USD', '101');
    fake.setPrice('kraken', 'BTC', 'USD', '102');
    fake.setPrice('binance', 'ETH', 'USD', '2000');
    fake.setPrice('okx', 'ETH', 'USD', '2001');
    fake.setPrice('kraken', 'ETH', 'USD', '2500');
    fake.setPrice('binance', 'SOL', 'USD', '150');
    fake.setPrice('binance', 'BTC', 'USDT', '65000.12');
    fake.setPrice('binance', 'XRP', 'USDT', '0.5');
    fake.setPrice('okx', 'DOGE', 'USDT', '0.1');
    fake.setPrice('cryptocompare', 'LINK', 'USD', '14.25');
    fake.setPrice('coingecko', 'TOTAL', 'USD', '2400000000000');
    app = await startAggregator(
      {
        quotes: { requestTimeoutMs: 400 },
        aggregation: { minSources: 2, maxDeviationPpb: 50_000_000 },
        pairs: [
          { pair: 'BTC/USD', sources: ['binance', 'okx', 'kraken'] },
          { pair: 'ETH/USD', sources: ['binance', 'okx', 'kraken'] },
          { pair: 'SOL/USD', sources: ['binance', 'okx', 'kraken'], minSources: 2 },
        ],
        marketData: { coingeckoGlobal: { enabled: true, refreshIntervalMs: 10_000 } },
        sources: {
          ...fakeSources(fake, ['binance', 'okx', 'kraken', 'coingecko', 'cryptocompare'], {
            timeoutMs: 2_000,
          }),
          cryptocompare: {
            enabled: true,
            baseUrl: fake.url('cryptocompare'),
            apiKey: { file: 'cryptocompare-key' },
            rps: null,
            stream: { enabled: false },
          },
        },
      },
      { secretFiles: { 'cryptocompare-key': `${CRYPTOCOMPARE_KEY}\n` } },
    );
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('answers /quote in the reference shape', async () => {
    const { status, body } = await app.get<SourceQuoteResponse>('/quote/binance/btc/usdt');
    expect(status).toBe(200);
    expect(body).toEqual({
      source: 'binance',
      pair: ['BTC', 'USDT'],
      price: '65000.12',
      receivedAt: expect.stringMatching(ISO),
    });
    expect(Date.now() - Date.parse(body.receivedAt)).toBeLessThan(5_000);
  });

  it('answers errors as {statusCode, timestamp, message} with the reference status codes', async () => {
    const cases: Array<[string, number]> = [
      ['/quote/nosuchsource/BTC/USD', 400],
      ['/quote/bybit/BTC/USD', 400], // known but disabled
      ['/quote/binance/BTC%24/USD', 400], // malformed symbol
      ['/quote/binance/NOPE/USD', 404], // unknown at the exchange
      ['/quote/kraken/BTC.X/USD', 404], // the source cannot quote it at all
    ];
    for (const [path, expected] of cases) {
      const { status, body } = await app.get(path);
      expect({ path, status }).toEqual({ path, status: expected });
      expect(body).toEqual({
        statusCode: expected,
        timestamp: expect.stringMatching(ISO),
        message: expect.any(String),
      });
    }
  });

  it('aggregates each pair across sources: median, outliers rejected, exact mean of the middle two', async () => {
    const { status, body } = await app.get<BatchResponse>('/quotes/batch?pairs=BTC-USD,ETH/USD');
    expect(status).toBe(200);
    expect(body.pairs['BTC/USD']).toMatchObject({
      price: '101',
      contributors: ['binance', 'okx', 'kraken'],
      rejected: [],
    });
    expect(body.pairs['BTC/USD']?.quotes.map((q) => [q.source, q.price])).toEqual([
      ['binance', '100'],
      ['okx', '101'],
      ['kraken', '102'],
    ]);
    expect(body.pairs['ETH/USD']).toMatchObject({
      price: '2000.5',
      contributors: ['binance', 'okx'],
      rejected: [{ source: 'kraken', price: '2500', reason: 'outlier' }],
    });
    expect(
      await app.metric('aggregate_rejected_quotes_total', { source: 'kraken', reason: 'outlier' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('accepts the pairs as a POSTed JSON list', async () => {
    const { status, body } = await app.post<BatchResponse>('/quotes/batch', ['BTC/USD', ['ETH', 'USD']]);
    expect(status).toBe(200);
    expect(Object.keys(body.pairs)).toEqual(['BTC/USD', 'ETH/USD']);
    expect(body.pairs['ETH/USD']?.price).toBe('2000.5');
    expect((await app.post('/quotes/batch', { pairs: 'BTC/USD' })).status).toBe(400);
    expect((await app.get('/quotes/batch?pairs=BTC_USD')).status).toBe(400);
  });

  it('reports an error for a pair below minSources while the other pairs still answer', async () => {
    const { body } = await app.get<BatchResponse>('/quotes/batch?pairs=SOL-USD,BTC-USD');
    const sol = body.pairs['SOL/USD'];
    expect(sol?.price).toBeUndefined();
    expect(sol?.error).toBe('1 usable quote(s), 2 required');
    expect(sol?.contributors).toEqual([]);
    expect(sol?.rejected.map((r) => [r.source, r.reason])).toEqual([
      ['okx', 'not_found'],
      ['kraken', 'not_found'],
    ]);
    expect(body.pairs['BTC/USD']?.price).toBe('101');
  });

  it('shares one upstream request between concurrent callers of the same quote', async () => {
    const before = fake.requestCount('binance');
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => app.get<SourceQuoteResponse>('/quote/binance/XRP/USDT')),
    );
    expect(answers.map((a) => a.body.price)).toEqual(Array(25).fill('0.5'));
    expect(fake.requestCount('binance') - before).toBe(1);
  });

  it('hands the API key from the secrets directory to the source, and never logs it', async () => {
    const { status, body } = await app.get<SourceQuoteResponse>('/quote/cryptocompare/LINK/USD');
    expect(status).toBe(200);
    expect(body.price).toBe('14.25');
    expect(app.logs.join('\n')).not.toContain(CRYPTOCOMPARE_KEY);
  });

  it('serves the cached CoinGecko global market data', async () => {
    const { status, body } = await eventually(async () => {
      const answer = await app.get<{ totalMarketCap: Record<string, string>; updatedAt: string }>(
        '/market-data/global',
      );
      return answer.status === 404 ? undefined : answer;
    });
    expect(status).toBe(200);
    expect(body.totalMarketCap.usd).toBe('2400000000000');
    expect(body.updatedAt).toMatch(ISO);
    expect((await app.get<{ available: boolean }>('/market-data/global/status')).body.available).toBe(true);
  });

  it('lists the registered pairs with their cached quotes, and documents every route (OpenAPI)', async () => {
    expect((await app.get<SourceQuoteResponse>('/quote/binance/XRP/USDT')).body.price).toBe('0.5');
    const all = await app.get<RegisteredPairsResponse>('/quote/pairs/all');
    expect(all.status).toBe(200);
    expect(all.body.timestamp).toMatch(ISO);
    expect(all.body.sources.binance?.find((p) => p.pair === 'XRP/USDT')).toEqual({
      source: 'binance',
      pair: 'XRP/USDT',
      configured: false,
      registeredAt: expect.stringMatching(ISO),
      lastRequestAt: expect.stringMatching(ISO),
      quote: {
        price: '0.5',
        receivedAt: expect.stringMatching(ISO),
        expiresAt: expect.stringMatching(ISO),
        via: 'rest',
      },
    });
    const okx = await app.get<SourcePairsResponse>('/quote/pairs/okx');
    expect(okx.status).toBe(200);
    expect(okx.body.pairs.length).toBeGreaterThan(0);
    expect(okx.body.pairs.every((p) => p.source === 'okx')).toBe(true);
    expect(okx.body.pairs.find((p) => p.pair === 'BTC/USD')?.configured).toBe(true);
    expect(okx.body.pairs).toEqual(all.body.sources.okx);
    expect((await app.get<{ message: string }>('/quote/pairs/nosuchsource')).status).toBe(400);

    const document = await app.get<{ paths: Record<string, unknown> }>('/api-json');
    expect(document.status).toBe(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        '/quote/{source}/{base}/{quote}',
        '/quote/pairs/all',
        '/quote/pairs/{source}',
        '/quotes/batch',
        '/health',
        '/market-data/global',
      ]),
    );
    expect((await fetch(`${app.url}/api`)).headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('counts requests by route template, method and status', async () => {
    expect((await app.get('/quotes/batch?pairs=BTC-USD,ETH/USD&pairs=SOL-USD')).status).toBe(200);
    expect((await app.get('/quotes/batch?pairs=BTC-USD,NOPE')).status).toBe(400);
    expect((await app.get('/quotes/batch')).status).toBe(400);
    expect(
      await app.metric('http_requests_total', { route: '/quotes/batch', method: 'GET', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await app.metric('http_requests_total', { route: '/quotes/batch', method: 'GET', status: '400' }),
    ).toBeGreaterThanOrEqual(2);
    expect((await app.get('/no/such/route')).status).toBe(404);
    expect(
      await app.metric('http_requests_total', { route: 'unmatched', method: 'GET', status: '404' }),
    ).toBeGreaterThanOrEqual(1); // never the raw path
    expect(await app.metric('http_requests_in_flight')).toBe(1); // the /metrics request itself
  });

  it('keeps the reference startup probe and counts requests by route template', async () => {
    const root = await app.get<{ message: string; timestamp: string }>('/');
    expect(root.body).toEqual({
      message: 'Price Proxy Service is running',
      timestamp: expect.stringMatching(ISO),
    });
    expect(
      await app.metric('http_requests_total', { route: '/quote/:source/:base/:quote', status: '404' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await app.metric('http_requests_total', { route: '/', method: 'GET', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('answers 502 when the upstream fails and 504 when it does not answer in time', async () => {
    fake.setFault('okx', { kind: 'status', status: 500 });
    expect((await app.get('/quote/okx/DOGE/USDT')).status).toBe(502);
    fake.setFault('okx', { kind: 'hang' });
    const started = Date.now();
    const timedOut = await app.get<{ message: string }>('/quote/okx/ADA/USDT');
    expect(timedOut.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(1_500);
    fake.setFault('okx', undefined);
  });

  it('stops gracefully on SIGTERM', async () => {
    expect(await app.stop()).toBe(0);
    expect(app.logs.some((line) => line.includes('"level":"fatal"'))).toBe(false);
  });
});
