/**
 * Streams of the built aggregator against the fake exchange's WebSocket: stream prices update the
 * cache without REST requests, the stream reconnects after the exchange drops it, garbage frames
 * are counted and dropped, and the `/ws` endpoint pushes aggregated updates to subscribers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SourceId } from '@oracle/config';
import { FakeExchange } from '@oracle/fake-exchange';
import type { FeedMessage, SourceQuoteResponse } from '../src/index.js';
import { eventually, fakeSources, startAggregator, type AggregatorProcess } from './aggregator-process.js';

describe('streams', () => {
  let fake: FakeExchange;
  let app: AggregatorProcess;
  const quote = async () => (await app.get<SourceQuoteResponse>('/quote/binance/BTC/USDT')).body.price;
  const connected = async () => (await app.metric('websocket_connections', { source: 'binance' })) === 1;

  beforeAll(async () => {
    fake = await FakeExchange.start();
    fake.setPrice('binance', 'BTC', 'USDT', '65000');
    app = await startAggregator({
      pairs: [{ pair: 'BTC/USD', sources: [{ source: 'binance', symbol: 'BTC/USDT' }] }],
      sources: fakeSources(fake, ['binance'], {
        ttlMs: 60_000,
        stream: {
          enabled: true,
          reconnectInitialDelayMs: 100,
          reconnectMaxDelayMs: 400,
          heartbeatIntervalMs: 1_000,
        },
      }),
    });
    await eventually(connected, 10_000, 'the binance stream');
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('updates the cache from the stream, without REST requests', async () => {
    expect(await quote()).toBe('65000');
    const restBefore = fake.requestCount('binance');
    fake.setPrice('binance', 'BTC', 'USDT', '65100.5');
    await eventually(async () => (await quote()) === '65100.5', 5_000, 'the streamed price');
    expect(fake.requestCount('binance')).toBe(restBefore);
    expect(await app.metric('websocket_messages_received', { source: 'binance' })).toBeGreaterThan(0);
  });

  it('reconnects and resubscribes after the exchange drops the socket', async () => {
    const reconnectsBefore = await app.metric('websocket_reconnects_total', { source: 'binance' });
    fake.setFault('binance', { kind: 'ws-drop' });
    await eventually(async () => !(await connected()), 5_000, 'the stream to drop');
    await eventually(
      async () =>
        (await app.metric('websocket_reconnects_total', { source: 'binance' })) >= reconnectsBefore + 2,
      5_000,
      'reconnect attempts',
    );
    fake.setFault('binance', undefined);
    await eventually(connected, 5_000, 'the stream to come back');
    expect(fake.connectionCount('binance')).toBe(1);
    fake.setPrice('binance', 'BTC', 'USDT', '65200');
    await eventually(async () => (await quote()) === '65200', 5_000, 'a price over the new connection');
  });

  it('counts and drops frames it cannot read, and stays connected', async () => {
    const errorsBefore = await app.metric('source_errors_total', { source: 'binance', kind: 'schema' });
    fake.setFault('binance', { kind: 'schema' });
    fake.setPrice('binance', 'BTC', 'USDT', '1');
    await eventually(
      async () =>
        (await app.metric('source_errors_total', { source: 'binance', kind: 'schema' })) > errorsBefore,
      5_000,
      'a counted schema error',
    );
    expect(await quote()).toBe('65200');
    fake.setFault('binance', undefined);
    fake.setPrice('binance', 'BTC', 'USDT', '65300');
    await eventually(async () => (await quote()) === '65300', 5_000, 'prices after the garbage');
    expect(fake.connectionCount('binance')).toBe(1);
  });

  it('pushes aggregated updates to /ws subscribers', async () => {
    const client = new WebSocket(`ws://127.0.0.1:${app.port}/ws`);
    const messages: FeedMessage[] = [];
    client.on('message', (data) => messages.push(JSON.parse(String(data)) as FeedMessage));
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    client.send(JSON.stringify({ op: 'subscribe', pairs: ['BTC/USD'] }));
    await eventually(
      async () => messages.some((m) => m.type === 'price' && m.price === '65300'),
      5_000,
      'the first price',
    );
    expect(messages[0]).toEqual({ type: 'subscribed', pairs: ['BTC/USD'] });

    fake.setPrice('binance', 'BTC', 'USDT', '65400.25');
    const update = await eventually(
      async () => messages.find((m) => m.type === 'price' && m.price === '65400.25'),
      5_000,
      'the update',
    );
    expect(update).toEqual({
      type: 'price',
      pair: 'BTC/USD',
      price: '65400.25',
      contributors: ['binance'],
      timestamp: expect.any(String),
    });

    client.send('not json');
    await eventually(async () => messages.some((m) => m.type === 'error'), 5_000, 'an error answer');
    client.close();
  });
});

describe('every streaming source', () => {
  const STREAMING: readonly SourceId[] = [
    'binance',
    'okx',
    'kraken',
    'coinbase',
    'cryptocompare',
    'finnhub',
    'kucoin',
    'bybit',
  ];
  let fake: FakeExchange;
  let app: AggregatorProcess;

  beforeAll(async () => {
    fake = await FakeExchange.start();
    for (const source of STREAMING) fake.setPrice(source, 'ETH', 'USDT', '3000');
    const sources = fakeSources(fake, STREAMING, {
      ttlMs: 60_000,
      stream: {
        enabled: true,
        reconnectInitialDelayMs: 100,
        reconnectMaxDelayMs: 400,
        heartbeatIntervalMs: 2_000,
      },
    });
    for (const keyed of ['cryptocompare', 'finnhub'] as const)
      sources[keyed] = { ...sources[keyed], apiKey: { env: 'STREAM_TEST_KEY' } };
    app = await startAggregator(
      { pairs: [{ pair: 'ETH/USDT', sources: [...STREAMING] }], sources },
      { env: { STREAM_TEST_KEY: 'stream-test-key' } },
    );
    await eventually(
      async () => (await app.metric('websocket_connections')) === STREAMING.length,
      10_000,
      'a stream per source',
    );
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it.each(STREAMING)(
    '%s: subscribes (negotiating first where needed) and feeds the cache',
    async (source) => {
      const restBefore = fake.requestCount(source);
      fake.setPrice(source, 'ETH', 'USDT', '3001.5');
      await eventually(
        async () => (await app.get<SourceQuoteResponse>(`/quote/${source}/ETH/USDT`)).body.price === '3001.5',
        5_000,
        `the ${source} stream price`,
      );
      expect(fake.requestCount(source)).toBe(restBefore);
    },
  );
});
