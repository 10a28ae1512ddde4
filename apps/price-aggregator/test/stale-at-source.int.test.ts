/**
 * An exchange serving tickers stamped long ago (the fake okx with its clock moved back): the quote
 * is cached and `/quote` still serves it, but the aggregate of `/quotes/batch` rejects it as
 * `stale_at_source` and never counts it, over REST and over the stream alike; a quote that turns
 * stale while cached (no write in between) leaves the aggregate at that moment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceId } from '@oracle/config';
import { FakeExchange } from '@oracle/fake-exchange';
import { waitFor } from '@oracle/testing';
import type { BatchResponse, PairAggregateResponse, SourceQuoteResponse } from '../src/index.js';
import { fakeSources, startAggregator, type AggregatorProcess } from './aggregator-process.js';

const TWO_DAYS_MS = 2 * 86_400_000;

async function btcUsdt(app: AggregatorProcess): Promise<PairAggregateResponse> {
  const { status, body } = await app.get<BatchResponse>('/quotes/batch?pairs=BTC-USDT');
  expect(status).toBe(200);
  return body.pairs['BTC/USDT'] as PairAggregateResponse;
}

const rejectionOf = (aggregate: PairAggregateResponse, source: SourceId) =>
  aggregate.rejected.find((r) => r.source === source);

/** The BTC/USDT aggregate once `source`'s quote is rejected as stale_at_source (at `price`, when given). */
const staleAtSource = (app: AggregatorProcess, source: SourceId, price?: string) =>
  waitFor(
    async () => {
      const aggregate = await btcUsdt(app);
      const rejection = rejectionOf(aggregate, source);
      const stale =
        rejection?.reason === 'stale_at_source' && (price === undefined || rejection.price === price);
      return stale && aggregate;
    },
    { timeoutMs: 15_000, what: `${source} rejected as stale_at_source` },
  );

describe('okx over REST, stamping its tickers two days ago', () => {
  let fake: FakeExchange;
  let app: AggregatorProcess;
  const SOURCES: SourceId[] = ['binance', 'okx', 'kraken'];

  beforeAll(async () => {
    fake = await FakeExchange.start();
    fake.setPrice('binance', 'BTC', 'USDT', '65000');
    fake.setPrice('okx', 'BTC', 'USDT', '65100');
    fake.setPrice('kraken', 'BTC', 'USDT', '65020');
    app = await startAggregator({
      cache: { defaultTtlMs: 1_000 },
      refetch: { staleTriggerBeforeExpiry: 300, minTimeBetweenRefreshes: 100 },
      aggregation: { minSources: 2 },
      pairs: [{ pair: 'BTC/USDT', sources: SOURCES }],
      sources: fakeSources(fake, SOURCES, { timeoutMs: 1_000 }),
    });
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('leaves okx out of the aggregate as stale_at_source, counts it, and still answers /quote', async () => {
    const fresh = await waitFor(
      async () => {
        const aggregate = await btcUsdt(app);
        return aggregate.contributors.length === 3 && aggregate;
      },
      { timeoutMs: 10_000, what: 'all three sources contributing' },
    );
    expect(fresh.price).toBe('65020');

    fake.setTimestampOffset('okx', -TWO_DAYS_MS);
    const stale = await staleAtSource(app, 'okx');
    expect(stale.contributors).toEqual(['binance', 'kraken']);
    expect(stale.price).toBe('65010');
    expect(rejectionOf(stale, 'okx')).toEqual({
      source: 'okx',
      price: '65100',
      reason: 'stale_at_source',
      message: expect.stringMatching(/^okx's timestamp \d{4}-\d\d-\d\dT[\d:.]+Z is 2 d old \(bound 60 s\)$/),
    });
    expect(
      await app.metric('aggregate_rejected_quotes_total', { source: 'okx', reason: 'stale_at_source' }),
    ).toBeGreaterThan(0);
    expect(await app.metric('source_availability', { source: 'okx' })).toBe(1); // okx answers: not down

    // The reference's one-source route serves what the source said (as it serves outliers).
    const quote = await app.get<SourceQuoteResponse>('/quote/okx/BTC/USDT');
    expect(quote).toMatchObject({ status: 200, body: { source: 'okx', price: '65100' } });

    fake.setTimestampOffset('okx', 0);
    await waitFor(async () => (await btcUsdt(app)).contributors.includes('okx'), {
      timeoutMs: 10_000,
      what: 'okx contributing again',
    });
  });
});

describe('okx over its stream, stamping its tickers in the past', () => {
  let fake: FakeExchange;
  let app: AggregatorProcess;

  beforeAll(async () => {
    fake = await FakeExchange.start();
    fake.setPrice('binance', 'BTC', 'USDT', '65000');
    fake.setPrice('okx', 'BTC', 'USDT', '65100');
    const sources = fakeSources(fake, ['binance', 'okx'], { timeoutMs: 1_000 });
    app = await startAggregator({
      // Long TTLs, and no refetch after the first fetch (refetched over REST the lead before it
      // turned stale at okx, the quote would be rewritten), so nothing is written unless okx pushes.
      cache: { defaultTtlMs: 120_000 },
      refetch: { minTimeBetweenRefreshes: 600_000 },
      pairs: [{ pair: 'BTC/USDT', sources: ['binance', 'okx'] }],
      sources: {
        ...sources,
        okx: {
          ...sources.okx,
          stream: { enabled: true, reconnectInitialDelayMs: 100, reconnectMaxDelayMs: 400 },
        },
      },
    });
    await waitFor(async () => (await app.metric('websocket_connections', { source: 'okx' })) === 1, {
      timeoutMs: 10_000,
      what: 'the okx stream',
    });
    await waitFor(async () => (await btcUsdt(app)).contributors.length === 2, {
      timeoutMs: 10_000,
      what: 'binance and okx contributing',
    });
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('drops a pushed quote from the aggregate the moment it turns 60 s old at okx, without a new write', async () => {
    // A push stamped 55 s ago by okx's clock: it counts for 5 more seconds.
    fake.setTimestampOffset('okx', -55_000);
    fake.setPrice('okx', 'BTC', 'USDT', '65110');
    const counted = await waitFor(
      async () => {
        const aggregate = await btcUsdt(app);
        const okx = aggregate.quotes.find((q) => q.source === 'okx');
        return okx?.price === '65110' && aggregate;
      },
      { timeoutMs: 4_000, what: 'the pushed okx price' },
    );
    expect(counted.contributors).toEqual(['binance', 'okx']);

    const stale = await staleAtSource(app, 'okx', '65110');
    expect(stale.contributors).toEqual(['binance']);
    expect(rejectionOf(stale, 'okx')?.message).toMatch(/ is [\d.]+ s old \(bound 60 s\)$/);
    expect(stale.quotes).toEqual(counted.quotes); // the very same cached quotes: no write in between
  });

  it('rejects a pushed ticker stamped two days ago the same way', async () => {
    fake.setTimestampOffset('okx', -TWO_DAYS_MS);
    fake.setPrice('okx', 'BTC', 'USDT', '65120');
    const stale = await staleAtSource(app, 'okx', '65120');
    expect(stale.contributors).toEqual(['binance']);
    expect(rejectionOf(stale, 'okx')?.message).toMatch(/ is 2 d old \(bound 60 s\)$/);

    fake.setTimestampOffset('okx', 0);
    fake.setPrice('okx', 'BTC', 'USDT', '65130');
    await waitFor(async () => (await btcUsdt(app)).contributors.includes('okx'), {
      timeoutMs: 10_000,
      what: 'okx contributing again',
    });
  });
});
