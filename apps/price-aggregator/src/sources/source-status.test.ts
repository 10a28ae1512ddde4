import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger } from '@oracle/logger';
import { sumSamples } from '@oracle/testing';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import type { SourceCatalog } from './source-catalog.js';
import { SourceStatusBoard } from './source-status.js';

const quiet = createLogger({
  service: 'test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

describe('SourceStatusBoard', () => {
  it('gives every source in use its series from the start: up, and cache counters at 0', async () => {
    const registry = new Registry();
    const metrics = new AggregatorMetrics(registry);
    const catalog = { enabled: () => [{ id: 'binance' }, { id: 'okx' }] } as unknown as Pick<
      SourceCatalog,
      'enabled'
    >;
    const board = new SourceStatusBoard(catalog, metrics, quiet);
    const text = await registry.metrics();
    for (const source of ['binance', 'okx']) {
      expect(board.isAvailable(source as 'okx')).toBe(true);
      expect(text).toContain(`cache_misses_total{source="${source}"} 0`);
      expect(text).toContain(`cache_hits_total{source="${source}"} 0`);
      expect(sumSamples(text, 'source_availability', { source })).toBe(1);
    }
  });
});
