import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { makeTempDir, type TempDir } from '@oracle/testing';
import { isAddress } from 'ethers';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  chainlinkKeyFiles,
  expectedPublic,
  randomNodeSecrets,
  writeChainlinkKeyFiles,
  type ChainlinkNodeSecrets,
} from '../../src/keys/fixtures/chainlink-key-writer.js';
import { readKeystorePassword } from '../../src/keys/keystore-password.js';
import { loadNodeKeys, nodeKeyPaths, type NodeKeys } from '../../src/keys/node-keys.js';

const CLI = fileURLToPath(new URL('../../dist/keys/cli.js', import.meta.url));
const PUBLIC_FIELDS = [
  'configPublicKey',
  'node',
  'offchainPublicKey',
  'onchainSigningAddress',
  'peerId',
  'transmitterAddress',
];

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): CliRun {
  const { status, stdout, stderr } = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status, stdout, stderr };
}

/** Every private value of a node as the strings that would betray it in output. */
async function secretsOf(dir: string, node: number, passphrase?: string): Promise<string[]> {
  const paths = nodeKeyPaths(dir, node);
  const pass = passphrase ?? (await readKeystorePassword(paths.keystorePasswordFile));
  const keys = await loadNodeKeys(paths, pass);
  const revealed = Object.values(keys.oracle.reveal()).map((hex) => hex.replace(/^0x/, ''));
  const p2p = Buffer.from(privateKeyToProtobuf(keys.p2pPrivateKey())).toString('hex');
  // The Ed25519 seed alone too (bytes 4..36 of the protobuf encoding).
  return [...revealed, p2p, p2p.slice(8, 72), pass];
}

function expectNoSecret(text: string, secrets: readonly string[]): void {
  const lower = text.toLowerCase();
  for (const secret of secrets) expect(lower).not.toContain(secret.toLowerCase());
}

async function modes(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    result[d] = ((await stat(d)).mode & 0o777).toString(8);
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else result[path] = ((await stat(path)).mode & 0o777).toString(8);
    }
  };
  await walk(dir);
  return result;
}

describe('node keys CLI', () => {
  let temp: TempDir;
  let secrets: string;

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`build first (npx tsc -b apps/node-runner): ${CLI} is missing`);
  });

  beforeEach(async () => {
    temp = await makeTempDir('keys');
    secrets = join(temp.path, 'secrets');
  });

  afterEach(async () => {
    await temp.remove();
  });

  it('generates 0600 files in 0700 directories and prints only the public keys', async () => {
    const run = cli(['generate', '--nodes', '5', '--out', secrets]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const printed = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(printed.map((p) => p.node)).toEqual([1, 2, 3, 4, 5]);
    for (const entry of printed) {
      expect(Object.keys(entry).sort()).toEqual(PUBLIC_FIELDS);
      expect(entry.peerId).toMatch(/^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/);
      expect(isAddress(entry.onchainSigningAddress)).toBe(true);
      expect(isAddress(entry.transmitterAddress)).toBe(true);
      expect(entry.offchainPublicKey).toMatch(/^0x[0-9a-f]{64}$/);
      expect(entry.configPublicKey).toMatch(/^0x[0-9a-f]{64}$/);
    }
    expect(new Set(printed.map((p) => p.peerId)).size).toBe(5);

    const all = await modes(secrets);
    for (const [path, mode] of Object.entries(all)) {
      expect(`${path} ${mode}`).toBe(
        `${path} ${path.endsWith('.json') || path.endsWith('keystore-password') ? '600' : '700'}`,
      );
    }
    expect(Object.keys(all).filter((p) => p.endsWith('.json'))).toHaveLength(10);

    for (let node = 1; node <= 5; node++) {
      const nodeSecrets = await secretsOf(secrets, node);
      expectNoSecret(run.stdout, nodeSecrets);
      // The key files themselves hold no private key in clear.
      const paths = nodeKeyPaths(secrets, node);
      expectNoSecret(await readFile(paths.p2pKeyFile, 'utf8'), nodeSecrets.slice(0, -1));
      expectNoSecret(await readFile(paths.ocrKeyFile, 'utf8'), nodeSecrets.slice(0, -1));
    }

    const again = cli(['public', '--nodes', '5', '--dir', secrets]);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(printed);
  });

  it('never replaces an existing key and only fills in missing ones', async () => {
    const first = cli(['generate', '--nodes', '3', '--out', secrets]);
    expect(first.status).toBe(0);
    const before = await Promise.all(
      [1, 2, 3].flatMap((n) => {
        const p = nodeKeyPaths(secrets, n);
        return [p.p2pKeyFile, p.ocrKeyFile, p.keystorePasswordFile].map((f) => readFile(f, 'utf8'));
      }),
    );

    const second = cli(['generate', '--nodes', '3', '--out', secrets]);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);

    await rm(nodeKeyPaths(secrets, 2).ocrKeyFile);
    const third = cli(['generate', '--nodes', '4', '--out', secrets]);
    expect(third.status).toBe(0);
    const [one, two, three, four] = JSON.parse(third.stdout) as Record<string, string>[];
    const [oldOne, oldTwo, oldThree] = JSON.parse(first.stdout) as Record<string, string>[];
    expect(one).toEqual(oldOne);
    expect(three).toEqual(oldThree);
    expect(two?.peerId).toBe(oldTwo?.peerId);
    expect(two?.onchainSigningAddress).not.toBe(oldTwo?.onchainSigningAddress);
    expect(four?.node).toBe(4);

    const after = await Promise.all(
      [1, 3].flatMap((n) => {
        const p = nodeKeyPaths(secrets, n);
        return [p.p2pKeyFile, p.ocrKeyFile, p.keystorePasswordFile].map((f) => readFile(f, 'utf8'));
      }),
    );
    expect(after).toEqual([...before.slice(0, 3), ...before.slice(6, 9)]);
  });

  it('refuses key files readable by group or others, naming the file but not its content', async () => {
    expect(cli(['generate', '--nodes', '2', '--out', secrets]).status).toBe(0);
    const paths = nodeKeyPaths(secrets, 2);
    const nodeSecrets = await secretsOf(secrets, 2);

    for (const file of [paths.p2pKeyFile, paths.ocrKeyFile, paths.keystorePasswordFile]) {
      await chmod(file, 0o640);
      const run = cli(['public', '--nodes', '2', '--dir', secrets]);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(file);
      expect(run.stderr).toContain('group or others');
      expectNoSecret(run.stderr, nodeSecrets);
      const load =
        file === paths.keystorePasswordFile
          ? readKeystorePassword(file)
          : loadNodeKeys(paths, nodeSecrets.at(-1) as string);
      await expect(load).rejects.toThrow(file);
      await chmod(file, 0o600);
    }
    expect(cli(['public', '--nodes', '2', '--dir', secrets]).status).toBe(0);
  });

  it('seals with a passphrase from the environment when one is configured', async () => {
    const passphrase = 'correct horse battery staple 42';
    const run = cli(
      ['generate', '--nodes', '2', '--out', secrets, '--passphrase-env', 'NODE_KEYSTORE_PASSWORD'],
      {
        NODE_KEYSTORE_PASSWORD: passphrase,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(existsSync(nodeKeyPaths(secrets, 1).keystorePasswordFile)).toBe(false);
    expectNoSecret(run.stdout, await secretsOf(secrets, 1, passphrase));

    const wrong = cli(
      ['public', '--nodes', '2', '--dir', secrets, '--passphrase-env', 'NODE_KEYSTORE_PASSWORD'],
      {
        NODE_KEYSTORE_PASSWORD: 'not the right passphrase',
      },
    );
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/wrong passphrase/);
    expect(cli(['public', '--nodes', '2', '--dir', secrets]).status).toBe(1);
    const right = cli(
      ['public', '--nodes', '2', '--dir', secrets, '--passphrase-env', 'NODE_KEYSTORE_PASSWORD'],
      {
        NODE_KEYSTORE_PASSWORD: passphrase,
      },
    );
    expect(JSON.parse(right.stdout)).toEqual(JSON.parse(run.stdout));
  });

  it('loads keys that print as their public half only', async () => {
    expect(cli(['generate', '--nodes', '1', '--out', secrets]).status).toBe(0);
    const paths = nodeKeyPaths(secrets, 1);
    const keys: NodeKeys = await loadNodeKeys(paths, await readKeystorePassword(paths.keystorePasswordFile));
    const nodeSecrets = await secretsOf(secrets, 1);
    for (const rendering of [
      JSON.stringify(keys),
      inspect(keys, { depth: 10 }),
      String(keys),
      inspect({ nested: { keys } }),
    ]) {
      expect(rendering).toContain(keys.peerId);
      expectNoSecret(rendering, nodeSecrets);
    }
    expect(keys.peerId).toBe(keys.publicKeys().peerId);
  });

  describe("moving a Chainlink deployment's keys", () => {
    const PASSWORD = 'the Go nodes keystore password!';
    const FAST = { n: 2 ** 10, r: 8, p: 1 };
    const env = { CL_PASSWORD: PASSWORD, CL_PASSWORD_2: 'a new export password 22' };
    let nodeSecrets: ChainlinkNodeSecrets[];
    let chainlinkDir: string;

    /** The secrets as text that must never appear in output, and the password. */
    const leaks = (): string[] =>
      nodeSecrets.flatMap((s) => [
        s.evmKey.toString('hex'),
        s.p2pSeed.toString('hex'),
        s.ocrOffchainSeed.toString('hex'),
        s.ocrConfigScalar.toString('hex'),
        s.ocrSigningKey.toString(16),
        s.ocrSigningKey.toString(10),
        s.p2pSeed.toString('base64').slice(0, 16),
        PASSWORD,
      ]);

    beforeEach(async () => {
      nodeSecrets = [randomNodeSecrets(), randomNodeSecrets()];
      chainlinkDir = join(temp.path, 'cl-secrets');
      for (const [i, s] of nodeSecrets.entries())
        await writeChainlinkKeyFiles(
          chainlinkDir,
          i + 1,
          chainlinkKeyFiles(s, PASSWORD, { evm: FAST, p2p: FAST, ocr: FAST }),
        );
    });

    it('import: Chainlink files into the sealed layout, the same keys, 0600 files, nothing replaced', async () => {
      const expected = nodeSecrets.map((s, i) => ({ node: i + 1, ...expectedPublic(s) }));
      const shown = cli(
        [
          'public',
          '--layout',
          'chainlink',
          '--nodes',
          '2',
          '--dir',
          chainlinkDir,
          '--chainlink-password-env',
          'CL_PASSWORD',
        ],
        env,
      );
      expect(shown.stderr).toBe('');
      expect(JSON.parse(shown.stdout)).toEqual(expected);

      const args = [
        'import',
        '--nodes',
        '2',
        '--from',
        chainlinkDir,
        '--chainlink-password-env',
        'CL_PASSWORD',
        '--out',
        secrets,
      ];
      const run = cli(args, env);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(expected);
      expectNoSecret(run.stdout, leaks());
      for (const [path, mode] of Object.entries(await modes(secrets)))
        expect(`${path} ${mode}`).toBe(
          `${path} ${path.endsWith('.json') || path.endsWith('keystore-password') ? '600' : '700'}`,
        );
      expect(JSON.parse(cli(['public', '--nodes', '2', '--dir', secrets]).stdout)).toEqual(expected);

      const before = await readFile(nodeKeyPaths(secrets, 1).ocrKeyFile, 'utf8');
      const again = cli(args, env);
      expect(again.status).toBe(1);
      expect(again.stderr).toBe(
        `key file ${nodeKeyPaths(secrets, 1).p2pKeyFile} exists: keys are never replaced (move it away first)\n`,
      );
      expect(await readFile(nodeKeyPaths(secrets, 1).ocrKeyFile, 'utf8')).toBe(before);
    });

    it('a wrong password or a missing file stops the import, named, before anything is written', async () => {
      const wrong = cli(
        [
          'import',
          '--nodes',
          '2',
          '--from',
          chainlinkDir,
          '--chainlink-password-env',
          'CL_PASSWORD_2',
          '--out',
          secrets,
        ],
        env,
      );
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toBe(
        `key file ${join(chainlinkDir, '1/evm_key.json')}: wrong password, or the file was altered (MAC mismatch)\n`,
      );
      expectNoSecret(wrong.stderr, leaks());
      expect(existsSync(secrets)).toBe(false);

      await rm(join(chainlinkDir, '2/ocr_key.json'));
      const missing = cli(
        [
          'public',
          '--layout',
          'chainlink',
          '--nodes',
          '2',
          '--dir',
          chainlinkDir,
          '--chainlink-password-env',
          'CL_PASSWORD',
        ],
        env,
      );
      expect(missing.status).toBe(1);
      expect(missing.stderr).toBe(`key file ${join(chainlinkDir, '2/ocr_key.json')} does not exist\n`);
    });

    it('export: sealed keys as Chainlink files that read back to the same keys', async () => {
      const generated = cli(['generate', '--nodes', '2', '--out', secrets]);
      expect(generated.status).toBe(0);
      const out = join(temp.path, 'exported');
      const run = cli(
        [
          'export',
          '--nodes',
          '2',
          '--dir',
          secrets,
          '--out',
          out,
          '--chainlink-password-env',
          'CL_PASSWORD_2',
          '--scrypt-n',
          '1024',
        ],
        env,
      );
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(generated.stdout);
      expectNoSecret(run.stdout, await secretsOf(secrets, 1));
      for (const [path, mode] of Object.entries(await modes(out)))
        expect(`${path} ${mode}`).toBe(`${path} ${path.endsWith('.json') ? '600' : '700'}`);
      expect(Object.keys(await modes(out)).filter((p) => p.endsWith('.json'))).toHaveLength(6);

      const back = cli(
        [
          'public',
          '--layout',
          'chainlink',
          '--nodes',
          '2',
          '--dir',
          out,
          '--chainlink-password-env',
          'CL_PASSWORD_2',
        ],
        env,
      );
      expect(back.stdout).toBe(generated.stdout);
      // And round again, into a fresh sealed layout.
      const reimported = cli(
        [
          'import',
          '--nodes',
          '2',
          '--from',
          out,
          '--chainlink-password-env',
          'CL_PASSWORD_2',
          '--out',
          join(temp.path, 'again'),
        ],
        env,
      );
      expect(reimported.stdout).toBe(generated.stdout);
      const standard = JSON.parse(await readFile(join(out, '1/evm_key.json'), 'utf8'));
      expect(standard.crypto.kdfparams).toMatchObject({ n: 1024, r: 8, p: 1, dklen: 32 });
    });
  });

  it('rejects bad arguments with usage', () => {
    const run = cli(['generate', '--nodes', '0', '--out', secrets]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Usage:');
    expect(existsSync(secrets)).toBe(false);
  });
});
