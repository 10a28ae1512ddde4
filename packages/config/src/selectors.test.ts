import { describe, expect, it } from 'vitest';
import { minimalConfiguration, withChange } from './fixtures/minimal-configuration.js';
import type { Configuration } from './load-configuration.js';
import { resolveSecrets } from './resolve-secrets.js';
import { Secret } from './secret.js';
import { selectAggregatorConfig, selectNodeConfig, selectProcessMetricsConfig } from './selectors.js';
import { validateConfiguration } from './validate.js';

async function configuration(json: object, env: Record<string, string> = {}): Promise<Configuration> {
  const validated = validateConfiguration(json);
  if (!validated.ok) throw new Error(JSON.stringify(validated.error));
  const resolved = await resolveSecrets(validated.value, { secretsDir: '/unused', env });
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.error));
  return resolved.value;
}

describe('selectNodeConfig', () => {
  it('describes the bootstrap node and an oracle with their ports, paths and database', async () => {
    const cfg = await configuration(minimalConfiguration());

    const bootstrap = selectNodeConfig(cfg, 1);
    const oracle = selectNodeConfig(cfg, 3);

    expect(bootstrap).toMatchObject({ index: 1, role: 'bootstrap', apiPort: 6601, p2pPort: 9901 });
    expect(oracle).toMatchObject({
      index: 3,
      role: 'oracle',
      host: '127.0.0.1',
      apiPort: 6603,
      p2pPort: 9903,
      logLevel: 'info',
      dataDir: '/run/oracle/nodes/3',
      keys: {
        layout: 'sealed',
        dir: '/sp/secrets/nodes/3',
        evmKeyFile: '/sp/secrets/nodes/3/evm-key.json',
        p2pKeyFile: '/sp/secrets/nodes/3/p2p-key.json',
        ocrKeyFile: '/sp/secrets/nodes/3/ocr-key.json',
        password: { origin: 'generated', file: '/sp/secrets/nodes/3/keystore-password' },
      },
      database: {
        host: '127.0.0.1',
        port: 5432,
        name: 'chainlink_node_3',
        role: 'chainlink_node_3',
        password: { origin: 'generated', file: '/sp/secrets/nodes/3/db-password' },
      },
      priceAggregatorUrl: 'http://127.0.0.1:3000',
    });
  });

  it('hands over chain, faucet, OCR timing and feeds', async () => {
    let json = withChange(minimalConfiguration(), 'solution.chainlinkRpcWsUrl', 'ws://127.0.0.1:8546');
    json = withChange(json, 'solution.faucetPrivateKey', { env: 'FAUCET_KEY' });
    json = withChange(json, 'solution.gas.gasLimit', 400_000);
    const cfg = await configuration(json, { FAUCET_KEY: '0xfeed' });

    const node = selectNodeConfig(cfg, 2);

    expect(node.chain).toEqual({
      chainId: 31337,
      rpcHttpUrl: 'http://127.0.0.1:8545',
      rpcWsUrl: 'ws://127.0.0.1:8546',
      gas: {
        maxFeePerGasWei: 1_000_000_000_000n,
        maxPriorityFeePerGasWei: 2_000_000_000n,
        gasLimit: 400_000,
        bumpPercent: 20,
        stuckAfterBlocks: 3,
      },
    });
    expect(node.faucet.privateKey?.reveal()).toBe('0xfeed');
    expect(node.faucet).toMatchObject({
      minWei: 20_000_000_000_000n,
      topupWei: 10_000_000_000_000n,
      checkIntervalMs: 3_600_000,
    });
    expect(node.ocr).toEqual({
      deltaProgressMs: 35_000,
      deltaResendMs: 17_000,
      deltaRoundMs: 30_000,
      deltaGraceMs: 12_000,
      deltaStageMs: 60_000,
      rMax: 6,
      f: 1,
      observationTimeoutMs: 10_000,
      blockchainTimeoutMs: 20_000,
      configConfirmations: 3,
      configPollIntervalMs: 60_000,
    });
    expect(node.feeds).toBe(cfg.solution.feeds);
  });

  it('lists every node as a peer, bootstrap nodes marked', async () => {
    let json = withChange(minimalConfiguration(), 'solution.totalNodes', 6);
    json = withChange(json, 'solution.bootstrapNodes', [1, 2]);
    json = withChange(json, 'solution.nodes', { host: '10.0.0.5', apiPortBase: 7000, p2pPortBase: 8000 });
    const cfg = await configuration(json);
    const key = (i: number): string => `/sp/secrets/nodes/${i}/p2p-key.json`;

    expect(selectNodeConfig(cfg, 4).peers).toEqual([
      { index: 1, role: 'bootstrap', host: '10.0.0.5', apiPort: 7001, p2pPort: 8001, p2pKeyFile: key(1) },
      { index: 2, role: 'bootstrap', host: '10.0.0.5', apiPort: 7002, p2pPort: 8002, p2pKeyFile: key(2) },
      { index: 3, role: 'oracle', host: '10.0.0.5', apiPort: 7003, p2pPort: 8003, p2pKeyFile: key(3) },
      { index: 4, role: 'oracle', host: '10.0.0.5', apiPort: 7004, p2pPort: 8004, p2pKeyFile: key(4) },
      { index: 5, role: 'oracle', host: '10.0.0.5', apiPort: 7005, p2pPort: 8005, p2pKeyFile: key(5) },
      { index: 6, role: 'oracle', host: '10.0.0.5', apiPort: 7006, p2pPort: 8006, p2pKeyFile: key(6) },
    ]);
  });

  it('uses configured passwords and custom PostgreSQL names when given', async () => {
    let json = withChange(minimalConfiguration(), 'solution.postgres', {
      databasePrefix: 'oracle',
      rolePrefix: 'oracle_role',
      passwords: [1, 2, 3, 4, 5].map((i) => ({ env: `DB_PASSWORD_${i}` })),
    });
    json = withChange(json, 'solution.nodes.keystorePassword', { env: 'KEYSTORE' });
    const env = {
      DB_PASSWORD_1: 'p1',
      DB_PASSWORD_2: 'p2',
      DB_PASSWORD_3: 'p3',
      DB_PASSWORD_4: 'p4',
      DB_PASSWORD_5: 'p5',
      KEYSTORE: 'k',
    };
    const cfg = await configuration(json, env);

    const { database, keys } = selectNodeConfig(cfg, 4);

    expect(database).toMatchObject({
      name: 'oracle_4',
      role: 'oracle_role_4',
      password: { origin: 'configuration' },
    });
    expect(database.password.origin === 'configuration' && database.password.secret.reveal()).toBe('p4');
    expect(keys.password.origin === 'configuration' && keys.password.secret).toBeInstanceOf(Secret);
  });

  it("loads a Chainlink deployment's keys with the chainlink layout, the configured password and no generated one", async () => {
    let json = withChange(minimalConfiguration(), 'solution.nodes.keys', { layout: 'chainlink' });
    json = withChange(json, 'solution.nodes.keystorePassword', { env: 'CHAINLINK_KEYSTORE_PASSWORD' });
    const cfg = await configuration(json, { CHAINLINK_KEYSTORE_PASSWORD: 'exported with this' });

    const node = selectNodeConfig(cfg, 2);

    expect(node.keys).toMatchObject({
      layout: 'chainlink',
      dir: '/sp/secrets/cl-secrets/2',
      evmKeyFile: '/sp/secrets/cl-secrets/2/evm_key.json',
      p2pKeyFile: '/sp/secrets/cl-secrets/2/p2p_key.json',
      ocrKeyFile: '/sp/secrets/cl-secrets/2/ocr_key.json',
      password: { origin: 'configuration' },
    });
    expect(node.keys.password.origin === 'configuration' && node.keys.password.secret.reveal()).toBe(
      'exported with this',
    );
    expect(node.peers[0]?.p2pKeyFile).toBe('/sp/secrets/cl-secrets/1/p2p_key.json');
    // The database password is still generated beside the sealed layout's keys.
    expect(node.database.password).toEqual({ origin: 'generated', file: '/sp/secrets/nodes/2/db-password' });

    json = withChange(json, 'solution.nodes.keys', { layout: 'chainlink', dir: '/sp/secrets/go-nodes' });
    const absolute = await configuration(json, { CHAINLINK_KEYSTORE_PASSWORD: 'x' });
    expect(selectNodeConfig(absolute, 3).keys.ocrKeyFile).toBe('/sp/secrets/go-nodes/3/ocr_key.json');
  });

  it('dials loopback when the aggregator listens on every interface', async () => {
    const cfg = await configuration(
      withChange(minimalConfiguration(), 'solution.priceAggregatorConfig.host', '0.0.0.0'),
    );
    expect(selectNodeConfig(cfg, 2).priceAggregatorUrl).toBe('http://127.0.0.1:3000');
    const ipv6 = await configuration(
      withChange(minimalConfiguration(), 'solution.priceAggregatorConfig.host', '::'),
    );
    expect(selectNodeConfig(ipv6, 2).priceAggregatorUrl).toBe('http://[::1]:3000');
  });

  it.each([0, 6, 2.5, -1])('refuses node index %s', async (index) => {
    const cfg = await configuration(minimalConfiguration());
    expect(() => selectNodeConfig(cfg, index)).toThrow(RangeError);
  });

  it('returns a frozen slice', async () => {
    const node = selectNodeConfig(await configuration(minimalConfiguration()), 2);
    expect(Object.isFrozen(node.peers[0])).toBe(true);
  });
});

describe('selectAggregatorConfig', () => {
  it("returns the aggregator's slice", async () => {
    const cfg = await configuration(
      withChange(minimalConfiguration(), 'solution.priceAggregatorConfig.port', 3100),
    );
    const slice = selectAggregatorConfig(cfg);
    expect(slice.port).toBe(3100);
    expect(Object.isFrozen(slice)).toBe(true);
  });

  it("makes every feed's pair a configured pair over exactly the feed's sources and symbols", async () => {
    let json = withChange(minimalConfiguration(), 'solution.feeds', [
      { name: 'BTC / USD', pair: 'BTC/USD', decimals: 8 },
      {
        name: 'LINK / USD',
        pair: 'LINK/USD',
        decimals: 8,
        sources: [
          { source: 'binance', symbol: 'LINK/USDT' },
          'coinbase',
          { source: 'kraken', symbol: 'LINK/USD' },
        ],
      },
      { name: 'ETH / USD', pair: 'ETH/USD', decimals: 8, sources: ['okx', 'kraken'] },
    ]);
    json = withChange(json, 'solution.priceAggregatorConfig.pairs', [
      { pair: 'ETH/USD', sources: ['kraken', 'okx'], minSources: 2 },
    ]);
    const slice = selectAggregatorConfig(await configuration(json));

    const byPair = new Map(slice.pairs.map((entry) => [entry.pair, entry]));
    expect(byPair.get('LINK/USD')?.sources).toEqual([
      { source: 'binance', symbol: 'LINK/USDT' },
      'coinbase',
      'kraken',
    ]);
    // A pair with its own entry keeps it (the validation makes sure the feed agrees).
    expect(byPair.get('ETH/USD')).toEqual({ pair: 'ETH/USD', sources: ['kraken', 'okx'], minSources: 2 });
    // A feed without sources observes every enabled source.
    expect(byPair.get('BTC/USD')?.sources).toContain('binance');
    expect(byPair.get('BTC/USD')?.sources).not.toContain('finnhub');
    expect(slice.pairs).toHaveLength(3);
  });
});

describe('selectProcessMetricsConfig', () => {
  const push = {
    enabled: true,
    url: 'https://vm.example.com/api/v1/import/prometheus',
    basicAuth: { username: 'u', password: { env: 'METRICS_PASSWORD' } },
    jobName: 'price-aggregator',
    intervalMs: 30_000,
    groupingLabels: { env: 'prod' },
  };

  it('pushes where the aggregator pushes, under its own job name and interval', async () => {
    const json = withChange(minimalConfiguration(), 'solution.priceAggregatorConfig.metricsPush', push);
    const cfg = await configuration(json, { METRICS_PASSWORD: 'pw' });

    const pm = selectProcessMetricsConfig(cfg);

    expect(pm).toMatchObject({
      intervalMs: 5_000,
      host: '127.0.0.1',
      port: 3003,
      servicesRefreshMs: 60_000,
      maxSampleFailures: 12,
    });
    expect(pm.push).toMatchObject({
      enabled: true,
      url: push.url,
      jobName: 'process-metrics',
      intervalMs: 5_000,
      groupingLabels: { env: 'prod' },
      ttlSeconds: 3_600,
    });
    expect(pm.push.basicAuth?.password.reveal()).toBe('pw');
  });

  it('uses its own push block when it has one', async () => {
    let json = withChange(minimalConfiguration(), 'solution.priceAggregatorConfig.metricsPush', push);
    json = withChange(json, 'solution.processMetrics', {
      intervalMs: 10_000,
      jobName: 'pm',
      push: { enabled: true, targets: [{ format: 'pushgateway', url: 'http://127.0.0.1:9091' }] },
    });
    const cfg = await configuration(json, { METRICS_PASSWORD: 'pw' });

    const pm = selectProcessMetricsConfig(cfg);

    expect(pm.push).toMatchObject({
      enabled: true,
      jobName: 'pm',
      intervalMs: 10_000,
      targets: [{ format: 'pushgateway', url: 'http://127.0.0.1:9091' }],
    });
    expect(pm.push.url).toBeUndefined();
    expect(pm.push.basicAuth).toBeUndefined();
  });
});
