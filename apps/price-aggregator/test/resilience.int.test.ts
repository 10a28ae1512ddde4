/**
 * A source that breaks (garbage, a changed schema, zero or negative prices, 429, 500, or no
 * answer) is marked down and counted in metrics, and the pair is served from the other sources;
 * once it answers again it is back up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeExchange, type Fault } from '@oracle/fake-exchange';
import type { BatchResponse } from '../src/index.js';
import { eventually, fakeSources, startAggregator, type AggregatorProcess } from './aggregator-process.js';

const FAULTS: Array<[string, Fault, string]> = [
  ['returning garbage JSON', { kind: 'garbage' }, 'bad_json'],
  ['answering in a changed schema', { kind: 'schema' }, 'schema'],
  ['reporting a zero price', { kind: 'zero' }, 'invalid_price'],
  ['reporting a negative price', { kind: 'negative' }, 'invalid_price'],
  ['answering 429', { kind: 'status', status: 429, retryAfterSeconds: 1 }, 'rate_limited'],
  ['answering 500', { kind: 'status', status: 500 }, 'http'],
  ['hanging', { kind: 'hang' }, 'timeout'],
];

describe('a failing source', () => {
  let fake: FakeExchange;
  let app: AggregatorProcess;
  const batch = async () =>
    (await app.get<BatchResponse>('/quotes/batch?pairs=BTC-USD')).body.pairs['BTC/USD'];

  beforeAll(async () => {
    fake = await FakeExchange.start();
    fake.setPrice('binance', 'BTC', 'USD', '100');
    fake.setPrice('okx', 'BTC', 'USD', '101');
    fake.setPrice('kraken', 'BTC', 'USD', '102');
    fake.setPrice('coinbase', 'BTC', 'USD', '103');
    app = await startAggregator({
      cache: { defaultTtlMs: 1_200 },
      refetch: { staleTriggerBeforeExpiry: 400, minTimeBetweenRefreshes: 100 },
      aggregation: { minSources: 2 },
      pairs: [{ pair: 'BTC/USD', sources: ['binance', 'okx', 'kraken', 'coinbase'] }],
      sources: fakeSources(fake, ['binance', 'okx', 'kraken', 'coinbase'], { timeoutMs: 500 }),
    });
    await eventually(async () => (await batch())?.contributors.length === 4, 10_000, 'all four sources');
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it.each(FAULTS)('%s: marked down, counted, and left out of the aggregate', async (_what, fault, kind) => {
    const errorsBefore = await app.metric('source_errors_total', { source: 'okx', kind });
    fake.setFault('okx', fault);
    await eventually(
      async () => (await app.metric('source_availability', { source: 'okx' })) === 0,
      10_000,
      'okx down',
    );
    expect(await app.metric('source_errors_total', { source: 'okx', kind })).toBeGreaterThan(errorsBefore);

    // Once okx's last good quote has expired, the pair is served from the other three.
    const served = await eventually(
      async () => {
        const pair = await batch();
        return pair && !pair.contributors.includes('okx') ? pair : undefined;
      },
      5_000,
      'BTC/USD without okx',
    );
    expect(served).toMatchObject({ price: '102', contributors: ['binance', 'kraken', 'coinbase'] });
    expect(served.rejected.map((r) => r.source)).toEqual(['okx']);

    fake.setFault('okx', undefined);
    await eventually(
      async () => (await app.metric('source_availability', { source: 'okx' })) === 1,
      15_000,
      'okx up again',
    );
    await eventually(async () => (await batch())?.price === '101.5', 5_000, 'okx back in the aggregate');
  });

  it('counts every upstream request by source and status', async () => {
    expect(await app.metric('source_requests_total', { source: 'okx', status: '200' })).toBeGreaterThan(0);
    expect(await app.metric('source_requests_total', { source: 'okx', status: '500' })).toBeGreaterThan(0);
    expect(await app.metric('source_requests_total', { source: 'okx', status: 'timeout' })).toBeGreaterThan(
      0,
    );
    expect(await app.metric('source_request_duration_seconds_count', { source: 'binance' })).toBeGreaterThan(
      0,
    );
  });
});
