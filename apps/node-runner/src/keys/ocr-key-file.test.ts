import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from './fixtures/seeded-random.js';
import { readOracleKeysFile, writeOracleKeysFile } from './key-file.js';
import { generateOracleKeys } from './keys.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evm-keys-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const keys = generateOracleKeys(seededRandom('key-file'));

describe('key files', () => {
  it('write with mode 0600 and load back the same keys', async () => {
    const path = join(dir, 'plain.json');
    await writeOracleKeysFile(path, keys);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const loaded = await readOracleKeysFile(path);
    expect(loaded.reveal()).toEqual(keys.reveal());
  });

  it('seal the private keys with a passphrase', async () => {
    const path = join(dir, 'sealed.json');
    await writeOracleKeysFile(path, keys, { passphrase: 'correct horse battery staple' });
    const text = await readFile(path, 'utf8');
    for (const s of Object.values(keys.reveal())) expect(text).not.toContain(s.slice(2));
    expect(text).toContain(keys.onchainSigningAddress);
    expect((await readOracleKeysFile(path, { passphrase: 'correct horse battery staple' })).reveal()).toEqual(
      keys.reveal(),
    );
    await expect(readOracleKeysFile(path, { passphrase: 'wrong' })).rejects.toThrow(/wrong passphrase/);
    await expect(readOracleKeysFile(path)).rejects.toThrow(/needs a passphrase/);
  });

  it('refuse files others can read, and files whose public keys do not match', async () => {
    const path = join(dir, 'loose.json');
    await writeOracleKeysFile(path, keys);
    await chmod(path, 0o644);
    await expect(readOracleKeysFile(path)).rejects.toThrow(/group or others/);

    const tampered = join(dir, 'tampered.json');
    await writeOracleKeysFile(tampered, keys);
    const file = JSON.parse(await readFile(tampered, 'utf8'));
    file.public.transmitterAddress = '0x' + '00'.repeat(20);
    await writeFile(tampered, JSON.stringify(file), { mode: 0o600 });
    const error = await readOracleKeysFile(tampered).catch((e: unknown) => e);
    expect(String(error)).toMatch(/transmitterAddress does not match/);
    for (const s of Object.values(keys.reveal())) expect(String(error)).not.toContain(s.slice(2));
  });
});
