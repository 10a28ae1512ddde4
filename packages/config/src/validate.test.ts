import { describe, expect, it } from 'vitest';
import { minimalConfiguration, withChange } from './fixtures/minimal-configuration.js';
import type { ValidatedConfiguration } from './schema/configuration.js';
import { validateConfiguration } from './validate.js';

function valid(config: object): ValidatedConfiguration['solution'] {
  const result = validateConfiguration(config);
  if (!result.ok) throw new Error(result.error.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return result.value.solution;
}

describe('validateConfiguration defaults', () => {
  const s = valid(minimalConfiguration());

  it('fills in the node layout, restart policy and secrets directory', () => {
    expect(s).toMatchObject({
      bootstrapNodes: [1],
      maxRestarts: 3,
      restartWindowMs: 600_000,
      spSecretsDir: '/sp/secrets',
    });
    expect(s.nodes).toEqual({
      host: '127.0.0.1',
      apiPortBase: 6600,
      p2pPortBase: 9900,
      dataDirBase: '/run/oracle/nodes',
      logLevel: 'info',
      keys: { layout: 'sealed' },
      observationTimeoutMs: 10_000,
      blockchainTimeoutMs: 20_000,
      configConfirmations: 3,
      configPollIntervalMs: 60_000,
    });
  });

  it('fills in PostgreSQL, faucet and gas settings, wei as bigint', () => {
    expect(s.postgres).toEqual({
      host: '127.0.0.1',
      port: 5432,
      databasePrefix: 'chainlink_node',
      rolePrefix: 'chainlink_node',
    });
    expect(s).toMatchObject({
      faucetMinWei: 20_000_000_000_000n,
      faucetTopupWei: 10_000_000_000_000n,
      balanceTopupCheckIntervalMs: 3_600_000,
    });
    expect(s.faucetPrivateKey).toBeUndefined();
    expect(s.gas).toEqual({
      maxFeePerGasWei: 1_000_000_000_000n,
      maxPriorityFeePerGasWei: 2_000_000_000n,
      gasLimit: 500_000,
      bumpPercent: 20,
      stuckAfterBlocks: 3,
    });
  });

  it('uses the production OCR timing and derives f from the oracle count', () => {
    expect(s.ocr).toEqual({
      deltaProgressMs: 35_000,
      deltaResendMs: 17_000,
      deltaRoundMs: 30_000,
      deltaGraceMs: 12_000,
      deltaStageMs: 60_000,
      rMax: 6,
      f: 1,
      heartbeatSeconds: 86_400,
      deviationPpb: 5_000_000,
    });
  });

  it('fills in process metrics', () => {
    expect(s.processMetrics).toEqual({
      intervalMs: 5_000,
      jobName: 'process-metrics',
      host: '127.0.0.1',
      port: 3003,
      servicesRefreshMs: 60_000,
      maxSampleFailures: 12,
    });
  });

  it('gives a feed the network-wide OCR parameters, its name as description, and every enabled source', () => {
    expect(s.feeds).toEqual([
      {
        name: 'BTC / USD',
        pair: 'BTC/USD',
        decimals: 8,
        description: 'BTC / USD',
        deviationPpb: 5_000_000,
        heartbeatSeconds: 86_400,
        sources: [
          'binance',
          'okx',
          'coingecko',
          'kraken',
          'coinbase',
          'exchangerate-host',
          'frankfurter',
          'yahoofinance',
          'kucoin',
          'bybit',
        ].map((source) => ({ source, symbol: 'BTC/USD' })),
      },
    ]);
  });
});

describe('validateConfiguration derived values', () => {
  it.each([
    [5, [1], 1],
    [7, [1], 1],
    [8, [1], 2],
    [11, [1], 3],
    [12, [1, 2], 3],
    [32, [1], 10],
  ])('totalNodes %i with bootstrap nodes %j gives f = %i', (totalNodes, bootstrapNodes, f) => {
    let config = withChange(minimalConfiguration(), 'solution.totalNodes', totalNodes);
    config = withChange(config, 'solution.bootstrapNodes', bootstrapNodes);
    expect(valid(config).ocr.f).toBe(f);
  });

  it('keeps an explicit f that fits', () => {
    const config = withChange(
      withChange(minimalConfiguration(), 'solution.totalNodes', 11),
      'solution.ocr.f',
      2,
    );
    expect(valid(config).ocr.f).toBe(2);
  });

  it("takes a feed's sources from the aggregator's pairs entry, and per-feed OCR overrides", () => {
    let config = withChange(minimalConfiguration(), 'solution.priceAggregatorConfig.pairs', [
      { pair: 'btc/usd', sources: [{ source: 'binance', symbol: 'BTC/USDT' }, 'kraken'] },
    ]);
    config = withChange(config, 'solution.feeds', [
      {
        name: 'BTC / USD',
        pair: 'BTC/USD',
        decimals: 8,
        deviationPpb: 500_000,
        heartbeatSeconds: 3600,
        description: 'Bitcoin',
      },
    ]);
    const [feed] = valid(config).feeds;
    expect(feed).toMatchObject({
      description: 'Bitcoin',
      deviationPpb: 500_000,
      heartbeatSeconds: 3600,
      sources: [
        { source: 'binance', symbol: 'BTC/USDT' },
        { source: 'kraken', symbol: 'BTC/USD' },
      ],
    });
  });

  it('prefers the feed’s own sources, upper-casing symbols', () => {
    const config = withChange(minimalConfiguration(), 'solution.feeds', [
      {
        name: 'ETH / USD',
        pair: 'eth/usd',
        decimals: 18,
        sources: ['coinbase', { source: 'okx', symbol: 'eth/usdt' }],
      },
    ]);
    expect(valid(config).feeds[0]).toMatchObject({
      pair: 'ETH/USD',
      sources: [
        { source: 'coinbase', symbol: 'ETH/USD' },
        { source: 'okx', symbol: 'ETH/USDT' },
      ],
    });
  });

  it('accepts wei and answers as decimal strings or safe JSON integers, signed answers included', () => {
    let config = withChange(minimalConfiguration(), 'solution.faucetMinWei', 1e13);
    config = withChange(config, 'solution.feeds', [
      {
        name: 'X',
        pair: 'X/USD',
        decimals: 0,
        minAnswer: '-57896044618658097711785492504343953926634992332820282019728792003956564819968',
        maxAnswer: 5,
      },
    ]);
    const s = valid(config);
    expect(s.faucetMinWei).toBe(10_000_000_000_000n);
    expect(s.feeds[0]?.minAnswer).toBe(-(2n ** 255n));
    expect(s.feeds[0]?.maxAnswer).toBe(5n);
  });

  it('keeps the signature and the $schema hint', () => {
    let config = withChange(minimalConfiguration(), 'solution.signature', 'MEUCIQ...');
    config = withChange(config, '$schema', './configuration.schema.json');
    const result = validateConfiguration(config);
    expect(result.ok && result.value.solution.signature).toBe('MEUCIQ...');
    expect(result.ok && result.value.$schema).toBe('./configuration.schema.json');
  });
});
