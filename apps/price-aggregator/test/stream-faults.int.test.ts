/**
 * A streamed pair whose every source is down, REST and stream alike (the fake exchange's faults
 * reach its WebSocket streams): the last stream prices expire with the cache like any other quote,
 * so `/quotes/batch` stops answering the pair instead of serving them, and answers again with
 * streamed prices once the sources are back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceId } from '@oracle/config';
import { FakeExchange, type Fault } from '@oracle/fake-exchange';
import { waitFor } from '@oracle/testing';
import type { BatchResponse, PairAggregateResponse } from '../src/index.js';
import { fakeSources, startAggregator, type AggregatorProcess } from './aggregator-process.js';

const TTL_MS = 1_500;

/** One fault per source, each taking its REST answers and its stream down in its own way. */
const FAULTS: ReadonlyArray<readonly [SourceId, Fault]> = [
  ['binance', { kind: 'status', status: 503 }], // stream closed, handshakes refused with 503
  ['okx', { kind: 'hang' }], // stream silent (pings unanswered), handshakes never answered
  ['kraken', { kind: 'garbage' }], // stream stays open but every frame is garbage
];
const SOURCES = FAULTS.map(([source]) => source);

describe('a streamed pair whose every source is down', () => {
  let fake: FakeExchange;
  let app: AggregatorProcess;
  const ethUsdt = async (): Promise<PairAggregateResponse | undefined> =>
    (await app.get<BatchResponse>('/quotes/batch?pairs=ETH-USDT')).body.pairs['ETH/USDT'];
  const setPrice = (price: string): void => {
    for (const source of SOURCES) fake.setPrice(source, 'ETH', 'USDT', price);
  };
  /** The pair's aggregate once every source contributes a quote of `price`. */
  const answered = (price: string) => async (): Promise<PairAggregateResponse | undefined> => {
    const pair = await ethUsdt();
    const everyQuote = pair?.quotes.length === SOURCES.length && pair.quotes.every((q) => q.price === price);
    return pair?.price === price && pair.contributors.length === SOURCES.length && everyQuote
      ? pair
      : undefined;
  };
  const streamsOpen = async (): Promise<number> => app.metric('websocket_connections');

  beforeAll(async () => {
    fake = await FakeExchange.start();
    setPrice('3000');
    app = await startAggregator({
      cache: { defaultTtlMs: TTL_MS },
      refetch: { staleTriggerBeforeExpiry: 500, minTimeBetweenRefreshes: 100 },
      // One fresh quote would be enough: the pair only loses its price when every quote has expired.
      pairs: [{ pair: 'ETH/USDT', sources: [...SOURCES], minSources: 1 }],
      sources: fakeSources(fake, SOURCES, {
        timeoutMs: 300,
        stream: {
          enabled: true,
          reconnectInitialDelayMs: 100,
          reconnectMaxDelayMs: 400,
          heartbeatIntervalMs: 500,
        },
      }),
    });
    await waitFor(async () => (await streamsOpen()) === SOURCES.length, {
      timeoutMs: 10_000,
      what: 'a stream per source',
    });
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('stops giving a price once the cached quotes expire, and recovers when the faults are cleared', async () => {
    setPrice('3001.5'); // pushed by the three streams
    await waitFor(answered('3001.5'), { timeoutMs: 5_000, what: 'the streamed price' });
    const krakenFrames = await app.metric('websocket_messages_received', { source: 'kraken' });
    const binanceReconnects = await app.metric('websocket_reconnects_total', { source: 'binance' });

    for (const [source, fault] of FAULTS) fake.setFault(source, fault);
    setPrice('3002'); // reaches no one: refused, silenced or garbled
    const ages: number[] = [];
    const served = new Set<string>();
    const down = await waitFor(
      async () => {
        const asked = Date.now();
        const pair = await ethUsdt();
        if (pair === undefined) return undefined;
        if (pair.price === undefined) return pair;
        ages.push(...pair.quotes.map((quote) => asked - Date.parse(quote.receivedAt)));
        for (const quote of pair.quotes) served.add(quote.price);
        return undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50, what: 'ETH/USDT to lose its price' },
    );
    expect(down).toMatchObject({ error: expect.any(String), contributors: [], quotes: [] });
    expect(down.rejected.map((rejection) => rejection.source).sort()).toEqual([...SOURCES].sort());
    // Until then every quote served was younger than its TTL and from before the faults: none
    // carried the price pushed after them.
    expect(ages.length).toBeGreaterThan(0);
    expect(Math.max(...ages)).toBeLessThan(TTL_MS);
    expect([...served]).toEqual(['3001.5']);

    // The faults reached the streams: binance's and okx's are gone, kraken's is open but unreadable.
    await waitFor(
      async () =>
        (await app.metric('websocket_connections', { source: 'binance' })) === 0 &&
        (await app.metric('websocket_connections', { source: 'okx' })) === 0,
      { timeoutMs: 10_000, what: 'the binance and okx streams to drop' },
    );
    expect(await app.metric('websocket_connections', { source: 'kraken' })).toBe(1);
    expect(await app.metric('websocket_messages_received', { source: 'kraken' })).toBeGreaterThan(
      krakenFrames,
    );
    // While the aggregator keeps trying (and is refused), the pair stays without a price.
    await waitFor(
      async () =>
        (await app.metric('websocket_reconnects_total', { source: 'binance' })) >= binanceReconnects + 3,
      { timeoutMs: 10_000, what: 'binance reconnect attempts' },
    );
    expect((await ethUsdt())?.price).toBeUndefined();

    for (const [source] of FAULTS) fake.setFault(source, undefined);
    await waitFor(async () => (await streamsOpen()) === SOURCES.length, {
      timeoutMs: 10_000,
      what: 'the streams to reconnect',
    });
    await waitFor(answered('3002'), { timeoutMs: 20_000, what: 'the pair to be answered again' });
    setPrice('3003.25');
    await waitFor(answered('3003.25'), { timeoutMs: 5_000, what: 'a streamed price after the recovery' });
  });
});
