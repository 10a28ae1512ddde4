import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateConfiguration } from './validate.js';

const example: unknown = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../configuration.example.json', import.meta.url)), 'utf8'),
);

describe('configuration.example.json', () => {
  const result = validateConfiguration(example);
  const s = result.ok ? result.value.solution : undefined;

  it('validates', () => {
    expect(result.ok ? [] : result.error).toEqual([]);
  });

  it('describes 1 bootstrap node and 4 oracles tolerating 1 fault', () => {
    expect(s).toMatchObject({ totalNodes: 5, bootstrapNodes: [1], ocr: { f: 1 } });
  });

  it('has BTC, ETH, LINK and EUR feeds, asking binance for USDT pairs', () => {
    expect(s?.feeds.map((feed) => feed.pair)).toEqual(['BTC/USD', 'ETH/USD', 'LINK/USD', 'EUR/USD']);
    expect(s?.feeds[0]?.sources).toContainEqual({ source: 'binance', symbol: 'BTC/USDT' });
    expect(s?.feeds[2]?.sources).toContainEqual({ source: 'binance', symbol: 'LINK/USDT' });
    expect(s?.feeds[3]?.sources.map((source) => source.source)).toEqual([
      'frankfurter',
      'exchangerate-host',
      'yahoofinance',
    ]);
  });

  it('keeps metrics push off but filled in, and every secret as a reference', () => {
    expect(s?.priceAggregatorConfig.metricsPush).toMatchObject({
      enabled: false,
      url: expect.stringMatching(/^https:/),
    });
    expect(s?.faucetPrivateKey).toEqual({ file: 'faucet/private-key' });
    expect(s?.priceAggregatorConfig.sources.cryptocompare.apiKey).toEqual({ file: 'api-keys/cryptocompare' });
  });
});
