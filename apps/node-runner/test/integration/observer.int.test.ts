/**
 * The aggregator observer against the real price aggregator (dist/main.js) in front of the fake
 * exchange: one /quotes/batch request for every feed observed within the window, prices scaled
 * and truncated per feed, nothing for a pair the aggregator cannot answer, nothing after a timeout.
 */
import { createServer, type Server } from 'node:net';
import { createLogger } from '@oracle/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregatorObserver } from '../../src/adapters/aggregator-observer.js';
import { sumSamples } from '@oracle/testing';
import { LocalDon } from './local-don.js';

const logger = createLogger({ service: 'observer-test', level: 'silent' });
let don: LocalDon;

async function batchRequests(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${don.aggregatorPort}/metrics`)).text();
  const lines = text
    .split('\n')
    .filter((line) => line.startsWith('http_requests_total') && line.includes('quotes/batch'));
  return sumSamples(lines.join('\n'), 'http_requests_total');
}

beforeAll(async () => {
  don = await LocalDon.start({
    totalNodes: 5,
    feeds: [
      { name: 'BTC / USD', pair: 'BTC/USD', decimals: 8 },
      { name: 'ETH / USD', pair: 'ETH/USD', decimals: 18 },
      { name: 'SOL / USD', pair: 'SOL/USD', decimals: 6 },
    ],
    prices: { 'BTC/USD': '65000.123456789', 'ETH/USD': '3500.5', 'SOL/USD': '150.1234567' },
  });
  await don.startAggregator();
});

afterAll(async () => {
  await don?.stop();
});

describe('aggregator observer', () => {
  it('makes one batch request for all feeds observed within the window', async () => {
    const observer = new AggregatorObserver({
      baseUrl: `http://127.0.0.1:${don.aggregatorPort}`,
      timeoutMs: 2_000,
      windowMs: 50,
      logger,
    });
    const before = await batchRequests();
    const observations = await Promise.all([
      observer.observe({ pair: 'BTC/USD', decimals: 8 }),
      observer.observe({ pair: 'ETH/USD', decimals: 18 }),
      observer.observe({ pair: 'SOL/USD', decimals: 6 }),
      observer.observe({ pair: 'BTC/USD', decimals: 0 }),
      observer.observe({ pair: 'NOPE/USD', decimals: 8 }),
    ]);
    expect(observations).toEqual([
      6_500_012_345_678n,
      3_500_500_000_000_000_000_000n,
      150_123_456n,
      65_000n,
      undefined,
    ]);
    expect((await batchRequests()) - before).toBe(1);

    // Requests further apart than the window are separate rounds.
    await observer.observe({ pair: 'BTC/USD', decimals: 8 });
    await observer.observe({ pair: 'ETH/USD', decimals: 8 });
    expect((await batchRequests()) - before).toBe(3);
  });

  it('gives no observation when the aggregator does not answer in time', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const observer = new AggregatorObserver({
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 300,
        logger,
      });
      const started = Date.now();
      expect(await observer.observe({ pair: 'BTC/USD', decimals: 8 })).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      silent.close();
    }
  });
});
