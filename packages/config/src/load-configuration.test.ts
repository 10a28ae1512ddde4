import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { minimalConfiguration, withChange } from './fixtures/minimal-configuration.js';
import { configurationPath, loadConfiguration, type Configuration } from './load-configuration.js';
import { ConfigurationError } from './problems.js';
import { Secret, UnloadedSecret } from './secret.js';
import { AGGREGATOR_SECRETS, nodeSecrets } from './selectors.js';

const EXAMPLE_PATH = fileURLToPath(new URL('../../../configuration.example.json', import.meta.url));

const SECRETS = {
  faucet: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  cryptocompare: 'cc-api-key-7f3a9',
  exchangerate: 'erh-api-key-1b2c',
  metrics: 'metrics-password-q8w7',
  keystore: 'keystore-password-z5x4',
};

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oracle-config-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeJson(value: object, name = 'configuration.json'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(value, null, 2));
  return path;
}

/** The example configuration with its secrets directory in the temp dir and every secret in place. */
async function exampleSetup(): Promise<{ path: string; env: Record<string, string> }> {
  const example = JSON.parse(await readFile(EXAMPLE_PATH, 'utf8')) as { solution: Record<string, unknown> };
  const secretsDir = join(dir, 'secrets');
  example.solution.spSecretsDir = secretsDir;
  // An absolute reference works as long as it lies under spSecretsDir (one outside is refused).
  const metricsPasswordFile = join(secretsDir, 'metrics', 'password');
  const withAbsoluteMetricsPassword = withChange(
    example,
    'solution.priceAggregatorConfig.metricsPush.basicAuth.password',
    { file: metricsPasswordFile },
  );
  for (const [file, value] of [
    [join(secretsDir, 'faucet/private-key'), `${SECRETS.faucet}\n`],
    [join(secretsDir, 'api-keys/cryptocompare'), SECRETS.cryptocompare],
    [join(secretsDir, 'api-keys/exchangerate-host'), `${SECRETS.exchangerate}\r\n`],
    [metricsPasswordFile, SECRETS.metrics],
  ] as const) {
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, value);
  }
  return {
    path: await writeJson(withAbsoluteMetricsPassword),
    env: { ORACLE_KEYSTORE_PASSWORD: SECRETS.keystore },
  };
}

async function loadError(options: Parameters<typeof loadConfiguration>[0]): Promise<ConfigurationError> {
  const error = await loadConfiguration(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigurationError);
  return error as ConfigurationError;
}

describe('loadConfiguration', () => {
  it('loads the example, resolving every secret reference into a Secret', async () => {
    const cfg = await loadConfiguration(await exampleSetup());
    const s = cfg.solution;
    const sources = s.priceAggregatorConfig.sources;

    expect(s.faucetPrivateKey).toBeInstanceOf(Secret);
    expect(s.faucetPrivateKey?.reveal()).toBe(SECRETS.faucet);
    expect(sources.cryptocompare.apiKey?.reveal()).toBe(SECRETS.cryptocompare);
    expect(sources.exchangeratehost.apiKey?.reveal()).toBe(SECRETS.exchangerate);
    expect(s.priceAggregatorConfig.metricsPush.basicAuth?.password.reveal()).toBe(SECRETS.metrics);
    expect(s.nodes.keystorePassword?.reveal()).toBe(SECRETS.keystore);
    expect(sources.binance.apiKey).toBeUndefined();
    expect(s.priceAggregatorConfig.metricsPush.groupingLabels).toEqual({ network: 'opbnb-testnet' });
  });

  it('returns a deeply frozen configuration', async () => {
    const cfg = await loadConfiguration(await exampleSetup());

    expect(Object.isFrozen(cfg)).toBe(true);
    expect(Object.isFrozen(cfg.solution.feeds[2]?.sources)).toBe(true);
    expect(Object.isFrozen(cfg.solution.priceAggregatorConfig.sources.binance.stream)).toBe(true);
    expect(() => {
      (cfg.solution as { totalNodes: number }).totalNodes = 9;
    }).toThrow(TypeError);
  });

  it('never shows a secret when the configuration is printed', async () => {
    const cfg: Configuration = await loadConfiguration(await exampleSetup());
    const printed = [
      JSON.stringify(cfg, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
      inspect(cfg, { depth: Infinity }),
      String(cfg.solution.faucetPrivateKey),
      `${cfg.solution.nodes.keystorePassword}`,
    ].join('\n');

    for (const secret of Object.values(SECRETS)) expect(printed).not.toContain(secret);
    expect(printed).toContain('[redacted]');
  });

  it('reads CONFIG_PATH when no path is given, else /sp/configurations/configuration.json', async () => {
    const { path, env } = await exampleSetup();
    const cfg = await loadConfiguration({ env: { ...env, CONFIG_PATH: path } });

    expect(cfg.solution.totalNodes).toBe(5);
    expect(configurationPath({ env: {} })).toBe('/sp/configurations/configuration.json');
    expect(configurationPath({ env: { CONFIG_PATH: '/x.json' }, path: '/y.json' })).toBe('/y.json');
  });

  it('reports a missing file', async () => {
    const path = join(dir, 'absent.json');
    const error = await loadError({ path, env: {} });

    expect(error.problems).toEqual([{ path: '', message: `cannot read ${path} (ENOENT)` }]);
    expect(error.message).toBe(
      `Configuration ${path} cannot be used (1 problem):\n  (file): cannot read ${path} (ENOENT)`,
    );
  });

  it('reports invalid JSON with line and column, without quoting the file', async () => {
    const path = join(dir, 'configuration.json');
    await writeFile(
      path,
      '{\n  "solution": {\n    "faucetPrivateKey": "hunter2-in-clear"\n    "totalNodes": 5\n  }\n}\n',
    );

    const error = await loadError({ path, env: {} });

    expect(error.problems).toEqual([
      { path: '', message: "invalid JSON at line 4, column 5: expected ',' or '}' after the property value" },
    ]);
    expect(error.message).not.toContain('hunter2');
  });

  it('lists every unresolvable secret with its JSON path and the file or variable, never a value', async () => {
    const { path, env } = await exampleSetup();
    const secretsDir = join(dir, 'secrets');
    await rm(join(secretsDir, 'api-keys/cryptocompare'));
    await writeFile(join(secretsDir, 'faucet/private-key'), '\n');

    const error = await loadError({ path, env: { ...env, ORACLE_KEYSTORE_PASSWORD: undefined } });

    expect(error.problems).toEqual([
      {
        path: 'solution.faucetPrivateKey',
        message: `secret file ${join(secretsDir, 'faucet/private-key')} is empty`,
      },
      {
        path: 'solution.nodes.keystorePassword',
        message: 'environment variable ORACLE_KEYSTORE_PASSWORD is not set',
      },
      {
        path: 'solution.priceAggregatorConfig.sources.cryptocompare.apiKey',
        message: `secret file ${join(secretsDir, 'api-keys/cryptocompare')} does not exist`,
      },
    ]);
    for (const secret of Object.values(SECRETS)) expect(error.message).not.toContain(secret);
  });

  it('reads only the secrets a process asks for, leaving the others unloaded', async () => {
    const { path } = await exampleSetup();
    await rm(join(dir, 'secrets/faucet/private-key'));

    const cfg = await loadConfiguration({ path, env: {}, secrets: AGGREGATOR_SECRETS });

    expect(cfg.solution.priceAggregatorConfig.sources.cryptocompare.apiKey?.reveal()).toBe(
      SECRETS.cryptocompare,
    );
    expect(cfg.solution.faucetPrivateKey).toBeInstanceOf(UnloadedSecret);
    expect(() => cfg.solution.faucetPrivateKey?.reveal()).toThrow(
      'secret solution.faucetPrivateKey was not loaded by this process',
    );
    expect(JSON.stringify(cfg.solution.nodes.keystorePassword)).toBe('"[redacted]"');
  });

  it('scopes a node to its own database password (passwords[1] does not cover passwords[10])', async () => {
    let config = withChange(minimalConfiguration(), 'solution.totalNodes', 11);
    config = withChange(
      config,
      'solution.postgres.passwords',
      Array.from({ length: 11 }, (_, i) => ({ env: `DB_PASSWORD_${i + 1}` })),
    );
    const path = await writeJson(config);

    const cfg = await loadConfiguration({ path, env: { DB_PASSWORD_2: 'two' }, secrets: nodeSecrets(2) });

    expect(cfg.solution.postgres.passwords?.[1]?.reveal()).toBe('two');
    expect(cfg.solution.postgres.passwords?.[10]).toBeInstanceOf(UnloadedSecret);
  });

  it('reports schema problems in a readable multi-line message', async () => {
    let config = withChange(minimalConfiguration(), 'solution.totalNodes', '5');
    config = withChange(config, 'solution.feeds.0.pair', 'BTCUSD');
    const path = await writeJson(config);

    const error = await loadError({ path, env: {} });

    expect(error.message.split('\n')).toEqual([
      `Configuration ${path} cannot be used (2 problems):`,
      '  solution.totalNodes: expected a number, got a string: write it without quotes',
      '  solution.feeds[0].pair: expected a pair "BASE/QUOTE", e.g. "BTC/USD"',
    ]);
  });
});
