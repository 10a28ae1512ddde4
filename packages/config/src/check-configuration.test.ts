import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfiguration } from './check-configuration.js';
import {
  generateSigningKeys,
  parseSigningPrivateKey,
  SigningKeyError,
  signSolution,
} from './configuration-signature.js';
import { ConfigurationError, type ConfigurationProblem } from './problems.js';

const EXAMPLE = fileURLToPath(new URL('../../../configuration.example.json', import.meta.url));

/** What configuration.example.json references, and where the container finds it. */
const EXAMPLE_SECRETS = [
  { path: 'solution.faucetPrivateKey', file: '/sp/secrets/faucet/private-key' },
  { path: 'solution.nodes.keystorePassword', env: 'ORACLE_KEYSTORE_PASSWORD' },
  {
    path: 'solution.priceAggregatorConfig.metricsPush.basicAuth.password',
    file: '/sp/secrets/metrics/password',
  },
  {
    path: 'solution.priceAggregatorConfig.sources.cryptocompare.apiKey',
    file: '/sp/secrets/api-keys/cryptocompare',
  },
  {
    path: 'solution.priceAggregatorConfig.sources.exchangeratehost.apiKey',
    file: '/sp/secrets/api-keys/exchangerate-host',
  },
];

async function problemsOf(promise: Promise<unknown>): Promise<readonly ConfigurationProblem[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConfigurationError))
    throw new Error(`expected a ConfigurationError, got ${String(error)}`);
  return error.problems;
}

describe('checkConfiguration', () => {
  let dir: string;
  const keys = generateSigningKeys();
  const privateKey = parseSigningPrivateKey(keys.privateKeyPem);
  const withKey = { CONFIGURATION_PUBLIC_KEY: keys.publicKeyBase64 };

  /** The example with `change` applied to its solution, written to a file. */
  async function write(
    change: (solution: Record<string, unknown>) => void = () => undefined,
  ): Promise<string> {
    const config = JSON.parse(await readFile(EXAMPLE, 'utf8')) as { solution: Record<string, unknown> };
    change(config.solution);
    const path = join(dir, `configuration-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(path, JSON.stringify(config, null, 2));
    return path;
  }
  const sign = (solution: Record<string, unknown>) => {
    solution.signature = signSolution(solution, privateKey);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'check-configuration-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('offline, checks configuration.example.json without its secrets and lists them', async () => {
    const checked = await checkConfiguration({ path: EXAMPLE, offline: true, env: {} });
    expect(checked.secretsRead).toBe(false);
    expect(checked.signature).toBe('unchecked');
    expect(checked.secrets).toEqual(EXAMPLE_SECRETS);
    expect(checked.configuration.solution.totalNodes).toBe(5);
  });

  it('online, names every secret the example needs and this machine lacks', async () => {
    const secretsDir = join(dir, 'no-secrets-here');
    const path = await write((solution) => {
      solution.spSecretsDir = secretsDir;
    });
    expect(await problemsOf(checkConfiguration({ path, env: {} }))).toEqual(
      EXAMPLE_SECRETS.map(({ path, file, env }) => ({
        path,
        message: env
          ? `environment variable ${env} is not set`
          : `secret file ${file?.replace('/sp/secrets', secretsDir)} does not exist`,
      })),
    );
  });

  it('offline still refuses what the schema refuses, with the missing signature', async () => {
    const path = await write((solution) => {
      solution.totalNodes = '5';
    });
    expect(await problemsOf(checkConfiguration({ path, offline: true, env: withKey }))).toEqual([
      { path: 'solution.totalNodes', message: 'expected a number, got a string: write it without quotes' },
      {
        path: 'solution.signature',
        message:
          'required: this image only starts configurations signed for its CONFIGURATION_PUBLIC_KEY (sign-config sign)',
      },
    ]);
  });

  it('with CONFIGURATION_PUBLIC_KEY set, verifies the signature; empty means no key', async () => {
    const path = await write(sign);
    expect((await checkConfiguration({ path, offline: true, env: withKey })).signature).toBe('verified');
    for (const empty of ['', '  \n']) {
      const checked = await checkConfiguration({
        path,
        offline: true,
        env: { CONFIGURATION_PUBLIC_KEY: empty },
      });
      expect(checked.signature).toBe('unchecked');
    }
  });

  it('reads no secret of a configuration whose signature fails', async () => {
    const path = await write((solution) => {
      sign(solution);
      solution.maxRestarts = 4;
    });
    const problems = await problemsOf(checkConfiguration({ path, env: withKey }));
    expect(problems.map((problem) => problem.path)).toEqual(['solution.signature']);
    expect(problems[0]?.message).toMatch(/^does not match: the configuration changed after it was signed/);
  });

  it('refuses an unusable CONFIGURATION_PUBLIC_KEY before reading anything', async () => {
    const check = checkConfiguration({
      path: join(dir, 'absent.json'),
      env: { CONFIGURATION_PUBLIC_KEY: 'not-a-key' },
    });
    await expect(check).rejects.toThrow(SigningKeyError);
    await expect(check).rejects.toThrow(/^CONFIGURATION_PUBLIC_KEY is not a public key/);
  });
});
