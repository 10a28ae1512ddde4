/**
 * A configuration the tree cannot use starts nothing, and says why by JSON path: through the
 * s6-runner CLI (as `npm start` and the Debian-s6 image run it) and with a signing key in the image.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OVERLAY, REPO, prepareTree, processesUnder, type Tree } from './service-tree-fixture.js';

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const runnerCli = (tree: Tree, env: Record<string, string> = {}): Promise<Outcome> =>
  run(
    process.execPath,
    [
      join(REPO, 'packages/s6-runner/dist/cli.js'),
      'up',
      '--overlay',
      OVERLAY,
      '--run-dir',
      join(tree.dir, 'run'),
    ],
    {
      ...tree.env,
      ...env,
    },
  );

const signConfig = (args: readonly string[]): Promise<Outcome> =>
  run(process.execPath, [join(REPO, 'packages/stack/dist/cli/sign-config.js'), ...args], process.env);

async function expectNothingStarted(tree: Tree): Promise<void> {
  expect(existsSync(tree.env.PGDATA ?? '')).toBe(false);
  expect(existsSync(join(tree.dir, 'secrets/nodes'))).toBe(false);
  expect(await tree.events()).toEqual([]);
  expect(processesUnder(tree.dir)).toEqual([]);
}

describe('a configuration that cannot be used', () => {
  let tree: Tree | undefined;
  afterEach(() => tree?.remove());

  it('starts nothing and names every problem by path', async () => {
    tree = await prepareTree({
      solution: { feeds: [{ name: 'BTC / USD', pair: 'BTCUSD', decimals: 8 }], maxRestarts: '3' },
    });
    const { code, stderr } = await runnerCli(tree);
    expect(code).toBe(1);
    expect(stderr).toMatch(/stage2-hook: +solution\.feeds\[0\]\.pair: .*BASE\/QUOTE/);
    expect(stderr).toContain(
      'solution.maxRestarts: expected a number, got a string: write it without quotes',
    );
    expect(stderr).toContain('the stage-2 hook failed (exit code 1); nothing was started');
    await expectNothingStarted(tree);
  });

  it('starts nothing when a referenced secret is missing', async () => {
    tree = await prepareTree({ solution: { faucetPrivateKey: { file: 'faucet/private-key' } } });
    const { code, stderr } = await runnerCli(tree);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /config-validate: +solution\.faucetPrivateKey: secret file .*faucet\/private-key does not exist/,
    );
    expect(stderr).toContain('oneshot config-validate failed (exit code 1)');
    await expectNothingStarted(tree);
  });

  it('with a public key in the image, runs only configurations signed by its private key', async () => {
    tree = await prepareTree();
    const key = join(tree.dir, 'signing-key.pem');
    const keygen = await signConfig(['keygen', '--private-key', key]);
    expect(keygen.code).toBe(0);
    const image = { CONFIGURATION_PUBLIC_KEY: keygen.stdout.trim() };

    const unsigned = await runnerCli(tree, image);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toMatch(/config-validate: +solution\.signature: required/);
    await expectNothingStarted(tree);

    expect((await signConfig(['sign', '--private-key', key, tree.configPath])).code).toBe(0);
    const signed = await readFile(tree.configPath, 'utf8');
    // The platform's scheme: base64 of a DER ECDSA signature (SEQUENCE, 0x30: "M" then "E").
    expect(signed).toMatch(/"signature": "ME[A-Za-z0-9+/]{90,94}={0,2}"/);
    await writeFile(tree.configPath, signed.replace('"maxRestarts": 2', '"maxRestarts": 9'));
    const tampered = await runnerCli(tree, image);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/config-validate: +solution\.signature: does not match/);
    await expectNothingStarted(tree);

    await writeFile(tree.configPath, signed);
    const check = await run(process.execPath, [join(REPO, 'packages/stack/dist/cli/config-validate.js')], {
      ...tree.env,
      ...image,
    });
    expect(check.stderr).toContain('signature verified');
    expect(check.code).toBe(0);
  });

  it('with a public key in the image that is not a usable key, starts nothing and says so', async () => {
    tree = await prepareTree();
    const { code, stderr } = await runnerCli(tree, { CONFIGURATION_PUBLIC_KEY: 'bm90IGEga2V5' });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /config-validate: +CONFIGURATION_PUBLIC_KEY is not a public key: expected the base64 of a DER/,
    );
    await expectNothingStarted(tree);
  });

  it('sign-config refuses to sign a configuration that fails the offline check, leaving it as it was', async () => {
    tree = await prepareTree({ solution: { maxRestarts: '3', feeds: [] } });
    const key = join(tree.dir, 'signing-key.pem');
    expect((await signConfig(['keygen', '--private-key', key])).code).toBe(0);
    const before = await readFile(tree.configPath, 'utf8');

    const { code, stderr } = await signConfig(['sign', '--private-key', key, tree.configPath]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `sign-config: nothing signed. Configuration ${tree.configPath} cannot be used (2 problems):`,
    );
    expect(stderr).toContain(
      'solution.maxRestarts: expected a number, got a string: write it without quotes',
    );
    expect(stderr).toMatch(/solution\.feeds: /);
    expect(await readFile(tree.configPath, 'utf8')).toBe(before);
  });
});
