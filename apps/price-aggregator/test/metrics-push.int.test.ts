/**
 * The aggregator pushes its metrics to a real Pushgateway (basic auth, password from a secret),
 * since nothing can scrape it inside the TEE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeExchange } from '@oracle/fake-exchange';
import { basicAuthHeader, startPushgateway, TEST_BASIC_AUTH, type RunningPushgateway } from '@oracle/testing';
import { eventually, fakeSources, startAggregator, type AggregatorProcess } from './aggregator-process.js';

describe('metrics push', () => {
  let fake: FakeExchange;
  let gateway: RunningPushgateway;
  let app: AggregatorProcess;

  beforeAll(async () => {
    fake = await FakeExchange.start();
    fake.setPrice('binance', 'BTC', 'USDT', '65000');
    gateway = await startPushgateway({ basicAuth: TEST_BASIC_AUTH });
    app = await startAggregator(
      {
        metricsPush: {
          enabled: true,
          url: gateway.url,
          basicAuth: { username: TEST_BASIC_AUTH.username, password: { env: 'METRICS_PUSH_PASSWORD' } },
          intervalMs: 1_000,
          groupingLabels: { service: 'price-aggregator' },
        },
        pairs: [{ pair: 'BTC/USD', sources: [{ source: 'binance', symbol: 'BTC/USDT' }] }],
        sources: fakeSources(fake, ['binance']),
      },
      { env: { METRICS_PUSH_PASSWORD: TEST_BASIC_AUTH.password } },
    );
  });

  afterAll(async () => {
    await app?.stop();
    await gateway?.stop();
    await fake?.close();
  });

  it('pushes the registry to the Pushgateway under its job', async () => {
    await app.get('/quote/binance/BTC/USDT');
    const headers = { authorization: basicAuthHeader(TEST_BASIC_AUTH.username, TEST_BASIC_AUTH.password) };
    const pushed = await eventually(
      async () => {
        const text = await (await fetch(`${gateway.url}/metrics`, { headers })).text();
        return /^cache_hits_total\{.*job="price-aggregator".*\} [1-9]/m.test(text) ? text : undefined;
      },
      10_000,
      'pushed metrics',
    );
    expect(pushed).toMatch(
      /^source_requests_total\{.*job="price-aggregator".*source="binance".*status="200".*\} \d+/m,
    );
    expect(pushed).toMatch(/^source_availability\{.*source="binance".*\} 1$/m);
    expect(app.logs.join('\n')).not.toContain(TEST_BASIC_AUTH.password);
  });
});
