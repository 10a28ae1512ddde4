import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSigningKeys, parseSigningPrivateKey, signSolution } from '../src/configuration-signature.js';

// Runs the built CLI (npm run test:int builds first), as the config-validate oneshot does.
const CLI = fileURLToPath(new URL('../dist/cli/validate-config.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../configuration.example.json', import.meta.url));

const FAUCET_KEY = '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba';
const KEYSTORE_PASSWORD = 'keystore-password-for-the-cli-test';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'validate-config-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The example, pointed at a secrets directory in the temp dir holding every file it references. */
async function writeExample(
  change: (solution: Record<string, unknown>) => void = () => undefined,
): Promise<string> {
  const config = JSON.parse(await readFile(EXAMPLE, 'utf8')) as { solution: Record<string, unknown> };
  config.solution.spSecretsDir = join(dir, 'secrets');
  change(config.solution);
  for (const [file, value] of [
    ['faucet/private-key', FAUCET_KEY],
    ['metrics/password', 'metrics-password'],
    ['api-keys/cryptocompare', 'cryptocompare-key'],
    ['api-keys/exchangerate-host', 'exchangerate-key'],
  ] as const) {
    const path = join(dir, 'secrets', file);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, `${value}\n`);
  }
  const path = join(dir, 'configuration.json');
  await writeFile(path, JSON.stringify(config));
  return path;
}

describe('validate-config', () => {
  it('prints a one-line summary and exits 0 for a valid configuration', async () => {
    const path = await writeExample();

    const { code, stdout, stderr } = run([path], { ORACLE_KEYSTORE_PASSWORD: KEYSTORE_PASSWORD });

    expect(stderr).toBe('');
    expect(stdout).toBe(
      `${path} is valid: 5 nodes (1 bootstrap, 4 oracles, f = 1), 4 feeds, 11 enabled sources: ` +
        'binance, okx, coingecko, kraken, coinbase, cryptocompare, exchangerate-host, frankfurter, yahoofinance, kucoin, bybit\n',
    );
    expect(code).toBe(0);
  });

  it('reads $CONFIG_PATH when no path is given', async () => {
    const path = await writeExample();

    const { code, stdout } = run([], { CONFIG_PATH: path, ORACLE_KEYSTORE_PASSWORD: KEYSTORE_PASSWORD });

    expect(stdout).toMatch(/is valid: 5 nodes/);
    expect(code).toBe(0);
  });

  it('prints every problem as "<json path>: <message>" and exits 1, without secrets', async () => {
    const path = await writeExample((solution) => {
      solution.totalNodes = '5';
      solution.faucetPrivateKey = FAUCET_KEY;
      solution.typo = true;
    });

    const { code, stdout, stderr } = run([path], { ORACLE_KEYSTORE_PASSWORD: KEYSTORE_PASSWORD });

    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n').sort()).toEqual([
      'solution.faucetPrivateKey: a secret cannot be written in the file in clear: put it in a file under spSecretsDir and write {"file": "<path>"}, or use {"env": "<VARIABLE>"}',
      'solution.totalNodes: expected a number, got a string: write it without quotes',
      'solution.typo: unknown key',
    ]);
    expect(stderr).not.toContain(FAUCET_KEY);
    expect(code).toBe(1);
  });

  it('refuses a proxy password in clear and a secret file outside spSecretsDir, naming each field', async () => {
    const path = await writeExample((solution) => {
      const aggregator = solution.priceAggregatorConfig as Record<string, unknown>;
      aggregator.proxy = 'http://egress:pr0xy-pa55w0rd@proxy.example.com:3128';
      solution.faucetPrivateKey = { file: '/etc/shadow' };
    });

    const { code, stdout, stderr } = run([path], { ORACLE_KEYSTORE_PASSWORD: KEYSTORE_PASSWORD });

    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n').sort()).toEqual([
      `solution.faucetPrivateKey.file: "/etc/shadow" is outside spSecretsDir (${join(dir, 'secrets')}): secret files must lie under it; give the path relative to it`,
      'solution.priceAggregatorConfig.proxy: a proxy URL must not hold credentials in clear: put the whole URL (with user and password) in a file under spSecretsDir and write {"file": "<path>"}, or use {"env": "<VARIABLE>"}',
    ]);
    expect(stderr).not.toContain('pr0xy-pa55w0rd');
    expect(code).toBe(1);
  });

  it('names a missing secret by path and variable, never printing the others', async () => {
    const path = await writeExample();

    const { code, stderr } = run([path]);

    expect(stderr).toBe(
      'solution.nodes.keystorePassword: environment variable ORACLE_KEYSTORE_PASSWORD is not set\n',
    );
    expect(code).toBe(1);
  });

  it('locates a JSON syntax error', async () => {
    const path = join(dir, 'configuration.json');
    await writeFile(path, '{\n  "solution": {\n    "totalNodes": 5,\n  }\n}\n');

    const { code, stderr } = run([path]);

    expect(stderr).toBe(
      '(file): invalid JSON at line 4, column 3: expected a property name in double quotes\n',
    );
    expect(code).toBe(1);
  });

  it('reports a file that cannot be read', () => {
    const path = join(dir, 'missing.json');

    const { code, stderr } = run([path]);

    expect(stderr).toBe(`(file): cannot read ${path} (ENOENT)\n`);
    expect(code).toBe(1);
  });
});

describe('validate-config --offline (where the configuration is prepared and signed)', () => {
  const keys = generateSigningKeys();
  const summary = (path: string) =>
    `${path} is valid: 5 nodes (1 bootstrap, 4 oracles, f = 1), 4 feeds, 11 enabled sources: ` +
    'binance, okx, coingecko, kraken, coinbase, cryptocompare, exchangerate-host, frankfurter, yahoofinance, kucoin, bybit';

  it('checks configuration.example.json without its secrets and lists what the container must provide', () => {
    const { code, stdout, stderr } = run(['--offline', EXAMPLE]);

    expect(stderr).toBe('');
    expect(stdout).toBe(
      [
        summary(EXAMPLE),
        'secrets not read (--offline); the container must provide 5:',
        '  solution.faucetPrivateKey: file /sp/secrets/faucet/private-key',
        '  solution.nodes.keystorePassword: environment variable ORACLE_KEYSTORE_PASSWORD',
        '  solution.priceAggregatorConfig.metricsPush.basicAuth.password: file /sp/secrets/metrics/password',
        '  solution.priceAggregatorConfig.sources.cryptocompare.apiKey: file /sp/secrets/api-keys/cryptocompare',
        '  solution.priceAggregatorConfig.sources.exchangeratehost.apiKey: file /sp/secrets/api-keys/exchangerate-host',
        '',
      ].join('\n'),
    );
    expect(code).toBe(0);
  });

  it('verifies the signature whenever CONFIGURATION_PUBLIC_KEY is set, and refuses one changed byte in one line', async () => {
    const config = JSON.parse(await readFile(EXAMPLE, 'utf8')) as { solution: Record<string, unknown> };
    config.solution.signature = signSolution(config.solution, parseSigningPrivateKey(keys.privateKeyPem));
    const path = join(dir, 'signed.json');
    const text = JSON.stringify(config, null, 2);
    await writeFile(path, text);
    const env = { CONFIGURATION_PUBLIC_KEY: keys.publicKeyBase64 };

    const signed = run(['--offline', path], env);
    expect(signed.stdout).toContain(
      `${summary(path)}\nsolution.signature: verified against CONFIGURATION_PUBLIC_KEY\n`,
    );
    expect(signed.code).toBe(0);
    expect(run(['--offline', path]).stdout).toContain(
      'solution.signature: not checked (set CONFIGURATION_PUBLIC_KEY to check it)',
    );

    await writeFile(path, text.replace('"BTC / USD"', '"BTC / USE"'));
    const changed = run(['--offline', path], env);
    expect(changed.stdout).toBe('');
    expect(changed.stderr).toMatch(
      /^solution\.signature: does not match: the configuration changed after it was signed, or it was signed with another key than CONFIGURATION_PUBLIC_KEY's \(hash of the signed content: [0-9a-f]{64}\)\n$/,
    );
    expect(changed.code).toBe(1);
  });

  it('says what is wrong with an unusable CONFIGURATION_PUBLIC_KEY', () => {
    const { code, stdout, stderr } = run(['--offline', EXAMPLE], { CONFIGURATION_PUBLIC_KEY: 'c2VjcmV0' });

    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^CONFIGURATION_PUBLIC_KEY is not a public key: expected the base64 of a DER \(SubjectPublicKeyInfo\) EC secp256k1 key/,
    );
    expect(code).toBe(1);
  });

  it('refuses an unknown option with its usage', () => {
    const { code, stderr } = run(['--offlin', EXAMPLE]);

    expect(stderr).toContain('usage: validate-config [--offline] [configuration.json]');
    expect(code).toBe(2);
  });
});
