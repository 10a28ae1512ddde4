import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateConfiguration } from '@oracle/config';
import { localConfiguration, type LocalStackEndpoints } from './local-configuration.js';

const example = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../configuration.example.json', import.meta.url)), 'utf8'),
) as Record<string, unknown>;

const endpoints: LocalStackEndpoints = {
  sourceUrls: (id) => ({ baseUrl: `http://127.0.0.1:8999/${id}`, wsUrl: `ws://127.0.0.1:8999/${id}` }),
  secretsDir: '/tmp/local/secrets',
  dataDir: '/tmp/local/nodes',
  postgresPort: 55432,
  rpcHttpUrl: 'http://127.0.0.1:8545',
  chainId: 1337,
};

function validated(json: Record<string, unknown>) {
  const result = validateConfiguration(json);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value.solution;
}

describe('localConfiguration', () => {
  it('is a valid configuration that pushes no metrics by default', () => {
    const s = validated(localConfiguration(example, endpoints));
    expect(s.priceAggregatorConfig.metricsPush.enabled).toBe(false);
    expect(s.priceAggregatorConfig.metricsPush.basicAuth).toBeUndefined();
  });

  it("drops the contracts of the example's chain: addresses, proxies and the admin helper", () => {
    const address = `0x${'12'.repeat(20)}`;
    const solution = example.solution as { feeds: Record<string, unknown>[] };
    const deployed = {
      ...example,
      solution: {
        ...solution,
        contracts: { flavour: 'superProtocol', adminCertificateHelper: address },
        feeds: solution.feeds.map((feed) => ({ ...feed, contractAddress: address, proxyAddress: address })),
      },
    };
    const s = validated(localConfiguration(deployed, endpoints));
    expect(s.contracts).toEqual({ flavour: 'superProtocol' });
    expect(s.feeds.every((feed) => !feed.contractAddress && !feed.proxyAddress)).toBe(true);
  });

  it('pushes every service to the given URL, as instance "local" in "development", every intervalMs', () => {
    const url = 'http://127.0.0.1:8428/api/v1/import/prometheus';
    const s = validated(
      localConfiguration(example, { ...endpoints, metricsPush: { url, intervalMs: 1_500 } }),
    );
    expect(s.priceAggregatorConfig.metricsPush).toMatchObject({
      enabled: true,
      url,
      intervalMs: 1_500,
      instance: 'local',
      environment: 'development',
    });
    expect(s.priceAggregatorConfig.metricsPush.basicAuth).toBeUndefined();
    // Process metrics has no push of its own: it pushes like the aggregator, on the same period.
    expect(s.processMetrics.push).toBeUndefined();
    expect(s.processMetrics.intervalMs).toBe(1_500);
  });
});
