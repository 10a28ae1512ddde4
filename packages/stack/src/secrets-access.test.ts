import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfiguration, type ValidatedConfiguration } from '@oracle/config';
import { grantSecretAccess, secretFiles } from './secrets-access.js';

function configuration(secretsDir: string, nodes: object = {}): ValidatedConfiguration {
  const result = validateConfiguration({
    solution: {
      totalNodes: 5,
      spSecretsDir: secretsDir,
      chainlinkChainId: 31337,
      chainlinkRpcHttpUrl: 'http://127.0.0.1:8545',
      faucetPrivateKey: { file: 'faucet/key' },
      postgres: { passwords: [1, 2, 3, 4, 5].map((i) => ({ file: `db/${i}` })) },
      nodes: { keystorePassword: { env: 'KEYSTORE_PASSWORD' }, ...nodes },
      priceAggregatorConfig: {
        metricsPush: {
          enabled: true,
          url: 'https://metrics.example.com/api/v1/import/prometheus',
          basicAuth: { username: 'u', password: { file: 'push' } },
        },
        sources: {
          cryptocompare: { apiKey: { file: 'api-keys/cryptocompare' } },
          finnhub: { enabled: false },
          alphavantage: { enabled: false },
        },
      },
      feeds: [{ name: 'BTC / USD', pair: 'BTC/USD', decimals: 8 }],
    },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

describe('secret access', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'secrets-access-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const cfg = configuration(dir);

  it('knows which service users read each secret file', () => {
    const users = Object.fromEntries(secretFiles(cfg).map((s) => [s.path, s.users.join(',')]));
    expect(users).toEqual({
      'solution.faucetPrivateKey': 'oracle-node',
      'solution.postgres.passwords[0]': 'oracle-node',
      'solution.postgres.passwords[4]': 'oracle-node',
      'solution.postgres.passwords[1]': 'oracle-node',
      'solution.postgres.passwords[2]': 'oracle-node',
      'solution.postgres.passwords[3]': 'oracle-node',
      'solution.priceAggregatorConfig.metricsPush.basicAuth.password':
        'oracle-node,price-aggregator,process-metrics',
      'solution.priceAggregatorConfig.sources.cryptocompare.apiKey': 'price-aggregator',
    });
  });

  it("makes each file 0640 with its readers' group, and its directories searchable", async () => {
    for (const file of [
      'faucet/key',
      'push',
      'api-keys/cryptocompare',
      ...[1, 2, 3, 4, 5].map((i) => `db/${i}`),
    ]) {
      await mkdir(join(dir, file, '..'), { recursive: true, mode: 0o700 });
      await writeFile(join(dir, file), 'secret\n', { mode: 0o600 });
    }
    const gid = process.getgid?.() ?? 0;
    const asked: string[] = [];
    const lines = await grantSecretAccess(cfg, (group) => (asked.push(group), gid));
    expect(new Set(asked)).toEqual(new Set(['oracle-node', 'metrics-push', 'price-aggregator']));
    expect(lines).toContain(
      'solution.priceAggregatorConfig.metricsPush.basicAuth.password: readable by oracle-node, price-aggregator, process-metrics (group metrics-push)',
    );
    expect((await stat(join(dir, 'api-keys/cryptocompare'))).mode & 0o777).toBe(0o640);
    expect((await stat(join(dir, 'api-keys'))).mode & 0o777).toBe(0o701);
    await expect(
      grantSecretAccess(cfg, (group) => (group === 'metrics-push' ? undefined : gid)),
    ).rejects.toThrow(
      'solution.priceAggregatorConfig.metricsPush.basicAuth.password: no group gives oracle-node and price-aggregator and process-metrics access',
    );
  });

  it("gives the nodes a Chainlink deployment's key files with the chainlink key layout, and names a missing one", async () => {
    const chainlink = configuration(dir, { keys: { layout: 'chainlink' } });
    const keyFiles = secretFiles(chainlink).filter((s) => s.path.startsWith('solution.nodes.keys'));
    expect(keyFiles).toHaveLength(15);
    expect(keyFiles[4]).toEqual({
      path: 'solution.nodes.keys (node 2)',
      file: join(dir, 'cl-secrets/2/p2p_key.json'),
      users: ['oracle-node'],
    });
    expect(secretFiles(cfg).filter((s) => s.path.startsWith('solution.nodes.keys'))).toEqual([]);

    const gid = process.getgid?.() ?? 0;
    await expect(grantSecretAccess(chainlink, () => gid)).rejects.toThrow(
      `solution.nodes.keys (node 1): ${join(dir, 'cl-secrets/1/evm_key.json')} does not exist`,
    );
    for (const { file } of keyFiles) {
      await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
      await writeFile(file, '{}', { mode: 0o600 });
    }
    const lines = await grantSecretAccess(chainlink, () => gid);
    expect(lines).toContain('solution.nodes.keys (node 5): readable by oracle-node (group oracle-node)');
    expect((await stat(join(dir, 'cl-secrets/3/ocr_key.json'))).mode & 0o777).toBe(0o640);
    expect((await stat(join(dir, 'cl-secrets/3'))).mode & 0o777).toBe(0o701);
  });
});
