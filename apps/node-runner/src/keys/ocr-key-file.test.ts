import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOracleKeys } from '@oracle/evm';
import { getBytes, keccak256, toUtf8Bytes } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOracleKeysFile, writeOracleKeysFile } from './ocr-key-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ocr-key-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
const keys = generateOracleKeys((length) =>
  getBytes(keccak256(toUtf8Bytes(`ocr-key-file ${counter++}`))).slice(0, length),
);
const passphrase = 'correct horse battery staple';
const secrets = Object.values(keys.reveal()).map((s) => s.slice(2));
const fast = { n: 2 ** 10, r: 8, p: 1 };

describe('OCR key files (sealed layout)', () => {
  it('write with mode 0600, seal the private keys and load them back', async () => {
    const path = join(dir, 'sealed.json');
    await writeOracleKeysFile(path, keys, passphrase);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const text = await readFile(path, 'utf8');
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).toContain(keys.onchainSigningAddress);
    expect(JSON.parse(text).sealedSecret).toMatchObject({ kdf: 'scrypt', n: 2 ** 15, r: 8, p: 1 });
    expect((await readOracleKeysFile(path, passphrase)).reveal()).toEqual(keys.reveal());
    await expect(readOracleKeysFile(path, 'wrong')).rejects.toThrow(`key file ${path}: wrong passphrase`);
  });

  it('refuse files others can read, files whose public keys do not match, and absurd scrypt costs', async () => {
    const loose = join(dir, 'loose.json');
    await writeOracleKeysFile(loose, keys, passphrase, fast);
    await chmod(loose, 0o644);
    await expect(readOracleKeysFile(loose, passphrase)).rejects.toThrow(/group or others/);

    const tampered = join(dir, 'tampered.json');
    await writeOracleKeysFile(tampered, keys, passphrase, fast);
    const file = JSON.parse(await readFile(tampered, 'utf8'));
    file.public.transmitterAddress = '0x' + '00'.repeat(20);
    await writeFile(tampered, JSON.stringify(file), { mode: 0o600 });
    const error = String(await readOracleKeysFile(tampered, passphrase).catch((e: unknown) => e));
    expect(error).toMatch(/transmitterAddress does not match/);
    for (const s of secrets) expect(error).not.toContain(s);

    for (const [params, message] of [
      [{ n: 2 ** 30 }, /sealedSecret.n: scrypt n above 262144/],
      [{ n: 3 }, /power of two/],
      [{ n: 2 ** 18, r: 16 }, /would need 512 MiB/],
      [{ n: 2 ** 17, p: 16 }, /more work than allowed/],
    ] as const) {
      const hostile = join(dir, `hostile-${params.n}-${'r' in params ? params.r : ''}.json`);
      await writeFile(
        hostile,
        JSON.stringify({ ...file, sealedSecret: { ...file.sealedSecret, ...params } }),
        {
          mode: 0o600,
        },
      );
      await expect(readOracleKeysFile(hostile, passphrase)).rejects.toThrow(message);
    }
  });
});
