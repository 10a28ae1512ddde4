/**
 * The local stack's chain (`npm start`): anvil's `--config-out` file holds the dev accounts' private
 * keys, the local faucet's among them, and must be readable by its owner only, also when an earlier
 * run left one readable by everybody.
 */
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, makeTempDir, type TempDir } from '@oracle/testing';
import { startLocalChain, type LocalChain } from '../src/local-helpers.js';

let chain: LocalChain | undefined;
let dir: TempDir | undefined;

afterEach(async () => {
  await chain?.stop();
  await dir?.remove();
  chain = undefined;
  dir = undefined;
});

describe('the local chain', () => {
  it('writes anvil.json 0600, replacing a world-readable one from an earlier run', async () => {
    dir = await makeTempDir('local-chain');
    const configOut = join(dir.path, 'anvil.json');
    await writeFile(configOut, '{"private_keys":["0xstale"]}');
    await chmod(configOut, 0o644);

    chain = await startLocalChain(await freePort(), dir.path);

    expect((await stat(configOut)).mode & 0o777).toBe(0o600);
    const written = JSON.parse(await readFile(configOut, 'utf8')) as { private_keys: string[] };
    expect(written.private_keys[0]).toBe(chain.ownerKey);
    expect(chain.ownerKey).toMatch(/^0x[0-9a-f]{64}$/);
  });
});
