import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptKeystoreJson, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainlinkKeyPaths, exportChainlinkNodeKeys, loadChainlinkNodeKeys } from './chainlink-layout.js';
import {
  chainlinkKeyFiles,
  expectedPublic,
  openKeystoreCrypto,
  randomNodeSecrets,
  writeChainlinkKeyFiles,
  type ChainlinkNodeSecrets,
} from './fixtures/chainlink-key-writer.js';
import { readPublicKeysOf } from './public-keys.js';

const PASSWORD = 'Chainlink keystore password 1!';
const FAST = { n: 2 ** 10, r: 8, p: 1 };
const STANDARD = { n: 2 ** 18, r: 8, p: 1 };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chainlink-keys-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every way the secrets could leak into a message: hex (either case), base64, decimal, the password. */
function leaks(s: ChainlinkNodeSecrets): string[] {
  const seedAndPublic = [s.p2pSeed, s.ocrOffchainSeed, s.evmKey, s.ocrConfigScalar];
  return [
    ...seedAndPublic.flatMap((b) => [b.toString('hex'), b.toString('base64').slice(0, 20)]),
    s.ocrSigningKey.toString(16),
    s.ocrSigningKey.toString(10),
    PASSWORD,
  ];
}

function expectNoLeak(text: string, s: ChainlinkNodeSecrets): void {
  for (const secret of leaks(s)) expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

describe("the Chainlink layout: a Go node's keys, written by an independent writer", () => {
  const secrets = randomNodeSecrets();
  const expected = expectedPublic(secrets);
  let node = 0;
  const write = async (files = chainlinkKeyFiles(secrets, PASSWORD, { evm: FAST, p2p: FAST, ocr: FAST })) => {
    node += 1;
    await writeChainlinkKeyFiles(dir, node, files);
    return chainlinkKeyPaths(dir, node);
  };

  it('loads to the same transmitter, OCR keys and peer id, the transmitter at the real scrypt cost', async () => {
    const paths = await write(chainlinkKeyFiles(secrets, PASSWORD, { evm: STANDARD, p2p: FAST, ocr: FAST }));
    expect(JSON.parse(await readFile(paths.ocrKeyFile, 'utf8')).crypto.kdfparams.n).toBe(FAST.n);
    expect(JSON.parse(await readFile(paths.evmKeyFile, 'utf8')).crypto.kdfparams.n).toBe(262_144);

    const keys = await loadChainlinkNodeKeys(paths, PASSWORD);

    expect(keys.publicKeys()).toEqual(expected);
    expect(keys.peerId).toMatch(/^12D3KooW/);
    const revealed = keys.oracle.reveal();
    expect(revealed.transmitterPrivateKey).toBe(`0x${secrets.evmKey.toString('hex')}`);
    expect(BigInt(revealed.onchainSigningKey)).toBe(secrets.ocrSigningKey);
    expect(secrets.ocrSigningKey > 2n ** 53n).toBe(true);
    expect(revealed.offchainPrivateKey).toBe(`0x${secrets.ocrOffchainSeed.toString('hex')}`);
    expect(revealed.configPrivateKey).toBe(`0x${secrets.ocrConfigScalar.toString('hex')}`);
    // What other nodes and setConfig read without the password says the same.
    expect(await readPublicKeysOf({ layout: 'chainlink', ...paths })).toEqual(expected);
  });

  it('refuses clearly the Web3 Secret Storage test vector, whose r = 1 with n = 2^18 OpenSSL cannot run', async () => {
    const vector = {
      address: new Wallet('0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d').address.slice(
        2,
      ),
      crypto: {
        cipher: 'aes-128-ctr',
        cipherparams: { iv: '83dbcc02d8ccb40e466191a123791e0e' },
        ciphertext: 'd172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c',
        kdf: 'scrypt',
        kdfparams: {
          dklen: 32,
          n: 262144,
          p: 8,
          r: 1,
          salt: 'ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19',
        },
        mac: '2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097',
      },
      id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
      version: 3,
    };
    const files = chainlinkKeyFiles(secrets, 'testpassword', { evm: FAST, p2p: FAST, ocr: FAST });
    const paths = await write({ ...files, evm: JSON.stringify(vector) });
    expect(await failure(loadChainlinkNodeKeys(paths, 'testpassword'))).toBe(
      `key file ${paths.evmKeyFile} is not an Ethereum keystore v3 file (crypto.kdfparams.n: scrypt n = 262144 with r = 1 is outside RFC 7914 (n < 2^(16·r)), which OpenSSL enforces)`,
    );
  });

  it('refuses a wrong password, a changed MAC and a truncated file, naming the file and no key material', async () => {
    const paths = await write();
    const wrong = await failure(loadChainlinkNodeKeys(paths, `${PASSWORD}x`));
    expect(wrong).toBe(
      `key file ${paths.evmKeyFile}: wrong password, or the file was altered (MAC mismatch)`,
    );
    expectNoLeak(wrong, secrets);

    const p2p = JSON.parse(await readFile(paths.p2pKeyFile, 'utf8'));
    const original = await readFile(paths.p2pKeyFile, 'utf8');
    const flipped = `${p2p.crypto.mac.slice(0, -1)}${p2p.crypto.mac.endsWith('0') ? '1' : '0'}`;
    await writeFile(paths.p2pKeyFile, JSON.stringify({ ...p2p, crypto: { ...p2p.crypto, mac: flipped } }));
    const mac = await failure(loadChainlinkNodeKeys(paths, PASSWORD));
    expect(mac).toBe(`key file ${paths.p2pKeyFile}: wrong password, or the file was altered (MAC mismatch)`);
    expectNoLeak(mac, secrets);

    const shortened = { ...p2p.crypto, ciphertext: p2p.crypto.ciphertext.slice(0, 64) };
    await writeFile(paths.p2pKeyFile, JSON.stringify({ ...p2p, crypto: shortened }));
    expect(await failure(loadChainlinkNodeKeys(paths, PASSWORD))).toMatch(/MAC mismatch/);

    await writeFile(paths.p2pKeyFile, original);
    const ocr = await readFile(paths.ocrKeyFile, 'utf8');
    await writeFile(paths.ocrKeyFile, ocr.slice(0, ocr.length / 2));
    const truncated = await failure(loadChainlinkNodeKeys(paths, PASSWORD));
    expect(truncated).toBe(`key file ${paths.ocrKeyFile} is not valid JSON (truncated?)`);

    await writeFile(paths.ocrKeyFile, ocr);
    await rm(paths.p2pKeyFile);
    expect(await failure(loadChainlinkNodeKeys(paths, PASSWORD))).toBe(
      `key file ${paths.p2pKeyFile} does not exist`,
    );
  });

  it('refuses, without running scrypt, a file asking for absurd scrypt parameters', async () => {
    const paths = await write();
    const ocr = JSON.parse(await readFile(paths.ocrKeyFile, 'utf8'));
    for (const [kdfparams, message] of [
      [{ n: 2 ** 31 }, /crypto\.kdfparams\.n: scrypt n above 262144 \(2\^18\) is refused/],
      [{ n: 2 ** 18, r: 16 }, /would need 512 MiB; at most 256 MiB/],
      [{ n: 2 ** 17, r: 8, p: 16 }, /more work than allowed/],
      [{ n: 1000 }, /power of two/],
      [{ dklen: 64 }, /kdfparams\.dklen/],
    ] as const) {
      await writeFile(
        paths.ocrKeyFile,
        JSON.stringify({
          ...ocr,
          crypto: { ...ocr.crypto, kdfparams: { ...ocr.crypto.kdfparams, ...kdfparams } },
        }),
      );
      const began = Date.now();
      const message_ = await failure(loadChainlinkNodeKeys(paths, PASSWORD));
      expect(message_).toMatch(message);
      expect(message_).toContain(`key file ${paths.ocrKeyFile} is not Chainlink's OCR key bundle export`);
      expect(Date.now() - began).toBeLessThan(2_000);
    }
  });

  it('refuses a key file others can read, and public keys that do not match the private ones', async () => {
    const paths = await write();
    await chmod(paths.evmKeyFile, 0o644);
    expect(await failure(loadChainlinkNodeKeys(paths, PASSWORD))).toBe(
      `key file ${paths.evmKeyFile} must not be accessible by others (mode 0644; chmod 600 or 640 it)`,
    );
    await chmod(paths.evmKeyFile, 0o640);
    const ocr = JSON.parse(await readFile(paths.ocrKeyFile, 'utf8'));
    await writeFile(
      paths.ocrKeyFile,
      JSON.stringify({ ...ocr, configPublicKey: `ocrcfg_${'11'.repeat(32)}` }),
    );
    const mismatch = await failure(loadChainlinkNodeKeys(paths, PASSWORD));
    expect(mismatch).toBe(`key file ${paths.ocrKeyFile}: configPublicKey does not match the private key`);
    expectNoLeak(mismatch, secrets);
  });

  it('exports files the importer and an independent reader (ethers for the keystore) read back', async () => {
    const keys = await loadChainlinkNodeKeys(await write(), PASSWORD);
    const out = chainlinkKeyPaths(join(dir, 'exported'), 1);
    await exportChainlinkNodeKeys(out, keys, 'another password 2', FAST);

    for (const file of [out.evmKeyFile, out.p2pKeyFile, out.ocrKeyFile]) {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expectNoLeak(await readFile(file, 'utf8'), secrets);
    }
    expect((await stat(out.dir)).mode & 0o777).toBe(0o700);
    expect((await loadChainlinkNodeKeys(out, 'another password 2')).publicKeys()).toEqual(expected);

    const evm = await readFile(out.evmKeyFile, 'utf8');
    const account = await decryptKeystoreJson(evm, 'another password 2');
    expect(account.address).toBe(expected.transmitterAddress);
    expect(JSON.parse(evm)).toMatchObject({
      version: 3,
      address: expected.transmitterAddress.slice(2).toLowerCase(),
    });

    // The independent writer's own files, decrypted by its reader, are what ours must be byte for byte.
    const theirs = chainlinkKeyFiles(secrets, PASSWORD, { evm: FAST, p2p: FAST, ocr: FAST });
    const plain = (text: string, password: string): Buffer =>
      openKeystoreCrypto(JSON.parse(text).crypto, password);
    const p2p = await readFile(out.p2pKeyFile, 'utf8');
    expect(JSON.parse(p2p)).toMatchObject({ ...JSON.parse(theirs.p2p), crypto: expect.any(Object) });
    expect(plain(p2p, 'p2pkeyanother password 2')).toEqual(plain(theirs.p2p, `p2pkey${PASSWORD}`));
    const ocr = await readFile(out.ocrKeyFile, 'utf8');
    expect(JSON.parse(ocr)).toMatchObject({ ...JSON.parse(theirs.ocr), crypto: expect.any(Object) });
    expect(plain(ocr, 'ocrkeyanother password 2').toString()).toBe(
      plain(theirs.ocr, `ocrkey${PASSWORD}`).toString(),
    );
    expect(JSON.parse(ocr).crypto.kdfparams).toMatchObject({ dklen: 32, n: FAST.n, r: 8, p: 1 });
  });

  it('never replaces an exported file', async () => {
    const keys = await loadChainlinkNodeKeys(await write(), PASSWORD);
    const out = chainlinkKeyPaths(join(dir, 'exported-twice'), 1);
    await exportChainlinkNodeKeys(out, keys, PASSWORD, FAST);
    const before = await readFile(out.evmKeyFile, 'utf8');
    expect(await failure(exportChainlinkNodeKeys(out, keys, PASSWORD, FAST))).toBe(
      `key file ${out.evmKeyFile} exists: keys are never replaced (move it away first)`,
    );
    expect(await readFile(out.evmKeyFile, 'utf8')).toBe(before);
  });
});
